// Every string the page shows, in Korean and English, in one place.
// Keys are used as data-i18n="key" in index.html and via t("key") in the scripts.

export const MESSAGES = {
  en: {
    "app.tagline": "Subtitles for your video and audio",
    "lang.toggle": "한국어",
    "auth.heading": "Sign in",
    "auth.hint": "Paste the token you were given (from: jamak tokens create NAME).",
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
    "options.advanced": "More options",
    "options.maxChars": "Max characters per line",
    "options.maxLines": "Max lines per cue",
    "options.prompt": "Vocabulary hint (names, terms)",
    "options.default": "Default",
    "options.modelEnglishOnly": "English only",
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
    "job.language": "Language: {language}",
    "job.open": "Play",
    "job.cancel": "Cancel",
    "job.delete": "Delete",
    "job.deleteConfirm": "Delete {name} and its subtitles?",
    "job.downloads": "Download:",
    "job.downloadFormat": "Download {format}",
    "job.error": "Reason: {reason}",
    "player.heading": "Player",
    "player.empty": "Choose a finished job to play it with its subtitles.",
    "player.cues": "Subtitles",
    "player.cueSeek": "Jump to {time}",
    "player.noCues": "No subtitles in this file.",
    "player.loading": "Loading subtitles…",
    "player.unplayable": "This browser can't play {name}. The subtitles are listed here and in the downloads.",
    "error.network": "The server could not be reached.",
  },
  ko: {
    "app.tagline": "동영상과 음성 파일의 자막 만들기",
    "lang.toggle": "English",
    "auth.heading": "로그인",
    "auth.hint": "받은 토큰을 붙여 넣으세요 (jamak tokens create NAME 로 만듭니다).",
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
    "options.advanced": "추가 설정",
    "options.maxChars": "한 줄 최대 글자 수",
    "options.maxLines": "자막당 최대 줄 수",
    "options.prompt": "어휘 힌트 (이름, 용어)",
    "options.default": "기본값",
    "options.modelEnglishOnly": "영어 전용",
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
    "job.language": "언어: {language}",
    "job.open": "재생",
    "job.cancel": "취소",
    "job.delete": "삭제",
    "job.deleteConfirm": "{name} 파일과 자막을 삭제할까요?",
    "job.downloads": "내려받기:",
    "job.downloadFormat": "{format} 내려받기",
    "job.error": "이유: {reason}",
    "player.heading": "플레이어",
    "player.empty": "완료된 작업을 골라 자막과 함께 재생하세요.",
    "player.cues": "자막",
    "player.cueSeek": "{time}(으)로 이동",
    "player.noCues": "이 파일에는 자막이 없습니다.",
    "player.loading": "자막을 불러오는 중…",
    "player.unplayable": "이 브라우저는 {name} 파일을 재생할 수 없습니다. 자막은 여기 목록과 내려받기에서 볼 수 있습니다.",
    "error.network": "서버에 연결할 수 없습니다.",
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

// A language code's name in the page's language ("ko" -> "Korean" / "한국어").
export function languageName(code) {
  try {
    return new Intl.DisplayNames([current], { type: "language" }).of(code) || code;
  } catch {
    return code;
  }
}
