"""Submit quotas and the queue cap (jamak.jobs.quotas) count the same on every job store:
they read only JobStore.list, so each backend's paging and filters decide the answer."""

from __future__ import annotations

import pytest

from jamak.errors import QueueFullError, QuotaExceededError
from jamak.jobs.model import Job, JobStatus
from jamak.jobs.ports import JobStore, ProgressUpdate
from jamak.jobs.quotas import DAY_S, SubmitLimits, check_can_submit

NOW = 1_800_000_000.0
HOUR_S = 3600.0


def add_job(store: JobStore, number: int, *, owner: str = "ana", age_s: float = 60.0) -> Job:
    job = Job(
        id=f"job-{number:04d}",
        owner=owner,
        filename=f"clip {number}.wav",
        media_key=f"jobs/job-{number:04d}/media",
        created_at=NOW - age_s,
    )
    store.add(job)
    return job


def run_job(store: JobStore, job: Job, *, duration_s: float, final: JobStatus) -> None:
    """Take ``job`` through running (where a worker probes its duration) to ``final``."""
    store.transition(job.id, JobStatus.RUNNING)
    store.record_progress(job.id, ProgressUpdate(50.0, duration_s / 2, duration_s=duration_s))
    store.transition(job.id, final)


def check(
    store: JobStore, limits: SubmitLimits, *, owner: str = "ana", exempt: bool = False
) -> None:
    check_can_submit(store=store, owner=owner, limits=limits, exempt=exempt, now=NOW)


def test_no_limits_allow_anything(job_store: JobStore) -> None:
    for number in range(5):
        add_job(job_store, number)
    check(job_store, SubmitLimits())


def test_the_queue_cap_counts_every_owner_and_binds_admins(job_store: JobStore) -> None:
    limits = SubmitLimits(max_queued_jobs=3, retry_after_s=17)
    add_job(job_store, 1, owner="ana")
    add_job(job_store, 2, owner="bo")
    check(job_store, limits, owner="cy")
    add_job(job_store, 3, owner="bo")
    with pytest.raises(QueueFullError, match="3 jobs are already waiting") as refused:
        check(job_store, limits, owner="cy", exempt=True)
    assert refused.value.retry_after_s == 17


def test_running_jobs_do_not_fill_the_queue(job_store: JobStore) -> None:
    for number in range(3):
        job_store.transition(add_job(job_store, number).id, JobStatus.RUNNING)
    check(job_store, SubmitLimits(max_queued_jobs=3))


def test_unfinished_jobs_per_user_count_queued_and_running(job_store: JobStore) -> None:
    limits = SubmitLimits(max_active_jobs_per_user=3)
    first = add_job(job_store, 1)
    job_store.transition(add_job(job_store, 2).id, JobStatus.RUNNING)
    add_job(job_store, 3, owner="bo")
    check(job_store, limits)
    add_job(job_store, 4)
    with pytest.raises(QuotaExceededError, match="3 unfinished jobs"):
        check(job_store, limits)
    check(job_store, limits, owner="bo")
    check(job_store, limits, exempt=True)
    job_store.transition(first.id, JobStatus.CANCELLED)
    check(job_store, limits)


def test_audio_hours_count_probed_jobs_of_the_last_day(job_store: JobStore) -> None:
    limits = SubmitLimits(max_audio_s_per_day=3 * HOUR_S)
    old = add_job(job_store, 1, age_s=DAY_S + 60)
    run_job(job_store, old, duration_s=10 * HOUR_S, final=JobStatus.SUCCEEDED)
    cancelled = add_job(job_store, 2, age_s=600)
    run_job(job_store, cancelled, duration_s=10 * HOUR_S, final=JobStatus.CANCELLED)
    early = add_job(job_store, 3, age_s=5 * HOUR_S)
    run_job(job_store, early, duration_s=2 * HOUR_S, final=JobStatus.SUCCEEDED)
    add_job(job_store, 4, age_s=60)  # queued: not probed yet, counts nothing
    check(job_store, limits)

    late = add_job(job_store, 5, age_s=HOUR_S)
    run_job(job_store, late, duration_s=HOUR_S, final=JobStatus.FAILED)
    with pytest.raises(QuotaExceededError, match=r"3\.0 hours of audio") as refused:
        check(job_store, limits)
    # Back under the quota once the 2-hour job, 5 hours old, leaves the 24-hour window.
    assert refused.value.retry_after_s == pytest.approx(DAY_S - 5 * HOUR_S, abs=1)
    check(job_store, limits, owner="bo")
    check(job_store, limits, exempt=True)
