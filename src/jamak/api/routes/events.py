"""``GET /api/jobs/{id}/events``: a job's live progress as Server-Sent Events.

Each change of the job is one ``event: job`` whose data is the same JSON as
``GET /api/jobs/{id}``. After the job reaches a terminal status (or is deleted) one
``event: end`` follows and the stream closes; clients should close their ``EventSource`` on
it, since browsers otherwise reconnect to a stream that has nothing more to say.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.sse import EventSourceResponse, ServerSentEvent

from jamak.api.deps import JobIdPath, ServicesDep
from jamak.api.job_watch import fetch_job, job_updates
from jamak.api.schemas import ErrorOut, JobOut
from jamak.errors import JobNotFoundError
from jamak.jobs.model import Job

router = APIRouter(prefix="/api/jobs", tags=["jobs"])

RETRY_MS = 2000


async def _existing_job(job_id: JobIdPath, services: ServicesDep) -> Job:
    """Resolved before the stream starts, so an unknown id is a plain 404 JSON error."""
    return await fetch_job(services.store, job_id)


@router.get(
    "/{job_id}/events",
    response_class=EventSourceResponse,
    responses={404: {"model": ErrorOut}},
    summary="Live job updates (Server-Sent Events)",
)
async def job_events(
    job: Annotated[Job, Depends(_existing_job)], services: ServicesDep
) -> AsyncIterator[ServerSentEvent]:
    updates = job_updates(services.store, job.id, poll_interval_s=services.api.poll_interval_s)
    first = True
    try:
        async for update in updates:
            yield ServerSentEvent(
                event="job",
                data=JobOut.from_job(update, services.api.retention),
                retry=RETRY_MS if first else None,
            )
            first = False
    except JobNotFoundError:
        yield ServerSentEvent(event="end", data={"reason": "deleted"})
        return
    yield ServerSentEvent(event="end", data={"reason": "finished"})
