"""The shared meaning of store changes: releases, lost leases, cursors and object keys."""

from __future__ import annotations

import pytest

from jamak.errors import JobError, StorageError
from jamak.jobs.keys import check_key, check_prefix
from jamak.jobs.lifecycle import expire_lease, release_claim
from jamak.jobs.model import Job, JobStatus
from jamak.jobs.paging import decode_cursor, encode_cursor


def running(attempts: int) -> Job:
    job = Job(id="j1", owner="ana", filename="a.wav", media_key="jobs/j1/media")
    for _ in range(attempts):
        job = job.moved_to(JobStatus.RUNNING, now=1.0).moved_to(JobStatus.QUEUED, now=2.0)
    return job.moved_to(JobStatus.RUNNING, now=3.0)


def test_a_release_refunds_the_attempt_and_resets_progress() -> None:
    job = running(attempts=1)
    released = release_claim(job, now=10.0)
    assert released.status is JobStatus.QUEUED
    assert (released.attempts, released.progress, released.started_at) == (1, 0.0, None)


def test_a_lost_lease_requeues_until_the_limit() -> None:
    requeued = expire_lease(running(attempts=1), max_attempts=3, now=10.0)
    assert requeued.status is JobStatus.QUEUED
    assert requeued.attempts == 2
    failed = expire_lease(running(attempts=2), max_attempts=3, now=10.0)
    assert failed.status is JobStatus.FAILED
    assert failed.error == "worker stopped responding 3 times"
    assert failed.finished_at == 10.0


def test_cursors_round_trip_and_forgeries_fail() -> None:
    job = Job(id="j1", owner="ana", filename="a", media_key="k", created_at=1234.5678)
    assert decode_cursor(encode_cursor(job)) == (1234.5678, "j1")
    for forged in ["", "!!!", "bnVsbA", "WzEsMiwzXQ"]:  # ..., null, [1,2,3]
        with pytest.raises(JobError):
            decode_cursor(forged)


@pytest.mark.parametrize("key", ["jobs/abc/media", "a", "jobs/a-b_c.d/subtitles.srt", ".x"])
def test_plain_relative_keys_pass(key: str) -> None:
    assert check_key(key) == key


@pytest.mark.parametrize("key", ["", "/a", "a/../b", "..", "a//b", "a/", "a b", "a\\b", "é"])
def test_other_keys_fail(key: str) -> None:
    with pytest.raises(StorageError):
        check_key(key)


def test_a_prefix_may_name_a_folder_but_never_everything() -> None:
    assert check_prefix("jobs/abc/") == "jobs/abc/"
    for prefix in ["", "/", "//"]:
        with pytest.raises(StorageError):
            check_prefix(prefix)
