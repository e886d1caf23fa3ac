"""One long job over several workers of the embedded pool: its parts as tasks in the queue.

On a machine with more cores than one job uses (a pool of several workers), a worker that
claims a long job plans it (:func:`jamak.jobs.parts.plan_job`; a short file is transcribed
whole there) and puts one *part task* per part in the same queue: a job of the same owner
with ``parent_id`` and ``part_index`` set, hidden from listings, created with its parent's
creation time so the parts are claimed before anything newer. The job itself stays running
with no lease (:meth:`JobQueue.detach`): its part tasks carry it, each under its own lease,
so a killed worker's part returns to the queue like any job, and a part whose workers keep
dying fails the job (the store does that when the part's lease runs out for good).

Whoever finishes a part checks whether every part is done, and the last one merges. Two
parts finishing at once may both see that and both merge: the second merge finds the job
succeeded and changes nothing.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import replace

from jamak.asr.options import RecognitionOptions
from jamak.errors import InvalidTransitionError, JobError, JobNotFoundError
from jamak.jobs.declared import declared_duration_s
from jamak.jobs.limits import JobLimits
from jamak.jobs.model import Job, JobStatus
from jamak.jobs.parts import merge_job, plan_job, run_part
from jamak.jobs.ports import JobQueue, JobStore, ObjectStore
from jamak.jobs.recognizers import RecognizerProvider
from jamak.jobs.runner import run_job
from jamak.jobs.steps import INTERNAL_ERROR_KIND, internal_error

logger = logging.getLogger(__name__)


def part_task_id(job_id: str, index: int) -> str:
    return f"{job_id}-part-{index}"


def spread_job(
    job: Job,
    *,
    store: JobStore,
    queue: JobQueue,
    objects: ObjectStore,
    recognizers: RecognizerProvider,
    worker_id: str,
    stop_requested: Callable[[], bool] | None = None,
    recognition: RecognitionOptions | None = None,
    limits: JobLimits,
) -> Job:
    """Plan a claimed job and queue its parts (or transcribe a short one whole)."""
    declared_s = declared_duration_s(objects, job.media_key)
    if declared_s is not None and declared_s < limits.parts.min_split_s:
        # Short by its header: no plan, no second decoding, no voice activity pass.
        return run_job(
            job,
            store=store,
            objects=objects,
            recognizers=recognizers,
            worker_id=worker_id,
            stop_requested=stop_requested,
            recognition=recognition,
            limits=limits,
        )
    planned = plan_job(
        job,
        store=store,
        objects=objects,
        recognizers=recognizers,
        recognition=recognition,
        limits=limits,
        worker_id=worker_id,
        stop_requested=stop_requested,
    )
    if planned.status is not JobStatus.RUNNING or planned.parts < 2:
        return planned
    for index in range(planned.parts):
        task = Job(
            id=part_task_id(job.id, index),
            owner=job.owner,
            filename=job.filename,
            media_key=job.media_key,
            options=job.options,
            created_at=job.created_at,
            parent_id=job.id,
            part_index=index,
        )
        # Already there when an earlier plan of this job queued it and its worker died.
        with contextlib.suppress(JobError):
            store.add(task)
    queue.detach(job.id, worker_id)
    logger.info("job %s: %d parts queued", job.id, planned.parts)
    return planned


def run_part_task(
    task: Job,
    *,
    store: JobStore,
    queue: JobQueue,
    objects: ObjectStore,
    recognizers: RecognizerProvider,
    worker_id: str,
    stop_requested: Callable[[], bool] | None = None,
    recognition: RecognitionOptions | None = None,
    limits: JobLimits,
) -> Job:
    """Run one claimed part task; the last part done merges its job. Returns the task."""
    assert task.parent_id is not None and task.part_index is not None
    try:
        parent = store.get(task.parent_id)
    except JobNotFoundError:
        return _finish(store, task, JobStatus.CANCELLED)
    if parent.status is JobStatus.QUEUED:
        # The job is being planned again (its planner died): this part waits for it.
        queue.release(task.id, worker_id)
        return store.get(task.id)
    try:
        after = run_part(
            parent,
            task.part_index,
            store=store,
            objects=objects,
            recognizers=recognizers,
            recognition=recognition,
            limits=limits,
            worker_id=worker_id,
            stop_requested=stop_requested,
        )
    except Exception as err:  # not the job's fault (see run_part): the task fails, the job too
        logger.exception("job %s: part %d: internal error", parent.id, task.part_index)
        failed = _finish(store, task, JobStatus.FAILED, error=internal_error(err))
        _fail_parent(store, parent, failed)
        return failed
    if stop_requested is not None and stop_requested() and after.status is JobStatus.RUNNING:
        return store.get(task.id)  # stopped part-way: the caller hands the task back
    done = _finish(store, task, JobStatus.SUCCEEDED)
    if after.status is JobStatus.RUNNING and _all_parts_done(store, parent):
        merge_job(parent, store=store, objects=objects)
    return done


def _all_parts_done(store: JobStore, parent: Job) -> bool:
    for index in range(parent.parts):
        try:
            if store.get(part_task_id(parent.id, index)).status is not JobStatus.SUCCEEDED:
                return False
        except JobNotFoundError:
            return False
    return True


def _finish(store: JobStore, task: Job, status: JobStatus, *, error: str | None = None) -> Job:
    try:
        return store.transition(task.id, status, error=error)
    except (InvalidTransitionError, JobNotFoundError):
        return replace(task, status=status)


def _fail_parent(store: JobStore, parent: Job, task: Job) -> None:
    with contextlib.suppress(InvalidTransitionError, JobNotFoundError):
        store.transition(
            parent.id,
            JobStatus.FAILED,
            error=f"part {(task.part_index or 0) + 1} of {parent.parts}: {task.error}",
            error_kind=INTERNAL_ERROR_KIND,
        )
