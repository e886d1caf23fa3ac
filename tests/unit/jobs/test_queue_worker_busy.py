"""A worker tells its pool when it holds a job, and when it no longer does."""

from __future__ import annotations

from jamak.backends.memory import InMemoryJobStore, InMemoryObjectStore
from jamak.jobs.model import JobStatus
from jamak.jobs.recognizers import ScriptedRecognizers
from jamak.jobs.worker import QueueWorker, WorkerConfig

from .conftest import Submit


def _worker(
    store: InMemoryJobStore, objects: InMemoryObjectStore, marks: list[bool]
) -> QueueWorker:
    return QueueWorker(
        store=store,
        queue=store,
        objects=objects,
        recognizers=ScriptedRecognizers(steps=3),
        config=WorkerConfig(worker_id="w1", lease_s=5.0, poll_interval_s=0.01),
        on_busy=marks.append,
    )


def test_a_worker_is_busy_while_it_runs_a_job_and_only_then(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore
) -> None:
    marks: list[bool] = []
    worker = _worker(store, objects, marks)
    assert worker.run_next() is None
    assert marks == []  # polling an empty queue is not work
    job = submit()
    assert worker.run_next() is not None
    assert store.get(job.id).status is JobStatus.SUCCEEDED
    assert marks == [True, False]
