"""Faults of the embedded deployment, on a real server: a database locked by another process.

Another process holding SQLite's write lock (a backup tool, a stuck script, ``sqlite3`` in
a terminal) must not turn into 500s or a job stuck in ``running``: writes answer 503 with
Retry-After while it lasts, reads go on (WAL), and the job the worker was running when the
lock came ends succeeded once it is gone.
"""

from __future__ import annotations

import functools
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from jamak.jobs.recognizers import scripted_recognizers
from tests.integration.api.helpers import assert_error, submit, upload, wait_finished
from tests.integration.api.live_server import LiveServer, live_server, server_settings

pytestmark = pytest.mark.timeout(120)

LOCK_HELD_S = 2.0


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    settings = server_settings(tmp_path / "data", db_busy_timeout_s=0.3, lease_s=2.0)
    # Slow enough that the job is mid-run when the lock comes.
    slow = functools.partial(scripted_recognizers, steps=8, seconds_per_step=0.2)
    with live_server(settings, workers=1, recognizer_factory=slow) as running:
        yield running


def test_a_locked_database_answers_503_then_everything_resumes(
    server: LiveServer, tone_wav: Path
) -> None:
    with server.client(user="ana") as client:
        first = submit(client, tone_wav)
        _wait_for_status(client, first["id"], "running")

        with _write_lock(server.settings.data_dir / "jobs.sqlite3"):
            refused = upload(client, tone_wav)
            message = assert_error(refused, 503, "busy")
            assert "try again" in message
            assert int(refused.headers["Retry-After"]) >= 1
            assert client.get("/api/jobs").status_code == 200  # reads are not blocked
            assert client.get(f"/api/jobs/{first['id']}").status_code == 200
            assert client.get("/healthz").status_code == 200
            time.sleep(LOCK_HELD_S)

        finished = wait_finished(client, first["id"])
        assert finished["status"] == "succeeded", finished
        assert client.get(finished["downloads"]["srt"]).status_code == 200
        second = wait_finished(client, submit(client, tone_wav)["id"])
        assert second["status"] == "succeeded", second
        jobs = client.get("/api/jobs").json()["jobs"]
        assert {job["status"] for job in jobs} == {"succeeded"}  # nothing left running
        assert len(jobs) == 2  # the refused upload made no job
    assert server.pool is not None and len(server.pool.pids()) == 1


def _wait_for_status(client: httpx.Client, job_id: str, status: str) -> None:
    deadline = time.monotonic() + 30
    while client.get(f"/api/jobs/{job_id}").json()["status"] != status:
        assert time.monotonic() < deadline, f"job {job_id} never became {status}"
        time.sleep(0.05)


@contextmanager
def _write_lock(path: Path) -> Iterator[None]:
    """Another process's write transaction on the jobs database, held until exit."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        yield
        db.execute("ROLLBACK")
    finally:
        db.close()
