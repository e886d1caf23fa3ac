// The web app's only way to the server: the same REST API that scripts use.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// With sign-in on, the session cookie travels by itself; a change made with it must also
// carry the session's CSRF value (GET /api/session hands it over), which other sites can't read.
let csrf = null;
const SAFE = new Set(["GET", "HEAD"]);

function authHeaders(method) {
  return csrf && !SAFE.has(method) ? { "X-Jamak-CSRF": csrf } : {};
}

async function request(method, url, body) {
  let response;
  try {
    const headers = { Accept: "application/json", ...authHeaders(method) };
    response = await fetch(url, { method, body, headers, credentials: "same-origin" });
  } catch (error) {
    throw new ApiError(0, "network", error.message);
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) throw errorFrom(response.status, data);
  return data;
}

function errorFrom(status, data) {
  const error = data && data.error;
  return new ApiError(status, error ? error.code : `http_${status}`, error ? error.message : `HTTP ${status}`);
}

export const getConfig = () => request("GET", "/api/config");

// Who is signed in; rejects with status 401 when nobody is (the page then asks for a token).
export async function getSession() {
  const session = await request("GET", "/api/session");
  csrf = session.csrf;
  return session;
}

export async function signIn(token) {
  const session = await request("POST", "/api/session", jsonBody({ token }));
  csrf = session.csrf;
  return session;
}

export async function signOut() {
  await request("DELETE", "/api/session");
  csrf = null;
}
export const getJob = (id) => request("GET", `/api/jobs/${encodeURIComponent(id)}`);
export const cancelJob = (id) => request("POST", `/api/jobs/${encodeURIComponent(id)}/cancel`);
export const deleteJob = (id) => request("DELETE", `/api/jobs/${encodeURIComponent(id)}`);

export function listJobs({ cursor = null, limit = 20 } = {}) {
  const params = new URLSearchParams({ limit: String(limit) });
  if (cursor) params.set("cursor", cursor);
  return request("GET", `/api/jobs?${params}`);
}

// One file per request, through XMLHttpRequest because fetch cannot report upload progress.
// `direct` (GET /api/config's direct_uploads: on AWS, where API Gateway caps request bodies)
// sends the bytes straight to the object store through presigned URLs instead.
export function uploadFile(file, options, onProgress, { direct = false } = {}) {
  return direct ? uploadDirect(file, options, onProgress) : uploadForm(file, options, onProgress);
}

function uploadForm(file, options, onProgress) {
  const form = new FormData();
  for (const [name, value] of Object.entries(options)) {
    if (value !== null && value !== undefined && value !== "") form.append(name, String(value));
  }
  form.append("file", file, file.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/jobs");
    for (const [name, value] of Object.entries(authHeaders("POST"))) xhr.setRequestHeader(name, value);
    xhr.responseType = "json";
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(Math.round((event.loaded / event.total) * 100));
    });
    xhr.addEventListener("load", () => {
      if (xhr.status === 201) resolve(xhr.response.jobs);
      else reject(errorFrom(xhr.status, xhr.response));
    });
    xhr.addEventListener("error", () => reject(new ApiError(0, "network", "network error")));
    xhr.send(form);
  });
}

// POST /api/uploads for URLs, PUT the file (or each part) there, then "complete" makes the job.
async function uploadDirect(file, options, onProgress) {
  const ticket = await request("POST", "/api/uploads", jsonBody({
    filename: file.name,
    size_bytes: file.size,
    options: typedOptions(options),
  }));
  let completion = null;
  try {
    if (ticket.url) {
      await putRenewing(ticket.job_id, null, ticket.url, file, (loaded) => onProgress(percent(loaded, file.size)));
    } else {
      completion = await putParts(ticket.job_id, ticket.multipart, file, onProgress);
    }
  } catch (error) {
    request("DELETE", `/api/uploads/${encodeURIComponent(ticket.job_id)}`).catch(() => {});
    throw error;
  }
  const job = await request("POST", ticket.complete_url, completion ? jsonBody(completion) : undefined);
  return [job];
}

async function putParts(jobId, multipart, file, onProgress) {
  const size = multipart.part_size_bytes;
  const parts = [];
  let done = 0;
  for (const part of multipart.parts) {
    const start = (part.part_number - 1) * size;
    const chunk = file.slice(start, start + size);
    const onLoaded = (loaded) => onProgress(percent(done + loaded, file.size));
    const etag = await putRenewing(jobId, part.part_number, part.url, chunk, onLoaded);
    if (!etag) throw new ApiError(0, "network", "the storage service hid the part's ETag (CORS)");
    parts.push({ part_number: part.part_number, etag });
    done += chunk.size;
  }
  return { upload_id: multipart.upload_id, parts };
}

// A slow upload can outlive its signed URLs: S3 then answers 403. Ask the API to sign that
// URL (the single PUT, or this one part of the same multipart upload) again, and try once more.
async function putRenewing(jobId, partNumber, url, body, onLoaded) {
  try {
    return await put(url, body, onLoaded);
  } catch (error) {
    if (error.status !== 403) throw error;
  }
  const renewed = await request("POST", `/api/uploads/${encodeURIComponent(jobId)}/urls`,
    jsonBody({ part_numbers: partNumber === null ? [] : [partNumber] }));
  const fresh = partNumber === null ? renewed.url : renewed.multipart.parts[0].url;
  return put(fresh, body, onLoaded);
}

// PUT a body to a presigned URL; resolves with the answer's ETag header.
function put(url, body, onLoaded) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    xhr.upload.addEventListener("progress", (event) => onLoaded(event.loaded));
    xhr.addEventListener("load", () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(xhr.getResponseHeader("ETag"));
      else reject(new ApiError(xhr.status, `http_${xhr.status}`, `upload answered HTTP ${xhr.status}`));
    });
    xhr.addEventListener("error", () => reject(new ApiError(0, "network", "network error")));
    xhr.send(body);
  });
}

// The form's strings as the JSON types POST /api/uploads expects; empty fields left out.
function typedOptions(options) {
  const numbers = new Set(["max_chars_per_line", "max_lines", "max_chars_per_s"]);
  const typed = {};
  for (const [name, value] of Object.entries(options)) {
    if (value === null || value === undefined || value === "") continue;
    typed[name] = numbers.has(name) ? Number(value) : String(value);
  }
  return typed;
}

function jsonBody(value) {
  return new Blob([JSON.stringify(value)], { type: "application/json" });
}

function percent(loaded, total) {
  return total ? Math.min(100, Math.round((loaded / total) * 100)) : 100;
}

// Live updates of one job: onJob(job) on each change; onEnd() once the stream is over.
// `poll` (GET /api/config's live_updates): long-polling, where a proxy such as API Gateway
// buffers responses and so can't carry Server-Sent Events.
export function watchJob(id, handlers, { poll = false } = {}) {
  return poll ? pollJob(id, handlers) : streamJob(id, handlers);
}

const FINAL = new Set(["succeeded", "failed", "cancelled"]);
const LONG_POLL_S = 25; // under API Gateway's 30-second limit

function pollJob(id, { onJob, onEnd }) {
  let ended = false;
  const finish = () => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  (async () => {
    let job = null;
    let failures = 0;
    while (!ended) {
      const params = new URLSearchParams({ wait: String(job ? LONG_POLL_S : 0) });
      if (job) {
        params.set("since_status", job.status);
        params.set("since_progress", String(job.progress));
      }
      try {
        job = await request("GET", `/api/jobs/${encodeURIComponent(id)}?${params}`);
        failures = 0;
      } catch (error) {
        if (error.status === 404 || ++failures > 5) break;
        await new Promise((resolve) => setTimeout(resolve, 1000 * failures));
        continue;
      }
      if (ended) break;
      onJob(job);
      if (FINAL.has(job.status)) break;
    }
    finish();
  })();
  return { close: finish };
}

function streamJob(id, { onJob, onEnd }) {
  const source = new EventSource(`/api/jobs/${encodeURIComponent(id)}/events`);
  let ended = false;
  const finish = () => {
    if (ended) return;
    ended = true;
    source.close();
    onEnd();
  };
  source.addEventListener("job", (event) => onJob(JSON.parse(event.data)));
  source.addEventListener("end", finish);
  // A 404 (job deleted) closes the source; a dropped connection reconnects by itself.
  source.addEventListener("error", () => {
    if (source.readyState === EventSource.CLOSED) finish();
  });
  return { close: finish };
}
