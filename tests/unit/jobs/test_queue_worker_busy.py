"""A worker tells its pool when it holds a job, and when it no longer does."""

from __future__ import annotations

from jamak.backends.memory import InMemoryJobStore, InMemoryObjectStore
from jamak.jobs.model import JobStatus

from .conftest import Submit, queue_worker


def test_a_worker_is_busy_while_it_runs_a_job_and_only_then(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore
) -> None:
    marks: list[bool] = []
    worker = queue_worker(store, objects, steps=3, on_busy=marks.append)
    assert worker.run_next() is None
    assert marks == []  # polling an empty queue is not work
    job = submit()
    assert worker.run_next() is not None
    assert store.get(job.id).status is JobStatus.SUCCEEDED
    assert marks == [True, False]
