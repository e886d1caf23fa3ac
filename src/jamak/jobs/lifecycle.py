"""How a stored job changes, written once so every JobStore backend applies it the same way.

Backends own atomicity (a lock, a SQLite transaction, a DynamoDB condition); these functions
own the *meaning* of each change, so an in-memory fake and SQLite can't drift apart.
"""

from __future__ import annotations

from dataclasses import replace

from jamak.jobs.model import Job, JobStatus
from jamak.jobs.ports import ProgressUpdate


def apply_transition(
    job: Job,
    target: JobStatus,
    *,
    now: float,
    error: str | None = None,
    error_kind: str | None = None,
    outputs: dict[str, str] | None = None,
) -> Job:
    """``job`` moved to ``target``; raises InvalidTransitionError when the lifecycle forbids it."""
    moved = job.moved_to(target, now=now)
    if target is JobStatus.QUEUED:
        moved = replace(moved, progress=0.0, processed_s=0.0)
    if error is not None:
        moved = replace(moved, error=error)
    if error_kind is not None:
        moved = replace(moved, error_kind=error_kind)
    if outputs is not None:
        moved = replace(moved, outputs=dict(outputs))
    return moved


def apply_progress(job: Job, update: ProgressUpdate, *, now: float) -> Job:
    """Progress only lands on a running job: a late report can't touch a finished one.
    A part's report counts towards the sum of the job's parts (see ProgressUpdate.part)."""
    if job.status is not JobStatus.RUNNING:
        return job
    progress, processed_s = update.progress, update.processed_s
    parts, part_seconds = job.parts, job.part_seconds
    if update.parts is not None:
        parts, part_seconds = update.parts, {}
    if update.part is not None:
        part_seconds = {**part_seconds, str(update.part): max(0.0, update.processed_s)}
        processed_s = sum(part_seconds.values())
        total = job.duration_s or 0.0
        progress = 100.0 * processed_s / total if total > 0 else 0.0
    return replace(
        job,
        progress=min(100.0, max(0.0, progress)),
        processed_s=max(0.0, processed_s),
        duration_s=job.duration_s if update.duration_s is None else update.duration_s,
        language=job.language if update.language is None else update.language,
        parts=parts,
        part_seconds=part_seconds,
        updated_at=now,
    )


def release_claim(job: Job, *, now: float) -> Job:
    """A worker handing its job back (it is shutting down): queued again, and the attempt
    is refunded, since nothing went wrong with the job itself."""
    requeued = apply_transition(job, JobStatus.QUEUED, now=now)
    return replace(requeued, attempts=max(0, job.attempts - 1), started_at=None)


def expire_lease(job: Job, *, max_attempts: int, now: float) -> Job:
    """A running job whose worker stopped renewing its lease: back to the queue, or failed
    once it has been started ``max_attempts`` times, so one poisonous file can't take every
    worker down forever."""
    if job.attempts >= max_attempts:
        return apply_transition(
            job,
            JobStatus.FAILED,
            now=now,
            error=f"worker stopped responding {job.attempts} times",
            error_kind="WorkerLost",
        )
    return replace(apply_transition(job, JobStatus.QUEUED, now=now), started_at=None)


def part_failed(parent: Job, part: Job, *, now: float) -> Job:
    """A split job whose part task failed for good (its workers kept dying): the job fails
    with the part's error, unless it already ended."""
    if parent.status.is_terminal:
        return parent
    return apply_transition(
        parent,
        JobStatus.FAILED,
        now=now,
        error=f"part {(part.part_index or 0) + 1} of {parent.parts}: {part.error}",
        error_kind=part.error_kind,
    )
