"""The quota checks page through long listings, and submit_job refuses before storing."""

from __future__ import annotations

import io

import pytest

from jamak.backends.memory import InMemoryJobStore, InMemoryObjectStore, NoopLauncher
from jamak.errors import QueueFullError, QuotaExceededError
from jamak.jobs.model import Job, JobOptions
from jamak.jobs.quotas import SubmitLimits, check_can_submit
from jamak.jobs.service import submit_job


def fill(store: InMemoryJobStore, count: int, *, owner: str = "ana") -> None:
    for number in range(count):
        store.add(Job(id=f"{owner}-{number:04d}", owner=owner, filename="a.wav", media_key="k"))


def test_counting_goes_past_one_page_of_the_listing() -> None:
    store = InMemoryJobStore()
    fill(store, 250)
    check_can_submit(store=store, owner="bo", limits=SubmitLimits(max_queued_jobs=251))
    with pytest.raises(QueueFullError):
        check_can_submit(store=store, owner="bo", limits=SubmitLimits(max_queued_jobs=250))
    with pytest.raises(QuotaExceededError):
        check_can_submit(
            store=store, owner="ana", limits=SubmitLimits(max_active_jobs_per_user=250)
        )


def test_a_refused_submit_stores_nothing() -> None:
    store, objects = InMemoryJobStore(), InMemoryObjectStore()
    fill(store, 2)
    with pytest.raises(QuotaExceededError):
        submit_job(
            store=store,
            objects=objects,
            launcher=NoopLauncher(),
            owner="ana",
            filename="talk.wav",
            source=io.BytesIO(b"RIFF"),
            options=JobOptions(),
            limits=SubmitLimits(max_active_jobs_per_user=2),
        )
    assert len(store.list(owner="ana").jobs) == 2
    assert not objects.keys()
