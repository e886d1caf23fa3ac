"""The lease keeper renews from its own thread and notices when the job is taken away."""

from __future__ import annotations

import time

from jamak.backends.memory import InMemoryJobStore
from jamak.jobs.lease import LeaseKeeper
from jamak.jobs.model import Job, JobStatus


def claimed(store: InMemoryJobStore, lease_s: float) -> Job:
    store.add(Job(id="j1", owner="ana", filename="a.wav", media_key="jobs/j1/media"))
    job = store.claim("w1", lease_s=lease_s)
    assert job is not None
    return job


def test_a_kept_lease_outlives_its_length() -> None:
    store = InMemoryJobStore()
    claimed(store, lease_s=0.15)
    with LeaseKeeper(store, "j1", "w1", lease_s=0.15) as lease:
        time.sleep(0.5)
        assert store.claim("w2", lease_s=0.15) is None
        assert not lease.lost
    assert store.get("j1").attempts == 1


def test_without_a_keeper_the_lease_runs_out() -> None:
    store = InMemoryJobStore()
    claimed(store, lease_s=0.15)
    time.sleep(0.3)
    taken = store.claim("w2", lease_s=0.15)
    assert taken is not None
    assert taken.attempts == 2


def test_a_cancel_is_noticed_as_a_lost_lease() -> None:
    store = InMemoryJobStore()
    claimed(store, lease_s=0.15)
    with LeaseKeeper(store, "j1", "w1", lease_s=0.15) as lease:
        store.transition("j1", JobStatus.CANCELLED)
        deadline = time.monotonic() + 1.0
        while not lease.lost and time.monotonic() < deadline:
            time.sleep(0.01)
        assert lease.lost
