// The web app's only way to the server: the same REST API that scripts use.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function request(method, url, body) {
  let response;
  try {
    response = await fetch(url, { method, body, headers: { Accept: "application/json" } });
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
export const getJob = (id) => request("GET", `/api/jobs/${encodeURIComponent(id)}`);
export const cancelJob = (id) => request("POST", `/api/jobs/${encodeURIComponent(id)}/cancel`);
export const deleteJob = (id) => request("DELETE", `/api/jobs/${encodeURIComponent(id)}`);

export function listJobs({ cursor = null, limit = 20 } = {}) {
  const params = new URLSearchParams({ limit: String(limit) });
  if (cursor) params.set("cursor", cursor);
  return request("GET", `/api/jobs?${params}`);
}

// One file per request, through XMLHttpRequest because fetch cannot report upload progress.
export function uploadFile(file, options, onProgress) {
  const form = new FormData();
  for (const [name, value] of Object.entries(options)) {
    if (value !== null && value !== undefined && value !== "") form.append(name, String(value));
  }
  form.append("file", file, file.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/jobs");
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

// Live updates of one job: onJob(job) on each change; onEnd() once the stream is over.
export function watchJob(id, { onJob, onEnd }) {
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
