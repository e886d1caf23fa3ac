"""Finished jobs are deleted, files and all, once they are older than the deployment keeps
them.

On AWS, DynamoDB's time to live and the bucket's lifecycle rule do it (the foundation
stack's ``JobRetentionDays``). The embedded deployment has neither, so a server a team
shares would keep every upload it was ever sent until its disk is full; ``jamak serve``
sweeps instead, on a thread of its own (:class:`RetentionSweeper`).

Only finished jobs go (succeeded, failed or cancelled), counted from when they finished: a
six-hour file queued behind others is never deleted while it waits or runs. Either way the
rule is one :class:`Retention`, so the API can tell each job's owner when it goes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Literal

from jamak.errors import JobNotFoundError
from jamak.jobs.model import Job
from jamak.jobs.paging import MAX_PAGE_SIZE
from jamak.jobs.ports import JobStore, Launcher, ObjectStore
from jamak.jobs.service import delete_job

logger = logging.getLogger(__name__)

DAY_S = 24 * 60 * 60.0
SWEEP_EVERY_S = 60 * 60.0  # an hour: retention is counted in days


@dataclass(frozen=True, slots=True)
class Retention:
    """How long a deployment keeps a job, files and all, and from when it counts.

    ``from_creation``: AWS counts from the upload (DynamoDB's time to live is set when the
    record is written, and S3's lifecycle rule counts from each object's creation); the
    embedded sweeper counts from when the job finished."""

    keep_s: float
    from_creation: bool = False

    @property
    def days(self) -> float:
        return self.keep_s / DAY_S

    @property
    def counted_from(self) -> Literal["finished", "upload"]:
        return "upload" if self.from_creation else "finished"

    def expires_at(self, job: Job) -> float | None:
        """When ``job`` is due to be deleted (epoch seconds); None while the embedded rule
        has nothing to count from (the job has not finished). A job that ended before
        jamak recorded when counts from its last change."""
        if self.from_creation:
            return job.created_at + self.keep_s
        if not job.status.is_terminal:
            return None
        ended = job.finished_at if job.finished_at is not None else job.updated_at
        return ended + self.keep_s

    def expired(self, job: Job, now: float) -> bool:
        expires_at = self.expires_at(job)
        return expires_at is not None and expires_at < now


def delete_expired_jobs(
    *, store: JobStore, objects: ObjectStore, launcher: Launcher, retention: Retention, now: float
) -> list[str]:
    """Delete every job ``retention`` says has expired by ``now``, whoever owns it; returns
    their ids. The ids are gathered before any is deleted, so the pages read are the pages
    that were there."""
    expired: list[str] = []
    cursor: str | None = None
    while True:
        page = store.list(limit=MAX_PAGE_SIZE, cursor=cursor)
        expired.extend(job.id for job in page.jobs if retention.expired(job, now))
        cursor = page.next_cursor
        if cursor is None:
            break
    deleted = []
    for job_id in expired:
        try:
            delete_job(store=store, objects=objects, launcher=launcher, job_id=job_id)
        except JobNotFoundError:
            continue  # deleted by its owner meanwhile
        deleted.append(job_id)
    if deleted:
        logger.info("deleted %d job(s) past their %g days", len(deleted), retention.days)
    return deleted


class RetentionSweeper:
    """Runs ``sweep`` at start and every ``every_s`` after, on a daemon thread, until
    stopped (or the ``with`` block ends). A sweep that fails is logged and tried again at
    the next turn: a locked database or a full disk must not end the server."""

    def __init__(self, sweep: Callable[[], object], *, every_s: float = SWEEP_EVERY_S) -> None:
        self._sweep = sweep
        self._every_s = every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="retention", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop after the sweep under way, if any."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def __enter__(self) -> RetentionSweeper:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(self) -> None:
        while True:
            try:
                self._sweep()
            except Exception:
                logger.exception("could not delete expired jobs; trying again later")
            if self._stop.wait(self._every_s):
                return
