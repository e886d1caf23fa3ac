"""Small HTTP helpers the API tests share: upload files, wait for a job, check an error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

TERMINAL = {"succeeded", "failed", "cancelled"}


def upload(client: httpx.Client, *paths: Path, **fields: str) -> httpx.Response:
    """Send ``paths`` as ``file`` parts under their own names, with ``fields`` as options."""
    return upload_as(client, [(path, path.name) for path in paths], **fields)


def upload_as(client: httpx.Client, files: list[tuple[Path, str]], **fields: str) -> httpx.Response:
    """Like :func:`upload`, with the file name each part is sent under."""
    parts = [
        ("file", (name, path.read_bytes(), "application/octet-stream")) for path, name in files
    ]
    return client.post("/api/jobs", files=parts, data=fields)


def submit(client: httpx.Client, path: Path, **fields: str) -> dict[str, Any]:
    response = upload(client, path, **fields)
    assert response.status_code == 201, response.text
    job: dict[str, Any] = response.json()["jobs"][0]
    return job


def wait_finished(client: httpx.Client, job_id: str, timeout_s: float = 60.0) -> dict[str, Any]:
    """Long-poll (the documented fallback) until the job reaches a terminal status."""
    waited = 0.0
    while waited < timeout_s:
        response = client.get(f"/api/jobs/{job_id}", params={"wait": 10})
        assert response.status_code == 200, response.text
        job: dict[str, Any] = response.json()
        if job["status"] in TERMINAL:
            return job
        waited += 10
    raise AssertionError(f"job {job_id} did not finish in {timeout_s} s")


def assert_error(response: httpx.Response, status_code: int, code: str | None = None) -> str:
    """The response is a JSON error with ``status_code``; returns its message."""
    assert response.status_code == status_code, response.content[:300]
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) >= {"code", "message"}
    if code is not None:
        assert error["code"] == code, error
    assert error["message"]
    message: str = error["message"]
    return message
