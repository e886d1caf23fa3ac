"""The backends every contract test runs against.

Adding a backend is one line in a list below: ``pytest.param(factory, id=..., marks=...)``,
where ``factory(tmp_path)`` is a context manager yielding a fresh, empty store (write it
wherever suits, for instance beside the backend's other test helpers). Stores that pull
work (a JobQueue) go in ``JOB_QUEUES`` too; pushed backends (AWS) only in ``JOB_STORES``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest

from jamak.backends.embedded import LocalObjectStore, SqliteJobStore
from jamak.backends.memory import InMemoryJobStore, InMemoryObjectStore
from tests.aws.contract_backends import dynamo_job_store, s3_object_store

# Every job store under test gives up on a job after this many lost leases.
MAX_ATTEMPTS = 3

Factory = Callable[[Path], AbstractContextManager[Any]]


@contextmanager
def memory_job_store(tmp_path: Path) -> Iterator[InMemoryJobStore]:
    yield InMemoryJobStore(max_attempts=MAX_ATTEMPTS)


@contextmanager
def sqlite_job_store(tmp_path: Path) -> Iterator[SqliteJobStore]:
    store = SqliteJobStore(tmp_path / "jobs.sqlite3", max_attempts=MAX_ATTEMPTS)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def memory_object_store(tmp_path: Path) -> Iterator[InMemoryObjectStore]:
    yield InMemoryObjectStore()


@contextmanager
def local_object_store(tmp_path: Path) -> Iterator[LocalObjectStore]:
    yield LocalObjectStore(tmp_path / "objects")


JOB_STORES = [
    pytest.param(memory_job_store, id="memory"),
    pytest.param(sqlite_job_store, id="sqlite"),
    pytest.param(dynamo_job_store, id="dynamodb", marks=pytest.mark.aws),
]

JOB_QUEUES = [
    pytest.param(memory_job_store, id="memory"),
    pytest.param(sqlite_job_store, id="sqlite"),
]

OBJECT_STORES = [
    pytest.param(memory_object_store, id="memory"),
    pytest.param(local_object_store, id="local"),
    pytest.param(s3_object_store, id="s3", marks=pytest.mark.aws),
]


@pytest.fixture(params=JOB_STORES)
def job_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    factory: Factory = request.param
    with factory(tmp_path) as store:
        yield store


@pytest.fixture(params=JOB_QUEUES)
def job_queue(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A store that is also the queue (JobStore + JobQueue in one object)."""
    factory: Factory = request.param
    with factory(tmp_path) as store:
        yield store


@pytest.fixture(params=OBJECT_STORES)
def object_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    factory: Factory = request.param
    with factory(tmp_path) as store:
        yield store
