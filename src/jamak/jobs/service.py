"""Use cases over the job ports: what the API, the CLI and the Lambda handler call.

Plain functions with keyword-only dependencies, so any backend's adapters (or the in-memory
fakes) can be passed in, and routes stay three lines long: parse, call, render.

Each change to a job is logged here, where it happens, whoever called: in the API the line
carries the caller's user id from the request's log context (:mod:`jamak.logs`).
"""

from __future__ import annotations

import contextlib
import logging
from typing import BinaryIO

from jamak.errors import (
    InvalidTransitionError,
    JobLaunchError,
    JobNotFinishedError,
    JobNotFoundError,
    ObjectNotFoundError,
)
from jamak.jobs.declared import declared_duration_s
from jamak.jobs.keys import job_prefix, media_key
from jamak.jobs.model import (
    DOCUMENT_FORMAT,
    DOCUMENT_OUTPUT,
    Job,
    JobOptions,
    JobStatus,
    new_job_id,
)
from jamak.jobs.ports import JobPage, JobStore, Launcher, ObjectStore, TrackedLauncher
from jamak.jobs.quotas import NO_LIMITS, SubmitLimits, check_can_submit
from jamak.subtitles import formats
from jamak.subtitles.formats.json import read_document

logger = logging.getLogger(__name__)


def submit_job(
    *,
    store: JobStore,
    objects: ObjectStore,
    launcher: Launcher,
    owner: str,
    filename: str,
    source: BinaryIO,
    options: JobOptions,
    limits: SubmitLimits = NO_LIMITS,
    exempt: bool = False,
    read_duration: bool = False,
) -> Job:
    """Store the upload, record the job as queued, and start it; first refuse it when
    the queue or the owner's quota is full (:mod:`jamak.jobs.quotas`), before any byte
    is stored. ``exempt``: the owner is an admin, free of per-user quotas.

    ``read_duration``: record the length the stored file's header declares as the job's
    ``declared_s`` (unknown when the header can't be read; that fails nothing here), so a
    pulled queue can hand short jobs to its express worker. Only where the object store
    is local: on S3 it would download the file again."""
    check_can_submit(store=store, owner=owner, limits=limits, exempt=exempt)
    job_id = new_job_id()
    key = media_key(job_id)
    objects.put_file(key, source)
    job = Job(
        id=job_id,
        owner=owner,
        filename=filename,
        media_key=key,
        options=options,
        declared_s=declared_duration_s(objects, key) if read_duration else None,
    )
    store.add(job)
    start_job(store=store, launcher=launcher, job=job)
    logger.info("job %s: queued (model %s)", job.id, job.options.model)
    return job


def register_uploaded_job(
    *,
    store: JobStore,
    launcher: Launcher,
    job: Job,
    limits: SubmitLimits = NO_LIMITS,
    exempt: bool = False,
) -> Job:
    """Record and start a job whose media was uploaded straight to the object store
    (a presigned upload on AWS), so the bytes never pass through the API."""
    check_can_submit(store=store, owner=job.owner, limits=limits, exempt=exempt)
    store.add(job)
    start_job(store=store, launcher=launcher, job=job)
    logger.info("job %s: queued (model %s)", job.id, job.options.model)
    return job


LAUNCH_FAILED = "LaunchFailed"  # the error_kind of a job whose work could not be started


def start_job(*, store: JobStore, launcher: Launcher, job: Job) -> None:
    """Start the work of a recorded, queued job; when that fails, mark the job failed and
    raise :class:`JobLaunchError`.

    A job left queued with nothing started would wait forever and count against the
    queue's and its owner's limits. The launcher's client has already retried what is worth
    retrying (AWS: throttling and server errors, with backoff); what is left (a wrong
    state machine, a missing permission, an outage) will not pass by itself, so the job
    fails with the reason, and its owner can submit again."""
    try:
        launcher.launch(job)
    except Exception as err:  # whatever it was, nothing will run this job
        message = f"the job could not be started: {err}"
        logger.error("job %s: %s", job.id, message)
        # Cancelled or deleted meanwhile: not queued any more either way.
        with contextlib.suppress(InvalidTransitionError, JobNotFoundError):
            store.transition(job.id, JobStatus.FAILED, error=message, error_kind=LAUNCH_FAILED)
        raise JobLaunchError(message) from err


def restart_stalled_jobs(
    *, store: JobStore, launcher: TrackedLauncher, older_than_s: float, now: float
) -> list[Job]:
    """Start again every job queued for more than ``older_than_s`` whose work was never
    started (its start was lost: a crash between recording and starting, a failed start
    whose "failed" could not be written); a start that fails again fails the job.
    Returns those jobs as they are now. ``older_than_s`` leaves alone the jobs that an API
    call has just recorded and is about to start."""
    handled: list[Job] = []
    cursor: str | None = None
    while True:
        page = store.list(status=JobStatus.QUEUED, limit=100, cursor=cursor)
        for job in page.jobs:
            if job.created_at > now - older_than_s or launcher.is_started(job):
                continue
            logger.warning("job %s queued with no work started; starting it again", job.id)
            with contextlib.suppress(JobLaunchError):  # then it is marked failed, and logged
                start_job(store=store, launcher=launcher, job=job)
            handled.append(store.get(job.id))
        if page.next_cursor is None:
            return handled
        cursor = page.next_cursor


def get_job(*, store: JobStore, job_id: str) -> Job:
    return store.get(job_id)


def list_jobs(
    *,
    store: JobStore,
    owner: str | None = None,
    status: JobStatus | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> JobPage:
    return store.list(owner=owner, status=status, limit=limit, cursor=cursor)


def cancel_job(*, store: JobStore, launcher: Launcher, job_id: str) -> Job:
    """Cancel a queued or running job; cancelling a finished job is a no-op that returns it."""
    job = store.get(job_id)
    if job.status.is_terminal:
        return job
    job = store.transition(job_id, JobStatus.CANCELLED)
    launcher.cancel(job)
    logger.info("job %s: cancelled", job_id)
    return job


def delete_job(*, store: JobStore, objects: ObjectStore, launcher: Launcher, job_id: str) -> None:
    """Forget a job and remove its files; a running job is cancelled first."""
    job = store.get(job_id)
    if not job.status.is_terminal:
        cancel_job(store=store, launcher=launcher, job_id=job_id)
    objects.delete_prefix(job_prefix(job_id))
    store.delete(job_id)
    logger.info("job %s: deleted", job_id)


def read_subtitles(
    *, store: JobStore, objects: ObjectStore, job_id: str, format_name: str
) -> tuple[Job, bytes]:
    """A finished job and the text of one of its subtitle formats: as stored where the job
    asked for it, else written now from the job's JSON document, with the cues laid out
    as they were then (the job's own line and timing rules).

    Raises :class:`JobNotFinishedError` before the job has succeeded, and
    :class:`ObjectNotFoundError` for a format of a job that keeps no document (one
    finished before jobs kept it) and was not asked for."""
    job, key = find_stored_subtitles(store=store, job_id=job_id, format_name=format_name)
    return job, subtitles_of(job, format_name, stored_key=key, objects=objects)


def subtitles_of(
    job: Job, format_name: str, *, stored_key: str | None, objects: ObjectStore
) -> bytes:
    """The text of ``format_name`` for a finished ``job`` found by
    :func:`find_stored_subtitles`: the stored object, else written from the document."""
    if stored_key is not None:
        with objects.open(stored_key) as source:
            return source.read()
    document = job.outputs.get(DOCUMENT_OUTPUT)
    if document is None:
        raise ObjectNotFoundError(f"{format_name} was not among the job's formats")
    with objects.open(document) as source:
        transcript, cues = read_document(source.read())
    return formats.get(format_name).render(transcript, cues).encode("utf-8")


def find_stored_subtitles(
    *, store: JobStore, job_id: str, format_name: str
) -> tuple[Job, str | None]:
    """A finished job and the key of the object that holds ``format_name`` byte for byte
    as it is served, or ``None`` where it is written from the document on each read.

    A stored object can be handed out by the object store itself (a signed URL), which
    matters where the API cannot answer large bodies (Lambda: 6 MB).

    Raises :class:`JobNotFinishedError` before the job has succeeded."""
    job = store.get(job_id)
    if job.status is not JobStatus.SUCCEEDED:
        raise JobNotFinishedError(f"the job is {job.status}, not succeeded")
    key = job.outputs.get(format_name)
    if key is None and format_name == DOCUMENT_FORMAT:
        key = job.outputs.get(DOCUMENT_OUTPUT)
    return job, key


__all__ = [
    "JobNotFoundError",
    "SubmitLimits",
    "cancel_job",
    "check_can_submit",
    "delete_job",
    "find_stored_subtitles",
    "get_job",
    "list_jobs",
    "read_subtitles",
    "register_uploaded_job",
    "submit_job",
    "subtitles_of",
]
