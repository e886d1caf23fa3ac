"""Who may submit more work right now: per-user quotas and the global queue cap.

Checked at submit time, before an upload is stored, on every backend alike: the counts come
from :meth:`JobStore.list` (an index on owner and on status in SQLite, a query on DynamoDB),
so no port grows a method. Counting stops as soon as a limit is reached, so a check costs
at most a few pages.

Audio hours: a job's duration is known only once a worker has probed it (``duration_s``;
the length its header claimed at submit, ``declared_s``, may lie and counts nothing), so
the daily quota counts the probed durations of the caller's jobs created in the last 24 h
(running and finished ones), and a queued job counts nothing yet. The concurrent-jobs quota
bounds the overshoot that allows to ``max_active_jobs_per_user`` files (each also capped
by the media duration limit); refusing at probe time instead would fail jobs that were already
accepted, which is worse for a user than a 429 on the next submit.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from jamak.errors import QueueFullError, QuotaExceededError
from jamak.jobs.model import Job, JobStatus
from jamak.jobs.ports import JobStore

DAY_S = 24 * 3600.0
_PAGE = 200  # JobStore.list's largest page


@dataclass(frozen=True, slots=True)
class SubmitLimits:
    """Each limit at 0 means none; the defaults (none) suit tests and ``transcribe``."""

    max_active_jobs_per_user: int = 0  # queued + running
    max_audio_s_per_day: float = 0.0  # probed audio per user over a rolling 24 h
    max_queued_jobs: int = 0  # all users together; beyond it the server is overloaded
    retry_after_s: int = 30  # what a refusal tells clients when no better estimate exists


NO_LIMITS = SubmitLimits()


def check_can_submit(
    *,
    store: JobStore,
    owner: str,
    limits: SubmitLimits,
    exempt: bool = False,
    now: float | None = None,
) -> None:
    """Raise :class:`QueueFullError` or :class:`QuotaExceededError` when ``owner`` may not
    add a job now. ``exempt`` (admins) skips the per-user quotas: operators re-run and
    test on behalf of others, and they are the ones who set the quotas. The queue cap
    protects the server itself, so it holds for everybody."""
    now = time.time() if now is None else now
    _check_queue(store, limits)
    if exempt:
        return
    _check_active(store, owner, limits)
    _check_audio(store, owner, limits, now)


def _check_queue(store: JobStore, limits: SubmitLimits) -> None:
    cap = limits.max_queued_jobs
    if cap > 0 and _count(store, owner=None, status=JobStatus.QUEUED, stop_at=cap) >= cap:
        raise QueueFullError(
            f"The server is busy: {cap} jobs are already waiting. Try again later.",
            retry_after_s=limits.retry_after_s,
        )


def _check_active(store: JobStore, owner: str, limits: SubmitLimits) -> None:
    cap = limits.max_active_jobs_per_user
    if cap <= 0:
        return
    active = _count(store, owner=owner, status=JobStatus.QUEUED, stop_at=cap)
    if active < cap:
        active += _count(store, owner=owner, status=JobStatus.RUNNING, stop_at=cap - active)
    if active >= cap:
        raise QuotaExceededError(
            f"You already have {cap} unfinished jobs, the most allowed at once. "
            "Wait for some to finish (or cancel some) and try again.",
            retry_after_s=limits.retry_after_s,
        )


def _check_audio(store: JobStore, owner: str, limits: SubmitLimits, now: float) -> None:
    allowed_s = limits.max_audio_s_per_day
    if allowed_s <= 0:
        return
    recent = _jobs_since(store, owner=owner, since=now - DAY_S)
    used_s = sum(job.duration_s or 0.0 for job in recent)
    if used_s < allowed_s:
        return
    raise QuotaExceededError(
        f"You have submitted {used_s / 3600:.1f} hours of audio in the last 24 hours, "
        f"the most allowed is {allowed_s / 3600:g}. Try again later.",
        retry_after_s=_seconds_until_under(recent, allowed_s=allowed_s, now=now),
    )


def _seconds_until_under(recent: list[Job], *, allowed_s: float, now: float) -> int:
    """When enough of the oldest jobs have left the 24 h window to go under the quota."""
    used_s = sum(job.duration_s or 0.0 for job in recent)
    for job in sorted(recent, key=lambda job: job.created_at):
        used_s -= job.duration_s or 0.0
        if used_s < allowed_s:
            return max(1, math.ceil(job.created_at + DAY_S - now))
    return max(1, math.ceil(DAY_S))


def _count(store: JobStore, *, owner: str | None, status: JobStatus, stop_at: int) -> int:
    """How many jobs match, counting no further than ``stop_at``."""
    counted, cursor = 0, None
    while counted < stop_at:
        page = store.list(
            owner=owner, status=status, limit=min(_PAGE, stop_at - counted), cursor=cursor
        )
        counted += len(page.jobs)
        cursor = page.next_cursor
        if cursor is None:
            break
    return counted


def _jobs_since(store: JobStore, *, owner: str, since: float) -> list[Job]:
    """The owner's jobs created after ``since`` that are not cancelled (newest first)."""
    found: list[Job] = []
    cursor: str | None = None
    while True:
        page = store.list(owner=owner, limit=_PAGE, cursor=cursor)
        for job in page.jobs:
            if job.created_at < since:
                return found
            if job.status is not JobStatus.CANCELLED:
                found.append(job)
        cursor = page.next_cursor
        if cursor is None:
            return found
