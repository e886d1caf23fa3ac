"""Watching a job change, for the SSE stream and the long-poll fallback.

Workers may live in other processes (or on AWS), so the only shared truth is the job store:
both mechanisms poll it every ``poll_interval_s`` (from the composition root) and report
when the job differs from what the client last saw. Store calls are blocking, so each runs
in the thread pool and the event loop stays free for other requests while many clients
watch.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import anyio
from starlette.concurrency import run_in_threadpool

from jamak.jobs import service
from jamak.jobs.model import Job, JobStatus
from jamak.jobs.ports import JobStore


async def fetch_job(store: JobStore, job_id: str) -> Job:
    return await run_in_threadpool(lambda: service.get_job(store=store, job_id=job_id))


async def job_updates(
    store: JobStore, job_id: str, *, poll_interval_s: float
) -> AsyncIterator[Job]:
    """The job now, then again each time it changes, ending after a terminal status.

    Raises :class:`jamak.errors.JobNotFoundError` if the job is deleted meanwhile.
    """
    last: Job | None = None
    while True:
        job = await fetch_job(store, job_id)
        if job != last:
            yield job
            last = job
        if job.status.is_terminal:
            return
        await anyio.sleep(poll_interval_s)


async def wait_for_change(
    store: JobStore,
    job_id: str,
    *,
    wait_s: float,
    poll_interval_s: float,
    since_progress: float | None,
    since_status: JobStatus | None,
) -> Job:
    """The job as soon as it differs from what the client saw, or as it is after ``wait_s``.

    "Differs" means another status than ``since_status`` or another progress than
    ``since_progress`` (each compared only when given); a finished job returns at once.
    """
    deadline = time.monotonic() + wait_s
    while True:
        job = await fetch_job(store, job_id)
        if _differs(job, since_progress, since_status) or time.monotonic() >= deadline:
            return job
        await anyio.sleep(min(poll_interval_s, max(deadline - time.monotonic(), 0.0)))


def _differs(job: Job, since_progress: float | None, since_status: JobStatus | None) -> bool:
    if job.status.is_terminal:
        return True
    if since_status is not None and job.status is not since_status:
        return True
    return since_progress is not None and abs(job.progress - since_progress) > 1e-6
