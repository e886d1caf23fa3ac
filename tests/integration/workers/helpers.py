"""Shared pieces of the worker tests: process targets (importable, so 'spawn' children can
run them), waiting with a deadline, and submitting real media to the embedded backend."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from multiprocessing.synchronize import Barrier
from pathlib import Path

from jamak.backends.embedded import SqliteJobStore
from jamak.bootstrap import Services
from jamak.jobs.model import Job, JobOptions, JobStatus
from jamak.jobs.service import submit_job

WORK_S = 0.003  # a bare worker's work on one job


def drain_queue(db_path: Path, worker_id: str, start: Barrier, claims_path: Path) -> None:
    """A bare worker: claim and finish jobs until the queue is empty, writing what it got.

    It works a moment on each job, as a real worker does: claiming back to back, one process
    could drain the whole queue while the others sleep in SQLite's busy back-off (seen on a
    loaded 2-core machine), and the test would no longer see them compete."""
    store = SqliteJobStore(db_path)
    start.wait()
    claimed: list[str] = []
    while (job := store.claim(worker_id, lease_s=60.0)) is not None:
        claimed.append(job.id)
        time.sleep(WORK_S)
        store.transition(job.id, JobStatus.SUCCEEDED, outputs={})
    store.close()
    claims_path.write_text("\n".join(claimed))


def wait_for(condition: Callable[[], bool], *, timeout_s: float, what: str) -> float:
    """Poll ``condition`` until true; returns when it became true (time.monotonic)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(0.02)
    return time.monotonic()


def submit(
    services: Services, media: bytes, *, filename: str = "talk.wav", read_duration: bool = False
) -> Job:
    return submit_job(
        store=services.store,
        objects=services.objects,
        launcher=services.launcher,
        owner="ana",
        filename=filename,
        source=io.BytesIO(media),
        options=JobOptions(model="scripted", formats=("srt", "txt")),
        read_duration=read_duration,
    )
