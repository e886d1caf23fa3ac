"""Talking to a running ``jamak serve`` over its REST API, the way any client would.

Only the public API is used: ``POST /api/jobs`` (multipart, repeated ``file`` parts),
``GET /api/jobs/{id}`` with long-polling (``wait`` + ``since_status``, so waiting costs the
server one cheap query per poll interval and not a request storm on a small machine) and
``GET /api/jobs/{id}/subtitles.json``.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

FILES_PER_REQUEST = 100  # the API's limit on files in one upload
LONG_POLL_S = 30
TERMINAL = frozenset({"succeeded", "failed", "cancelled"})


class ServiceError(Exception):
    """The service did not answer as its API promises."""


class ServiceNotStartedError(ServiceError):
    """The server never came up: it exited, or did not answer in time."""


@dataclass(frozen=True, slots=True)
class Outcome:
    job_id: str
    status: str
    error: str | None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_healthy(
    client: httpx.Client, *, timeout_s: float, alive: Callable[[], bool]
) -> None:
    """Poll ``/healthz`` until it answers; ``alive`` says whether the server still runs."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not alive():
            raise ServiceNotStartedError("jamak serve exited before it answered")
        try:
            if client.get("/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise ServiceNotStartedError(f"jamak serve did not answer /healthz within {timeout_s:.0f} s")


def submit(client: httpx.Client, paths: Sequence[Path], *, model: str) -> list[str]:
    """Upload every file (as few requests as the API allows); job ids in ``paths`` order."""
    job_ids: list[str] = []
    for first in range(0, len(paths), FILES_PER_REQUEST):
        with ExitStack() as stack:
            parts = [
                ("file", (path.name, stack.enter_context(path.open("rb"))))
                for path in paths[first : first + FILES_PER_REQUEST]
            ]
            fields = {"formats": "json", "language": "auto", "model": model}
            response = client.post("/api/jobs", files=parts, data=fields)
        if response.status_code != 201:
            raise ServiceError(f"upload answered {response.status_code}: {response.text[:300]}")
        job_ids += [job["id"] for job in response.json()["jobs"]]
    return job_ids


def wait_for(client: httpx.Client, job_id: str, *, deadline: float) -> Outcome:
    status = "queued"
    while time.monotonic() < deadline:
        params: dict[str, str | int] = {"wait": LONG_POLL_S, "since_status": status}
        job = client.get(f"/api/jobs/{job_id}", params=params).raise_for_status().json()
        status = job["status"]
        if status in TERMINAL:
            return Outcome(job_id, status, job.get("error"))
    raise ServiceError(f"job {job_id} did not finish in time (last status {status})")


def job(client: httpx.Client, job_id: str) -> dict[str, Any]:
    """The job as ``GET /api/jobs/{id}`` reports it (status, created/started/finished times)."""
    answer: dict[str, Any] = client.get(f"/api/jobs/{job_id}").raise_for_status().json()
    return answer


def epoch_s(stamp: str | None) -> float | None:
    """A job time (ISO 8601, as the API writes it) as seconds since the epoch."""
    return None if stamp is None else datetime.fromisoformat(stamp).timestamp()


def transcript_text(client: httpx.Client, job_id: str) -> str:
    document = client.get(f"/api/jobs/{job_id}/subtitles.json").raise_for_status().json()
    return str(document["text"])
