// The speed choice of the upload form: its options come from GET /api/config (speeds,
// default_speed), so a preset the server adds or drops shows up without touching the page.

import { t } from "./i18n.js";

const $ = (id) => document.getElementById(id);

// A speed's name in the page's language ("fast" -> "Fast" / "빠르게"); an unknown one as is.
export function speedName(speed) {
  const key = `options.speed.${speed}`;
  const name = t(key);
  return name === key ? speed : name;
}

// Fills the select (keeping the user's choice across a language switch) and its hint.
export function fillSpeeds(config) {
  const select = $("speed");
  const speeds = config.speeds || [];
  const chosen = speeds.includes(select.value) ? select.value : config.default_speed;
  select.replaceChildren(...speeds.map((speed) => new Option(speedName(speed), speed)));
  select.value = chosen;
  showHint();
}

function showHint() {
  const speed = $("speed").value;
  $("speed-hint").textContent = speed ? t(`options.speed.hint.${speed}`) : "";
}

export function setUpSpeeds() {
  $("speed").addEventListener("change", showHint);
}

// "Speed: Fast", for a job's details line; nothing for a job the server shows none for.
export function speedDetail(job) {
  const speed = job.options && job.options.speed;
  return speed ? t("job.speed", { speed: speedName(speed) }) : null;
}
