// Failures in the reader's language. A failed job's `error_kind` and a refused request's error
// `code` pick the words from i18n.js ("failure.*" and "refusal.*"); the server's own sentence
// (English, naming the file and the limit) stays the detail, since only it says which and how much.

import { has, t } from "./i18n.js";

// What a proxy in front of jamak may answer without jamak's JSON body: worded by status alone.
const CODE_OF_STATUS = { 413: "file_too_large", 429: "rate_limited", 503: "busy", 507: "storage_full" };

// Why a failed job failed; kinds this page does not know yet get the generic words.
export function jobFailure(job) {
  const key = `failure.${job.error_kind}`;
  return t(job.error_kind && has(key) ? key : "failure.unknown");
}

// Why a request was refused (an upload, a cancel...); the server's message where no words fit.
export function refusal(error) {
  for (const code of [error.code, CODE_OF_STATUS[error.status]]) {
    if (code && has(`refusal.${code}`)) return t(`refusal.${code}`);
  }
  return error.message;
}

// The server's sentence, worth showing beside ours unless it says nothing more than ours.
export function refusalDetail(error) {
  return error.code === "network" ? "" : error.message || "";
}
