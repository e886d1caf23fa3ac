"""Finished jobs older than the deployment keeps them are deleted with their files; jobs
still waiting or running, and jobs finished more recently, are not."""

from __future__ import annotations

import io
import logging
import threading

import pytest

from jamak.backends.memory import InMemoryJobStore, InMemoryObjectStore, NoopLauncher
from jamak.errors import JobNotFoundError, ObjectNotFoundError
from jamak.jobs.keys import media_key
from jamak.jobs.model import Job, JobOptions, JobStatus
from jamak.jobs.paging import MAX_PAGE_SIZE
from jamak.jobs.retention import DAY_S, Retention, RetentionSweeper, delete_expired_jobs
from jamak.jobs.service import submit_job

NOW = 1_800_000_000.0


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW - 30 * DAY_S)


@pytest.fixture
def store(clock: Clock) -> InMemoryJobStore:
    return InMemoryJobStore(clock=clock)


def add_job(store: InMemoryJobStore, objects: InMemoryObjectStore, owner: str = "ana") -> Job:
    return submit_job(
        store=store,
        objects=objects,
        launcher=NoopLauncher(),
        owner=owner,
        filename="talk.wav",
        source=io.BytesIO(b"RIFF not really"),
        options=JobOptions(),
    )


def finish(store: InMemoryJobStore, job: Job, status: JobStatus) -> None:
    if status is not JobStatus.CANCELLED:
        store.transition(job.id, JobStatus.RUNNING)
    store.transition(job.id, status, error="broken" if status is JobStatus.FAILED else None)


def sweep(store: InMemoryJobStore, objects: InMemoryObjectStore, keep_days: float) -> list[str]:
    return delete_expired_jobs(
        store=store,
        objects=objects,
        launcher=NoopLauncher(),
        retention=Retention(keep_days * DAY_S),
        now=NOW,
    )


def test_finished_jobs_past_the_retention_go_with_their_files(
    store: InMemoryJobStore, clock: Clock
) -> None:
    objects = InMemoryObjectStore()
    clock.now = NOW - 10 * DAY_S
    old = {
        status: add_job(store, objects, owner=f"user-{status}")
        for status in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)
    }
    for status, job in old.items():
        finish(store, job, status)
    still_queued = add_job(store, objects)
    still_running = add_job(store, objects)
    store.transition(still_running.id, JobStatus.RUNNING)
    clock.now = NOW - 1 * DAY_S
    recent = add_job(store, objects)
    finish(store, recent, JobStatus.SUCCEEDED)

    deleted = sweep(store, objects, keep_days=7)

    assert sorted(deleted) == sorted(job.id for job in old.values())
    for job in old.values():
        with pytest.raises(JobNotFoundError):
            store.get(job.id)
        with pytest.raises(ObjectNotFoundError):
            objects.size(media_key(job.id))
    kept = {still_queued.id: JobStatus.QUEUED, still_running.id: JobStatus.RUNNING}
    kept[recent.id] = JobStatus.SUCCEEDED
    for job_id, status in kept.items():
        assert store.get(job_id).status is status
        assert objects.size(media_key(job_id)) > 0
    assert sweep(store, objects, keep_days=7) == []


def test_a_job_counts_from_when_it_finished_not_from_when_it_was_made(
    store: InMemoryJobStore, clock: Clock
) -> None:
    objects = InMemoryObjectStore()
    clock.now = NOW - 20 * DAY_S
    waited_long = add_job(store, objects)
    store.transition(waited_long.id, JobStatus.RUNNING)
    clock.now = NOW - 2 * DAY_S
    store.transition(waited_long.id, JobStatus.SUCCEEDED)

    assert sweep(store, objects, keep_days=7) == []
    assert sweep(store, objects, keep_days=1) == [waited_long.id]


def test_every_page_of_jobs_is_swept(store: InMemoryJobStore, clock: Clock) -> None:
    objects = InMemoryObjectStore()
    jobs = [add_job(store, objects) for _ in range(MAX_PAGE_SIZE + 20)]
    for job in jobs:
        finish(store, job, JobStatus.CANCELLED)

    assert len(sweep(store, objects, keep_days=7)) == len(jobs)
    assert store.list().jobs == ()


def test_the_sweeper_goes_on_after_a_failed_sweep(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[int] = []
    twice = threading.Event()

    def flaky() -> None:
        calls.append(len(calls))
        if len(calls) == 1:
            raise OSError("database is locked")
        twice.set()

    with caplog.at_level(logging.ERROR), RetentionSweeper(flaky, every_s=0.01):
        assert twice.wait(5.0)

    assert len(calls) >= 2
    assert "could not delete expired jobs" in caplog.text
    stopped_at = len(calls)
    twice.wait(0.05)
    assert len(calls) == stopped_at  # nothing runs once stopped


def test_a_job_says_when_it_goes_by_the_rule_that_deletes_it(
    store: InMemoryJobStore, clock: Clock
) -> None:
    """The embedded rule counts from the finish (nothing to say before it); AWS's from the
    upload, whatever the job is doing. The sweeper deletes by the same answer."""
    objects = InMemoryObjectStore()
    clock.now = NOW - 10 * DAY_S
    job = add_job(store, objects)
    embedded, aws = Retention(7 * DAY_S), Retention(7 * DAY_S, from_creation=True)
    assert embedded.expires_at(job) is None
    assert aws.expires_at(job) == job.created_at + 7 * DAY_S

    clock.now = NOW - 5 * DAY_S
    store.transition(job.id, JobStatus.RUNNING)
    assert embedded.expires_at(store.get(job.id)) is None
    clock.now = NOW - 4 * DAY_S
    store.transition(job.id, JobStatus.SUCCEEDED)
    done = store.get(job.id)

    assert embedded.expires_at(done) == NOW + 3 * DAY_S
    assert aws.expires_at(done) == job.created_at + 7 * DAY_S
    assert sweep(store, objects, keep_days=7) == []  # by the embedded rule, three days left
