"""A submit can record the length the upload's header declares (the express lane's input),
and a header it can't read leaves the length unknown without failing the submit."""

from __future__ import annotations

import io
import random

import pytest

from jamak.backends.memory import InMemoryJobStore, InMemoryObjectStore, NoopLauncher
from jamak.jobs.model import Job, JobOptions, JobStatus
from jamak.jobs.service import submit_job


def submit(
    store: InMemoryJobStore, objects: InMemoryObjectStore, data: bytes, *, read: bool
) -> Job:
    return submit_job(
        store=store,
        objects=objects,
        launcher=NoopLauncher(),
        owner="ana",
        filename="talk.wav",
        source=io.BytesIO(data),
        options=JobOptions(),
        read_duration=read,
    )


def test_a_submit_records_the_declared_duration(
    store: InMemoryJobStore, objects: InMemoryObjectStore, tone_bytes: bytes
) -> None:
    job = submit(store, objects, tone_bytes, read=True)

    assert job.declared_s == pytest.approx(2.0, abs=0.05)
    assert store.get(job.id).declared_s == job.declared_s
    assert job.duration_s is None  # measured only by a worker


def test_without_reading_the_duration_is_unknown(
    store: InMemoryJobStore, objects: InMemoryObjectStore, tone_bytes: bytes
) -> None:
    assert submit(store, objects, tone_bytes, read=False).declared_s is None


def test_an_unreadable_header_leaves_the_duration_unknown_and_the_job_queued(
    store: InMemoryJobStore, objects: InMemoryObjectStore
) -> None:
    job = submit(store, objects, random.Random(3).randbytes(4096), read=True)

    assert job.declared_s is None
    assert store.get(job.id).status is JobStatus.QUEUED
