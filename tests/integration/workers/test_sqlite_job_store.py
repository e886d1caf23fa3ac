"""What the SQLite store adds to the contract: its file, its schema versions, and being
shared by several connections at once."""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from jamak.backends.embedded import SqliteJobStore
from jamak.backends.embedded.schema import MIGRATIONS, SCHEMA_VERSION
from jamak.errors import StorageError
from jamak.jobs.model import Job, JobStatus


def make_job(number: int) -> Job:
    return Job(
        id=f"job-{number:04d}",
        owner="ana",
        filename="a.wav",
        media_key=f"jobs/job-{number:04d}/media",
        created_at=1000.0 + number,
    )


def test_the_file_is_in_wal_mode_at_the_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    SqliteJobStore(path).close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_reopening_keeps_the_jobs(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    job = make_job(1)
    first = SqliteJobStore(path)
    first.add(job)
    first.close()
    second = SqliteJobStore(path)
    try:
        assert second.get("job-0001") == job
    finally:
        second.close()


def test_a_database_from_a_newer_jamak_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StorageError, match="newer"):
        SqliteJobStore(path)


def test_jobs_queued_before_the_express_lane_are_claimed_by_their_length(tmp_path: Path) -> None:
    """A data directory from before schema 4 gains the declared-length and parent columns
    from the jobs already in it (generated from their JSON), so the claim can use them."""
    path = tmp_path / "jobs.sqlite3"
    with sqlite3.connect(path) as db:
        for version, statements in enumerate(MIGRATIONS[:3], start=1):
            for statement in statements:
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {version}")
        for job in (replace(make_job(1), declared_s=3600.0), replace(make_job(2), declared_s=9.0)):
            db.execute(
                "INSERT INTO jobs (id, owner, status, created_at, data) VALUES (?, ?, ?, ?, ?)",
                (job.id, job.owner, str(job.status), job.created_at, json.dumps(job.to_dict())),
            )
    store = SqliteJobStore(path)
    try:
        claimed = store.claim("express", lease_s=60.0, max_duration_s=120.0)
        assert claimed is not None and claimed.id == "job-0002"
        assert store.claim("express", lease_s=60.0, max_duration_s=120.0) is None
    finally:
        store.close()


def test_two_stores_on_one_file_see_each_others_changes(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    api, worker = SqliteJobStore(path), SqliteJobStore(path)
    try:
        api.add(make_job(1))
        claimed = worker.claim("w1", lease_s=30.0)
        assert claimed is not None
        api.transition("job-0001", JobStatus.CANCELLED)
        assert worker.renew("job-0001", "w1", lease_s=30.0) is False
        assert worker.get("job-0001").status is JobStatus.CANCELLED
    finally:
        api.close()
        worker.close()


def test_threads_claiming_at_once_never_share_a_job(tmp_path: Path) -> None:
    store = SqliteJobStore(tmp_path / "jobs.sqlite3")
    for number in range(60):
        store.add(make_job(number))
    claims: list[list[str]] = [[] for _ in range(6)]

    def drain(index: int) -> None:
        while (job := store.claim(f"t{index}", lease_s=30.0)) is not None:
            claims[index].append(job.id)

    threads = [threading.Thread(target=drain, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store.close()
    everything = [job_id for claimed in claims for job_id in claimed]
    assert sorted(everything) == [f"job-{n:04d}" for n in range(60)]
