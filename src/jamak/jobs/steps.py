"""How a worker step meets a failure: one place for the rules every step shares.

A whole job (:func:`jamak.jobs.runner.run_job`) and each step of a split one (plan, part,
merge: :mod:`jamak.jobs.parts`) take a job that is queued or running and leave it with a
stored outcome: a :class:`JamakError` fails the job with its message, anything else with a
short "internal error" while the traceback goes to the log, and a cancel leaves the stored
status alone. A busy backend is a failure like any other (S3 busy fails the job in words);
only when the job store refuses even the failure does :class:`BackendBusyError` leave, for
the caller's backstop (the job stays claimed, and its lease brings it back).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from jamak.errors import (
    InvalidTransitionError,
    JamakError,
    JobCancelledError,
    JobNotFoundError,
)
from jamak.jobs.model import Job, JobStatus
from jamak.jobs.ports import JobStore

logger = logging.getLogger(__name__)

_MAX_ERROR_CHARS = 300
# The error kind of a failure that is not a JamakError (a bug): never the class name, since
# any library's exception could land here and metrics labels must stay few.
INTERNAL_ERROR_KIND = "InternalError"


def guarded(store: JobStore, job: Job, step: Callable[[Job], Job], *, what: str) -> Job:
    """``step(job)`` with the shared failure rules; returns the job as stored afterwards."""
    try:
        finished = step(job)
    except JobCancelledError as stopped:
        logger.info("job %s: %s stopped: %s", job.id, what, stopped)
        return stored(store, job)
    except JamakError as err:
        logger.info("job %s: %s failed: %s", job.id, what, err)
        return fail(store, job, str(err), kind=type(err).__name__)
    except Exception as err:
        logger.exception("job %s: %s: internal error", job.id, what)
        return fail(store, job, internal_error(err), kind=INTERNAL_ERROR_KIND)
    logger.info("job %s: %s done", job.id, what)
    return finished


def mark_running(store: JobStore, job_id: str) -> Job | None:
    """The job, running; None when there is nothing to run (finished, cancelled, deleted,
    or taken by someone else meanwhile). On AWS the state machine may have marked it
    running already; in the embedded pool the claim did."""
    try:
        current = store.get(job_id)
        if current.status is JobStatus.QUEUED:
            return store.transition(job_id, JobStatus.RUNNING)
    except (InvalidTransitionError, JobNotFoundError):
        return None
    return current if current.status is JobStatus.RUNNING else None


def fail(store: JobStore, job: Job, message: str, *, kind: str) -> Job:
    try:
        return store.transition(job.id, JobStatus.FAILED, error=message, error_kind=kind)
    except (InvalidTransitionError, JobNotFoundError):
        return stored(store, job)  # cancelled or deleted meanwhile: that status stands


def stored(store: JobStore, job: Job) -> Job:
    try:
        return store.get(job.id)
    except JobNotFoundError:
        return job


def internal_error(err: Exception) -> str:
    detail = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
    return f"internal error: {detail}"[:_MAX_ERROR_CHARS]


def mark_succeeded(store: JobStore, job: Job, outputs: dict[str, str]) -> Job:
    """The last write of a job's success; a job cancelled or deleted meanwhile stops the
    step quietly (its own status stands) instead of failing it."""
    try:
        return store.transition(job.id, JobStatus.SUCCEEDED, outputs=outputs)
    except (InvalidTransitionError, JobNotFoundError) as err:
        raise JobCancelledError(f"job {job.id} changed while finishing: {err}") from err
