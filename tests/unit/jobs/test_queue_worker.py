"""The pull loop over the in-memory backend, in a thread: claim, run, repeat, stop."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from jamak.backends.memory import InMemoryJobStore, InMemoryObjectStore
from jamak.jobs.model import JobStatus

from .conftest import Submit, queue_worker


def wait_for(condition: Callable[[], bool], timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_run_next_on_an_empty_queue_does_nothing(
    store: InMemoryJobStore, objects: InMemoryObjectStore
) -> None:
    assert queue_worker(store, objects, steps=10).run_next() is None


def test_a_serving_worker_runs_every_job_in_order(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore
) -> None:
    jobs = [submit() for _ in range(3)]
    stop = threading.Event()
    thread = threading.Thread(target=queue_worker(store, objects, steps=10).serve, args=(stop,))
    thread.start()
    try:
        wait_for(lambda: all(store.get(job.id).status is JobStatus.SUCCEEDED for job in jobs))
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()
    started = [store.get(job.id).started_at or 0.0 for job in jobs]
    assert started == sorted(started)


def test_stopping_hands_the_running_job_back(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore
) -> None:
    job = submit()
    stop = threading.Event()
    worker = queue_worker(store, objects, steps=10, seconds_per_step=0.05)
    thread = threading.Thread(target=worker.serve, args=(stop,))
    thread.start()
    wait_for(lambda: store.get(job.id).progress > 0)
    stop.set()
    thread.join(5)
    assert not thread.is_alive()
    handed_back = store.get(job.id)
    assert handed_back.status is JobStatus.QUEUED
    assert handed_back.attempts == 0
    # The next worker picks it up and finishes it.
    assert queue_worker(store, objects, steps=10).run_next() is not None
    assert store.get(job.id).status is JobStatus.SUCCEEDED
