// The player: the job's media with its WebVTT track on it, and the cue list beside it.
// The list is built from the browser's own parsed track (track.cues), so what is listed is
// exactly what is shown on the video.

import { t } from "./i18n.js";

const video = () => document.getElementById("video");
const cueList = () => document.getElementById("cues");
const cueStatus = () => document.getElementById("cues-status");
const mediaStatus = () => document.getElementById("media-status");

// Browsers play few of the formats jamak reads (MPEG-1, AVI, WMV... decode for recognition
// but not in a <video>). For those the worker keeps an audio copy that every browser plays,
// and `playable=true` asks for it; where there is none yet, say so instead of showing a
// dead player.
function showUnplayable(name) {
  const line = mediaStatus();
  line.textContent = t("player.unplayable", { name });
  line.hidden = false;
}

let currentJobId = null;

export function playingJobId() {
  return currentJobId;
}

export function formatTime(seconds) {
  const whole = Math.max(0, Math.floor(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

// Where the media comes from: on AWS straight from S3 (a redirect), as Lambda answers at
// most 6 MB; elsewhere from the API itself.
let directMedia = false;

export function useDirectMedia(direct) {
  directMedia = Boolean(direct);
}

export function openJob(job) {
  currentJobId = job.id;
  document.getElementById("player-empty").hidden = true;
  document.getElementById("player-body").hidden = false;
  document.getElementById("player-title").textContent = job.filename;
  const element = video();
  element.pause();
  for (const old of element.querySelectorAll("track")) old.remove();
  cueList().replaceChildren();
  mediaStatus().hidden = true;
  element.onerror = () => {
    if (currentJobId === job.id) showUnplayable(job.filename);
  };
  element.src = `${job.links.media}?playable=true${directMedia ? "&direct=true" : ""}`;
  const vtt = job.downloads.vtt;
  if (!vtt) {
    cueStatus().textContent = t("player.noCues");
    return;
  }
  cueStatus().textContent = t("player.loading");
  const track = document.createElement("track");
  track.kind = "subtitles";
  track.default = true;
  track.src = vtt;
  track.srclang = job.language || "und";
  track.label = job.language || "subtitles";
  track.addEventListener("load", () => showCues(track.track));
  track.addEventListener("error", () => {
    cueStatus().textContent = t("player.noCues");
  });
  element.append(track);
  track.track.mode = "showing";
  track.track.addEventListener("cuechange", () => highlight(track.track));
}

export function closeJob(jobId) {
  if (currentJobId !== jobId) return;
  currentJobId = null;
  mediaStatus().hidden = true;
  const element = video();
  element.pause();
  element.removeAttribute("src");
  for (const old of element.querySelectorAll("track")) old.remove();
  element.load();
  cueList().replaceChildren();
  document.getElementById("player-title").textContent = "";
  document.getElementById("player-body").hidden = true;
  document.getElementById("player-empty").hidden = false;
}

function showCues(textTrack) {
  const cues = Array.from(textTrack.cues || []);
  cueStatus().textContent = cues.length ? "" : t("player.noCues");
  const items = cues.map((cue, index) => {
    const item = document.createElement("li");
    item.dataset.index = String(index);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "cue";
    button.setAttribute("aria-label", `${t("player.cueSeek", { time: formatTime(cue.startTime) })}: ${cue.text}`);
    const time = document.createElement("span");
    time.className = "cue-time";
    time.textContent = formatTime(cue.startTime);
    const text = document.createElement("span");
    text.className = "cue-text";
    text.textContent = cue.text;
    button.append(time, text);
    button.addEventListener("click", () => seek(cue.startTime));
    item.append(button);
    return item;
  });
  cueList().replaceChildren(...items);
  highlight(textTrack);
}

function seek(seconds) {
  const element = video();
  // A hair past the start so the cue is active at the new position, not just before it.
  element.currentTime = seconds + 0.01;
}

function highlight(textTrack) {
  const cues = Array.from(textTrack.cues || []);
  const active = new Set(Array.from(textTrack.activeCues || []));
  const list = cueList();
  for (const item of list.children) {
    const isActive = active.has(cues[Number(item.dataset.index)]);
    item.classList.toggle("active", isActive);
    const button = item.firstElementChild;
    if (isActive) {
      button.setAttribute("aria-current", "true");
      keepVisible(list, item);
    } else {
      button.removeAttribute("aria-current");
    }
  }
}

// Scrolls only the cue list (never the page) so the active cue stays in view.
function keepVisible(list, item) {
  const top = item.offsetTop - list.offsetTop;
  if (top < list.scrollTop || top + item.offsetHeight > list.scrollTop + list.clientHeight) {
    list.scrollTop = Math.max(0, top - list.clientHeight / 3);
  }
}

// Rebuilds the cue list's labels after the page language changed.
export function refreshLanguage() {
  const track = video().querySelector("track");
  if (track && track.readyState === 2) showCues(track.track);
}
