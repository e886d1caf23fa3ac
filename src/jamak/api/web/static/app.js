// The page's wiring: the upload form, the job list with live progress, and the player.

import * as api from "./api.js";
import { jobFailure, refusal, refusalDetail } from "./errors.js";
import { formatDate, initialLanguage, language, languageName, onLanguageChange, setLanguage, t } from "./i18n.js";
import * as player from "./player.js";
import * as session from "./session.js";
import { fillSpeeds, setUpSpeeds, speedDetail } from "./speed.js";

// Spoken-language choices; names come from Intl.DisplayNames in the page's language.
const LANGUAGES = ["ko", "en", "ja", "zh", "es", "fr", "de", "ru", "pt", "it", "vi", "th", "id", "ar", "hi", "tr"];
const ACTIVE = new Set(["queued", "running"]);
// Browsers allow about six connections per server over HTTP/1.1: keep most free for uploads,
// media and API calls, and let further jobs wait their turn for a live stream.
const MAX_STREAMS = 3;

const state = {
  config: null,
  jobs: new Map(), // id -> job JSON, in display order (newest first)
  nextCursor: null,
  selectedFiles: [],
  streams: new Map(), // id -> watcher
  waiting: [], // ids of active jobs waiting for a stream slot
};

const $ = (id) => document.getElementById(id);

function bytes(mb) {
  return mb * 1024 * 1024;
}

// ---- upload form -----------------------------------------------------------------------

function fillModels() {
  const select = $("model");
  const chosen = select.value || state.config.default_model;
  select.replaceChildren(
    ...state.config.models.map((model) => {
      const englishOnly = model.multilingual ? "" : ` · ${t("options.modelEnglishOnly")}`;
      return new Option(`${model.name} (${model.approx_mb} MB)${englishOnly}`, model.name);
    }),
  );
  select.value = chosen;
}

function fillLanguages() {
  const select = $("language");
  const chosen = select.value || "auto";
  const names = LANGUAGES.map((code) => [code, languageName(code)]);
  select.replaceChildren(
    new Option(t("options.language.auto"), "auto"),
    ...names.map(([code, name]) => new Option(`${name} (${code})`, code)),
  );
  select.value = chosen;
}

function fillFormats() {
  const box = $("formats");
  if (box.childElementCount) return;
  for (const name of state.config.formats) {
    const id = `format-${name}`;
    const input = Object.assign(document.createElement("input"), { type: "checkbox", id, value: name });
    input.checked = state.config.default_formats.includes(name);
    if (name === "vtt") {
      input.checked = true;
      input.disabled = true;
    }
    const label = Object.assign(document.createElement("label"), { htmlFor: id, textContent: name.toUpperCase() });
    const described = `format.${name}`;
    if (t(described) !== described) {
      // What the format is for, as a tooltip that follows the page's language.
      label.dataset.i18nTitle = described;
      label.title = t(described);
    }
    const wrap = document.createElement("span");
    wrap.className = "format-choice";
    wrap.append(input, label);
    box.append(wrap);
  }
}

function chosenOptions() {
  const formats = Array.from($("formats").querySelectorAll("input:checked"), (input) => input.value);
  return {
    model: $("model").value,
    speed: $("speed").value,
    language: $("language").value,
    task: $("task").value,
    formats: Array.from(new Set([...formats, "vtt"])).join(","),
    max_chars_per_line: $("max-chars").value,
    max_lines: $("max-lines").value,
    initial_prompt: $("prompt").value.trim(),
  };
}

function selectFiles(fileList) {
  state.selectedFiles = Array.from(fileList);
  const list = $("selected-files");
  list.replaceChildren(
    ...state.selectedFiles.map((file) => {
      const item = document.createElement("li");
      item.textContent = `${file.name} (${(file.size / 1024 / 1024).toFixed(1)} MB)`;
      return item;
    }),
  );
  setStatus(state.selectedFiles.length ? t("upload.selected", { count: state.selectedFiles.length }) : "");
}

// `detail`: the server's own sentence behind a refusal, on hover (the line says it in words).
function setStatus(text, isError = false, detail = "") {
  const line = $("upload-status");
  line.textContent = text;
  line.title = detail;
  line.classList.toggle("error", isError);
}

function showError(error) {
  setStatus(refusal(error), true, refusalDetail(error));
}

async function submitUploads(event) {
  event.preventDefault();
  const files = state.selectedFiles;
  if (!files.length) {
    setStatus(t("upload.none"), true);
    return;
  }
  const limit = state.config.max_upload_mb;
  const tooLarge = files.find((file) => file.size > bytes(limit));
  if (tooLarge) {
    setStatus(t("upload.tooLarge", { name: tooLarge.name, mb: limit }), true);
    return;
  }
  const options = chosenOptions();
  $("start").disabled = true;
  let failed = false;
  for (const file of files) {
    try {
      setStatus(t("upload.uploading", { name: file.name, percent: 0 }));
      const jobs = await api.uploadFile(
        file,
        options,
        (percent) => setStatus(t("upload.uploading", { name: file.name, percent })),
        { direct: state.config.direct_uploads },
      );
      for (const job of jobs) addJob(job, { atTop: true });
    } catch (error) {
      failed = true;
      setStatus(t("upload.failed", { name: file.name, reason: refusal(error) }), true, refusalDetail(error));
    }
  }
  $("start").disabled = false;
  if (!failed) {
    setStatus("");
    $("file-input").value = "";
    selectFiles([]);
  }
}

function setUpDropzone() {
  const zone = $("dropzone");
  $("file-input").addEventListener("change", (event) => selectFiles(event.target.files));
  for (const type of ["dragenter", "dragover"]) {
    zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add("dragging");
    });
  }
  for (const type of ["dragleave", "drop"]) {
    zone.addEventListener(type, () => zone.classList.remove("dragging"));
  }
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) selectFiles(event.dataTransfer.files);
  });
}

// ---- job list --------------------------------------------------------------------------

function addJob(job, { atTop = false } = {}) {
  if (atTop && !state.jobs.has(job.id)) {
    state.jobs = new Map([[job.id, job], ...state.jobs]);
  } else {
    state.jobs.set(job.id, job);
  }
  const card = renderJob(job);
  const list = $("jobs");
  if (!card.isConnected) {
    if (atTop) list.prepend(card);
    else list.append(card);
  }
  $("jobs-empty").hidden = state.jobs.size > 0;
  if (ACTIVE.has(job.status)) watch(job.id);
}

function updateJob(job) {
  const previous = state.jobs.get(job.id);
  if (!previous) return;
  state.jobs.set(job.id, job);
  renderJob(job);
  if (previous.status !== "succeeded" && job.status === "succeeded" && !player.playingJobId()) {
    player.openJob(job);
  }
}

function removeJob(id) {
  state.jobs.delete(id);
  const stream = state.streams.get(id);
  if (stream) stream.close();
  state.waiting = state.waiting.filter((waitingId) => waitingId !== id);
  const card = document.getElementById(`job-${id}`);
  if (card) card.remove();
  player.closeJob(id);
  $("jobs-empty").hidden = state.jobs.size > 0;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function renderJob(job) {
  let card = document.getElementById(`job-${job.id}`);
  if (!card) {
    card = element("li", "job");
    card.id = `job-${job.id}`;
  }
  card.dataset.status = job.status;
  const head = element("div", "job-head");
  head.append(element("span", "job-name", job.filename), element("span", `badge ${job.status}`, t(`job.status.${job.status}`)));
  const parts = [head];

  const progress = element("progress", "job-progress");
  progress.max = 100;
  progress.value = job.progress;
  progress.setAttribute("aria-label", t("job.progress", { name: job.filename }));
  if (ACTIVE.has(job.status) || job.status === "succeeded") parts.push(progress);

  const details = [];
  if (job.duration_s) {
    details.push(t("job.processed", { done: player.formatTime(job.processed_s), total: player.formatTime(job.duration_s) }));
  }
  if (job.status === "running" && job.remaining_s != null) details.push(remainingText(job.remaining_s));
  if (job.language) details.push(t("job.language", { language: languageName(job.language) }));
  const speed = speedDetail(job);
  if (speed) details.push(speed);
  // Where the server deletes finished jobs, when this one goes: download before then.
  if (!ACTIVE.has(job.status) && job.expires_at) {
    details.push(t("job.keptUntil", { date: formatDate(new Date(job.expires_at)) }));
  }
  if (details.length) parts.push(element("p", "job-details", details.join(" · ")));
  if (job.status === "failed") parts.push(renderFailure(job));
  parts.push(renderActions(job));
  card.replaceChildren(...parts);
  return card;
}

// The server's estimate at the job's own pace, in the unit a person plans with.
function remainingText(seconds) {
  const minutes = Math.ceil(seconds / 60);
  if (minutes <= 1) return t("job.remainingUnderMinute");
  if (minutes < 90) return t("job.remainingMinutes", { minutes });
  return t("job.remainingHours", { hours: (seconds / 3600).toFixed(1) });
}

// Our words for the failure, then the server's sentence (English: it names the file and limit).
function renderFailure(job) {
  const line = element("p", "job-error", t("job.error", { reason: jobFailure(job) }));
  if (job.error) {
    const detail = element("span", "job-error-detail", job.error);
    detail.lang = "en";
    line.append(" ", detail);
  }
  return line;
}

function downloadGroup(title, urls, kind) {
  const downloads = element("div", `downloads${kind}`);
  downloads.setAttribute("role", "group");
  downloads.setAttribute("aria-label", title);
  const label = element("span", "downloads-label", title);
  label.setAttribute("aria-hidden", "true"); // the group's own label says it already
  downloads.append(label);
  for (const [format, url] of Object.entries(urls)) {
    const link = element("a", `download${kind}`, format.toUpperCase());
    link.href = url;
    link.setAttribute("download", "");
    link.setAttribute("aria-label", t("job.downloadFormat", { format: format.toUpperCase() }));
    downloads.append(link);
  }
  return downloads;
}

function renderActions(job) {
  const rows = element("div", "job-actions-rows");
  if (job.status === "succeeded") {
    // The formats asked for, then the others, written when downloaded (no second run).
    for (const [key, urls, kind] of [["job.downloads", job.downloads, ""], ["job.moreDownloads", job.more_downloads || {}, " more"]]) {
      if (Object.keys(urls).length) rows.append(downloadGroup(t(key), urls, kind));
    }
  }
  const actions = element("div", "job-actions");
  if (job.status === "succeeded") {
    const play = element("button", "primary small", t("job.open"));
    play.type = "button";
    play.addEventListener("click", () => {
      player.openJob(job);
      document.getElementById("player").focus();
    });
    actions.append(play);
  }
  if (ACTIVE.has(job.status)) {
    actions.append(actionButton(t("job.cancel"), async () => updateJob(await api.cancelJob(job.id))));
  }
  actions.append(
    actionButton(t("job.delete"), async () => {
      if (!window.confirm(t("job.deleteConfirm", { name: job.filename }))) return;
      await api.deleteJob(job.id);
      removeJob(job.id);
    }),
  );
  rows.append(actions);
  return rows;
}

function actionButton(label, onClick) {
  const button = element("button", "ghost small", label);
  button.type = "button";
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await onClick();
    } catch (error) {
      showError(error);
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

async function loadJobs({ more = false } = {}) {
  const page = await api.listJobs({ cursor: more ? state.nextCursor : null });
  if (!more) {
    for (const id of Array.from(state.jobs.keys())) {
      if (!page.jobs.some((job) => job.id === id)) removeJob(id);
    }
  }
  for (const job of page.jobs) {
    if (state.jobs.has(job.id)) updateJob(job);
    else addJob(job);
  }
  state.nextCursor = page.next_cursor;
  $("more").hidden = !state.nextCursor;
  $("jobs-empty").hidden = state.jobs.size > 0;
}

// ---- live progress ---------------------------------------------------------------------

function watch(id) {
  if (state.streams.has(id) || state.waiting.includes(id)) return;
  if (state.streams.size >= MAX_STREAMS) {
    state.waiting.push(id);
    return;
  }
  const watcher = api.watchJob(
    id,
    {
      onJob: updateJob,
      onEnd: () => {
        state.streams.delete(id);
        const next = state.waiting.shift();
        if (next && state.jobs.has(next)) watch(next);
      },
    },
    { poll: state.config.live_updates === "poll" },
  );
  state.streams.set(id, watcher);
}

// ---- start -----------------------------------------------------------------------------

// Where the server deletes jobs, say so before anything is uploaded.
function fillRetention() {
  const hint = $("retention-hint");
  const days = state.config.retention_days;
  hint.hidden = days == null;
  if (days == null) return;
  const key = state.config.retention_from === "upload" ? "upload.retentionUpload" : "upload.retentionFinished";
  hint.textContent = t(key, { days: Number(days.toFixed(1)) });
}

function applyLanguage() {
  if (state.config) {
    fillRetention();
    fillModels();
    fillSpeeds(state.config);
    fillLanguages();
  }
  for (const job of state.jobs.values()) renderJob(job);
  player.refreshLanguage();
  session.refreshLanguage();
}

async function start() {
  setLanguage(initialLanguage());
  onLanguageChange(applyLanguage);
  $("lang-toggle").addEventListener("click", () => setLanguage(language() === "ko" ? "en" : "ko"));
  session.setUp();
  try {
    if (!(await session.signedIn())) {
      document.body.dataset.ready = "true";
      return;
    }
  } catch (error) {
    showError(error);
  }
  $("app").hidden = false;
  setUpDropzone();
  setUpSpeeds();
  $("upload-form").addEventListener("submit", submitUploads);
  $("refresh").addEventListener("click", () => loadJobs().catch((error) => showError(error)));
  $("more").addEventListener("click", () => loadJobs({ more: true }).catch((error) => showError(error)));
  try {
    state.config = await api.getConfig();
    player.useDirectMedia(state.config.direct_uploads);
    fillModels();
    fillSpeeds(state.config);
    fillLanguages();
    fillFormats();
    fillRetention();
    await loadJobs();
  } catch (error) {
    showError(error);
  }
  document.body.dataset.ready = "true";
}

start();
