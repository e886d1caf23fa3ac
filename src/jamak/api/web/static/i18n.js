// Every string the page shows, in Korean and English, in one place.
// Keys are used as data-i18n="key" in index.html and via t("key") in the scripts.

export const MESSAGES = {
  en: {
    "app.tagline": "Subtitles for your video and audio",
    "lang.toggle": "한국어",
    "auth.heading": "Sign in",
    "auth.hint": "Paste your access token. No token yet? Ask whoever runs this server (they make one with: jamak tokens create NAME).",
    "auth.token": "Token",
    "auth.submit": "Sign in",
    "auth.signOut": "Sign out",
    "auth.signedInAs": "Signed in as {name}",
    "auth.invalid": "That token is not valid. Check it, or ask for a new one.",
    "lang.toggle.label": "Switch the page to Korean",
    "upload.heading": "New subtitles",
    "upload.drop": "Drop video or audio files here",
    "upload.pick": "or choose files",
    "upload.hint": "Several files at once are fine. Each becomes its own job.",
    "upload.retentionFinished": "Finished jobs are deleted with their files after {days} days: download what you need.",
    "upload.retentionUpload": "Jobs are deleted with their files {days} days after upload: download what you need.",
    "upload.selected": "{count} file(s) selected",
    "upload.none": "Choose at least one file first.",
    "upload.tooLarge": "{name} is larger than the {mb} MB limit.",
    "upload.start": "Make subtitles",
    "upload.uploading": "Uploading {name}… {percent}%",
    "upload.failed": "Upload of {name} failed: {reason}",
    "options.model": "Model",
    "options.language": "Spoken language",
    "options.language.auto": "Detect automatically",
    "options.task": "Task",
    "options.task.transcribe": "Transcribe",
    "options.task.translate": "Translate to English",
    "options.formats": "Formats",
    "options.formats.hint": "WebVTT is always made too, for the player.",
    "format.srt": "SubRip: opens in nearly every player and subtitle editor",
    "format.vtt": "WebVTT: for video players on the web",
    "format.txt": "Plain text: the words alone",
    "format.tsv": "Tab-separated start, end and text, for spreadsheets",
    "format.json": "JSON: every word with its times and confidence, for programs",
    "format.smi": "SAMI: the subtitles PotPlayer, GOM Player and KMPlayer read first",
    "options.advanced": "More options",
    "options.maxChars": "Max characters per line",
    "options.maxLines": "Max lines per cue",
    "options.prompt": "Vocabulary hint (names, terms)",
    "options.default": "Default",
    "options.modelEnglishOnly": "English only",
    "options.speed": "Speed",
    "options.speed.fast": "Fast",
    "options.speed.balanced": "Balanced",
    "options.speed.accurate": "Accurate",
    "options.speed.hint.fast": "Quickest; may miss a word here and there.",
    "options.speed.hint.balanced": "Quick, and looks again wherever it is unsure. Recommended.",
    "options.speed.hint.accurate": "Slowest; searches every line thoroughly.",
    "jobs.heading": "Jobs",
    "jobs.empty": "No jobs yet. Upload a file to start.",
    "jobs.more": "Show older jobs",
    "jobs.refresh": "Refresh",
    "job.status.queued": "Waiting",
    "job.status.running": "Working",
    "job.status.succeeded": "Done",
    "job.status.failed": "Failed",
    "job.status.cancelled": "Cancelled",
    "job.progress": "Progress of {name}",
    "job.processed": "{done} of {total}",
    "job.remainingUnderMinute": "less than a minute left",
    "job.remainingMinutes": "about {minutes} min left",
    "job.remainingHours": "about {hours} h left",
    "job.keptUntil": "Kept until {date}",
    "job.language": "Language: {language}",
    "job.speed": "Speed: {speed}",
    "job.open": "Play",
    "job.cancel": "Cancel",
    "job.delete": "Delete",
    "job.deleteConfirm": "Delete {name} and its subtitles?",
    "job.downloads": "Download:",
    "job.downloadFormat": "Download {format}",
    "job.moreDownloads": "Other formats:",
    "job.error": "Reason: {reason}",
    "player.heading": "Player",
    "player.empty": "Choose a finished job to play it with its subtitles.",
    "player.cues": "Subtitles",
    "player.cueSeek": "Jump to {time}",
    "player.noCues": "No subtitles in this file.",
    "player.loading": "Loading subtitles…",
    "player.unplayable": "This browser can't play {name}. The subtitles are listed here and in the downloads.",
    // A failed job, by its error_kind (errors.js); then a refused request, by its error code.
    "failure.NotMediaError": "This file can't be read as video or audio. Check that it is a media file.",
    "failure.NoAudioStreamError": "This file has no sound track to make subtitles from.",
    "failure.EmptyMediaError": "This file is empty or has no sound in it.",
    "failure.CorruptMediaError": "This file is damaged and could not be decoded. Try saving or exporting it again.",
    "failure.MediaLimitError": "This file is beyond what this server accepts (too long, or too unusual to decode).",
    "failure.JobTimeLimitError": "Making the subtitles took longer than this server allows, so it was stopped.",
    "failure.UnknownModelError": "The chosen model is not available on this server.",
    "failure.ModelUnavailableError": "The speech recognition model can't be installed on this server. Ask its administrator.",
    "failure.ModelIntegrityError": "The speech recognition model's files on this server are damaged. Ask its administrator.",
    "failure.SubtitleFormatError": "A subtitle format that was asked for is not supported.",
    "failure.StorageFullError": "The server ran out of storage space. Try again later, or tell its administrator.",
    "failure.BackendBusyError": "The server was too busy to finish this. Try again in a moment.",
    "failure.WorkerLost": "Work on this file stopped several times on the server. Try again later.",
    "failure.InternalError": "Something went wrong on the server. Try again; if it keeps failing, tell its administrator.",
    "failure.unknown": "The subtitles could not be made.",
    "refusal.file_too_large": "The file is larger than this server's upload limit.",
    "refusal.too_many_files": "Too many files at once. Send fewer at a time.",
    "refusal.empty_file": "The file is empty.",
    "refusal.no_file": "Choose at least one file first.",
    "refusal.unsupported_media_type": "The server could not take this upload as a media file.",
    "refusal.media_error": "This file can't be read as video or audio. Check that it is a media file.",
    "refusal.invalid_request": "One of the options is not valid.",
    "refusal.quota_exceeded": "You have reached your limit for now (unfinished jobs, or hours of audio today). Try again later.",
    "refusal.rate_limited": "Too many requests in a short time. Wait a moment and try again.",
    "refusal.queue_full": "The server is busy: too many jobs are waiting. Try again later.",
    "refusal.busy": "The server is busy right now. Try again in a moment.",
    "refusal.storage_full": "The server ran out of storage space. Try again later, or tell its administrator.",
    "refusal.unauthorized": "Your sign-in has ended. Reload the page and sign in again.",
    "refusal.network": "The server could not be reached.",
  },
  ko: {
    "app.tagline": "동영상과 음성 파일의 자막 만들기",
    "lang.toggle": "English",
    "auth.heading": "로그인",
    "auth.hint": "받은 접근 토큰을 붙여 넣으세요. 토큰이 없다면 이 서버 관리자에게 요청하세요 (관리자는 jamak tokens create NAME 명령으로 만듭니다).",
    "auth.token": "토큰",
    "auth.submit": "로그인",
    "auth.signOut": "로그아웃",
    "auth.signedInAs": "{name} 님으로 로그인됨",
    "auth.invalid": "유효하지 않은 토큰입니다. 확인하거나 새 토큰을 요청하세요.",
    "lang.toggle.label": "페이지를 영어로 바꾸기",
    "upload.heading": "새 자막",
    "upload.drop": "동영상이나 음성 파일을 여기에 끌어다 놓으세요",
    "upload.pick": "또는 파일 선택",
    "upload.hint": "여러 파일을 한 번에 올려도 됩니다. 파일마다 작업이 하나씩 만들어집니다.",
    "upload.retentionFinished": "끝난 작업은 {days}일 뒤 파일과 함께 삭제됩니다. 필요한 자막은 미리 내려받으세요.",
    "upload.retentionUpload": "작업은 올린 지 {days}일 뒤 파일과 함께 삭제됩니다. 필요한 자막은 미리 내려받으세요.",
    "upload.selected": "파일 {count}개 선택됨",
    "upload.none": "먼저 파일을 하나 이상 선택하세요.",
    "upload.tooLarge": "{name} 파일이 {mb} MB 제한보다 큽니다.",
    "upload.start": "자막 만들기",
    "upload.uploading": "{name} 올리는 중… {percent}%",
    "upload.failed": "{name} 업로드 실패: {reason}",
    "options.model": "모델",
    "options.language": "말하는 언어",
    "options.language.auto": "자동 감지",
    "options.task": "작업",
    "options.task.transcribe": "받아쓰기",
    "options.task.translate": "영어로 번역",
    "options.formats": "형식",
    "options.formats.hint": "플레이어용 WebVTT는 항상 함께 만들어집니다.",
    "format.srt": "SubRip: 거의 모든 플레이어와 자막 편집기에서 열립니다",
    "format.vtt": "WebVTT: 웹 동영상 플레이어용",
    "format.txt": "텍스트: 말한 내용만",
    "format.tsv": "탭으로 구분한 시작, 끝, 내용 (스프레드시트용)",
    "format.json": "JSON: 단어마다 시간과 신뢰도 (프로그램용)",
    "format.smi": "SAMI: 팟플레이어, 곰플레이어, KMPlayer가 먼저 찾는 자막",
    "options.advanced": "추가 설정",
    "options.maxChars": "한 줄 최대 글자 수",
    "options.maxLines": "자막당 최대 줄 수",
    "options.prompt": "어휘 힌트 (이름, 용어)",
    "options.default": "기본값",
    "options.modelEnglishOnly": "영어 전용",
    "options.speed": "속도",
    "options.speed.fast": "빠르게",
    "options.speed.balanced": "균형",
    "options.speed.accurate": "정확하게",
    "options.speed.hint.fast": "가장 빠릅니다. 가끔 놓치는 말이 있을 수 있습니다.",
    "options.speed.hint.balanced": "빠르게 읽고, 애매한 부분만 다시 꼼꼼히 읽습니다. 권장.",
    "options.speed.hint.accurate": "가장 느립니다. 모든 부분을 꼼꼼히 읽습니다.",
    "jobs.heading": "작업",
    "jobs.empty": "아직 작업이 없습니다. 파일을 올려 시작하세요.",
    "jobs.more": "이전 작업 더 보기",
    "jobs.refresh": "새로 고침",
    "job.status.queued": "대기 중",
    "job.status.running": "처리 중",
    "job.status.succeeded": "완료",
    "job.status.failed": "실패",
    "job.status.cancelled": "취소됨",
    "job.progress": "{name} 진행률",
    "job.processed": "{total} 중 {done}",
    "job.remainingUnderMinute": "1분 안에 끝남",
    "job.remainingMinutes": "약 {minutes}분 남음",
    "job.remainingHours": "약 {hours}시간 남음",
    "job.keptUntil": "{date}까지 보관",
    "job.language": "언어: {language}",
    "job.speed": "속도: {speed}",
    "job.open": "재생",
    "job.cancel": "취소",
    "job.delete": "삭제",
    "job.deleteConfirm": "{name} 파일과 자막을 삭제할까요?",
    "job.downloads": "내려받기:",
    "job.downloadFormat": "{format} 내려받기",
    "job.moreDownloads": "다른 형식:",
    "job.error": "이유: {reason}",
    "player.heading": "플레이어",
    "player.empty": "완료된 작업을 골라 자막과 함께 재생하세요.",
    "player.cues": "자막",
    "player.cueSeek": "{time}(으)로 이동",
    "player.noCues": "이 파일에는 자막이 없습니다.",
    "player.loading": "자막을 불러오는 중…",
    "player.unplayable": "이 브라우저는 {name} 파일을 재생할 수 없습니다. 자막은 여기 목록과 내려받기에서 볼 수 있습니다.",
    "failure.NotMediaError": "미디어 파일로 읽을 수 없습니다. 동영상이나 음성 파일이 맞는지 확인해 주세요.",
    "failure.NoAudioStreamError": "파일에 오디오 트랙이 없어 자막을 만들 수 없습니다.",
    "failure.EmptyMediaError": "파일이 비어 있거나 소리가 들어 있지 않습니다.",
    "failure.CorruptMediaError": "파일이 손상되어 읽을 수 없습니다. 다시 저장하거나 내보낸 뒤 올려 주세요.",
    "failure.MediaLimitError": "이 서버에서 처리할 수 있는 범위를 넘는 파일입니다 (너무 길거나 형식이 특이합니다).",
    "failure.JobTimeLimitError": "자막 작업이 서버의 허용 시간을 넘겨 중단되었습니다.",
    "failure.UnknownModelError": "선택한 모델은 이 서버에서 사용할 수 없습니다.",
    "failure.ModelUnavailableError": "이 서버에 음성 인식 모델을 설치할 수 없습니다. 관리자에게 문의해 주세요.",
    "failure.ModelIntegrityError": "서버의 음성 인식 모델 파일이 손상되었습니다. 관리자에게 문의해 주세요.",
    "failure.SubtitleFormatError": "요청한 자막 형식은 지원하지 않습니다.",
    "failure.StorageFullError": "서버 저장 공간이 부족합니다. 잠시 후 다시 시도하거나 관리자에게 알려 주세요.",
    "failure.BackendBusyError": "서버가 바빠 작업을 마치지 못했습니다. 잠시 후 다시 시도해 주세요.",
    "failure.WorkerLost": "서버에서 이 파일의 처리가 여러 번 중단되었습니다. 잠시 후 다시 시도해 주세요.",
    "failure.InternalError": "서버에서 문제가 발생했습니다. 다시 시도해 보시고, 계속 실패하면 관리자에게 알려 주세요.",
    "failure.unknown": "자막을 만들지 못했습니다.",
    "refusal.file_too_large": "파일이 이 서버의 업로드 용량 제한보다 큽니다.",
    "refusal.too_many_files": "한 번에 올릴 수 있는 파일 수를 넘었습니다. 나누어 올려 주세요.",
    "refusal.empty_file": "빈 파일입니다.",
    "refusal.no_file": "먼저 파일을 하나 이상 선택하세요.",
    "refusal.unsupported_media_type": "서버가 이 업로드를 미디어 파일로 받을 수 없습니다.",
    "refusal.media_error": "미디어 파일로 읽을 수 없습니다. 동영상이나 음성 파일이 맞는지 확인해 주세요.",
    "refusal.invalid_request": "설정 값 중 올바르지 않은 것이 있습니다.",
    "refusal.quota_exceeded": "지금은 사용 한도에 도달했습니다 (진행 중인 작업 수 또는 오늘 올린 음성 시간). 잠시 후 다시 시도해 주세요.",
    "refusal.rate_limited": "짧은 시간에 요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.",
    "refusal.queue_full": "서버가 바쁩니다. 대기 중인 작업이 너무 많으니 잠시 후 다시 시도해 주세요.",
    "refusal.busy": "지금은 서버가 바쁩니다. 잠시 후 다시 시도해 주세요.",
    "refusal.storage_full": "서버 저장 공간이 부족합니다. 잠시 후 다시 시도하거나 관리자에게 알려 주세요.",
    "refusal.unauthorized": "로그인이 만료되었습니다. 페이지를 새로 고친 뒤 다시 로그인해 주세요.",
    "refusal.network": "서버에 연결할 수 없습니다.",
  },
};

const STORAGE_KEY = "jamak.lang";
let current = "en";
const listeners = [];

export function initialLanguage() {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved && MESSAGES[saved]) return saved;
  const preferred = (navigator.languages && navigator.languages[0]) || navigator.language || "en";
  return preferred.toLowerCase().startsWith("ko") ? "ko" : "en";
}

export function language() {
  return current;
}

export function setLanguage(lang) {
  current = MESSAGES[lang] ? lang : "en";
  localStorage.setItem(STORAGE_KEY, current);
  document.documentElement.lang = current;
  translatePage(document);
  for (const listener of listeners) listener(current);
}

export function onLanguageChange(listener) {
  listeners.push(listener);
}

// Whether `key` has words of its own (errors.js falls back to generic ones where not).
export function has(key) {
  return key in MESSAGES.en;
}

export function t(key, params = {}) {
  const text = MESSAGES[current][key] ?? MESSAGES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in params ? String(params[name]) : `{${name}}`));
}

// Fills every element marked data-i18n (text) or data-i18n-<attr> (an attribute).
export function translatePage(root) {
  for (const element of root.querySelectorAll("[data-i18n]")) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const attr of ["aria-label", "placeholder", "title"]) {
    const dataKey = `i18n${attr.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase())}`;
    for (const element of root.querySelectorAll(`[data-i18n-${attr}]`)) {
      element.setAttribute(attr, t(element.dataset[dataKey]));
    }
  }
}

// A day in the page's language ("Dec 13, 2026" / "2026. 12. 13.").
export function formatDate(date) {
  try {
    return new Intl.DateTimeFormat([current], { dateStyle: "medium" }).format(date);
  } catch {
    return date.toISOString().slice(0, 10);
  }
}

// A language code's name in the page's language ("ko" -> "Korean" / "한국어").
export function languageName(code) {
  try {
    return new Intl.DisplayNames([current], { type: "language" }).of(code) || code;
  } catch {
    return code;
  }
}
