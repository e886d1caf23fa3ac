"""A worker tells its pool which job it holds, and when it no longer holds one."""

from __future__ import annotations

from jamak.backends.memory import InMemoryJobStore, InMemoryObjectStore
from jamak.jobs.model import JobStatus

from .conftest import Submit, queue_worker


def test_a_worker_is_busy_while_it_runs_a_job_and_only_then(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore
) -> None:
    marks: list[str | None] = []
    worker = queue_worker(store, objects, steps=3, on_job=marks.append)
    assert worker.run_next() is None
    assert marks == []  # polling an empty queue is not work
    job = submit()
    assert worker.run_next() is not None
    assert store.get(job.id).status is JobStatus.SUCCEEDED
    assert marks == [job.id, None]
