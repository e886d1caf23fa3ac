"""The progress callback writes at most every interval, and stops a job that should stop."""

from __future__ import annotations

import pytest

from jamak.backends.memory import InMemoryJobStore
from jamak.errors import BackendBusyError, JobCancelledError
from jamak.jobs.model import Job, JobStatus
from jamak.jobs.ports import ProgressUpdate
from jamak.jobs.progress_reporter import ProgressReporter


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def running_job(store: InMemoryJobStore) -> Job:
    store.add(Job(id="j1", owner="ana", filename="a.wav", media_key="jobs/j1/media"))
    return store.transition("j1", JobStatus.RUNNING)


def test_reports_are_spaced_by_the_interval() -> None:
    store, clock = InMemoryJobStore(), Clock()
    running_job(store)
    report = ProgressReporter(store, "j1", min_interval_s=0.5, clock=clock)
    report(10.0, 100.0)  # first: always stored
    assert store.get("j1").progress == 10.0
    clock.now += 0.2
    report(20.0, 100.0)  # too soon: skipped
    assert store.get("j1").processed_s == 10.0
    clock.now += 0.4
    report(30.0, 100.0)
    stored = store.get("j1")
    assert (stored.progress, stored.processed_s, stored.duration_s) == (30.0, 30.0, 100.0)


class BusyOnce(InMemoryJobStore):
    """A store whose next progress write is refused as busy (throttled past its retries)."""

    busy = True

    def record_progress(self, job_id: str, update: ProgressUpdate) -> Job:
        if self.busy:
            self.busy = False
            raise BackendBusyError("DynamoDB is busy")
        return super().record_progress(job_id, update)


def test_a_progress_write_refused_as_busy_is_skipped_and_the_next_one_stored() -> None:
    store, clock = BusyOnce(), Clock()
    running_job(store)
    report = ProgressReporter(store, "j1", min_interval_s=0.5, clock=clock)
    report(10.0, 100.0)  # refused: skipped, the job goes on
    assert store.get("j1").progress == 0.0
    clock.now += 1.0
    report(30.0, 100.0)
    assert store.get("j1").progress == 30.0


def test_unknown_length_reports_zero_percent() -> None:
    store = InMemoryJobStore()
    running_job(store)
    ProgressReporter(store, "j1")(5.0, 0.0)
    assert store.get("j1").progress == 0.0
    assert store.get("j1").processed_s == 5.0


def test_a_cancelled_job_raises_at_the_next_report() -> None:
    store = InMemoryJobStore()
    running_job(store)
    store.transition("j1", JobStatus.CANCELLED)
    with pytest.raises(JobCancelledError, match="cancelled"):
        ProgressReporter(store, "j1")(1.0, 10.0)


def test_a_deleted_job_raises_at_the_next_report() -> None:
    store = InMemoryJobStore()
    running_job(store)
    store.delete("j1")
    with pytest.raises(JobCancelledError, match="deleted"):
        ProgressReporter(store, "j1")(1.0, 10.0)


def test_a_stop_request_raises_even_between_reports() -> None:
    store, clock = InMemoryJobStore(), Clock()
    running_job(store)
    stop = False
    report = ProgressReporter(
        store, "j1", min_interval_s=60.0, stop_requested=lambda: stop, clock=clock
    )
    report(1.0, 10.0)
    stop = True
    with pytest.raises(JobCancelledError):
        report(2.0, 10.0)
