"""Jobs in a dict behind one lock: a JobStore and a JobQueue with the SQLite store's rules.

Useful for tests of the service, the runner and the worker loop in one process (threads),
where a database file would only add noise.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from jamak.errors import JobError, JobNotFoundError
from jamak.jobs.lifecycle import (
    apply_progress,
    apply_transition,
    expire_lease,
    part_failed,
    release_claim,
)
from jamak.jobs.model import Job, JobStatus
from jamak.jobs.paging import check_limit, decode_cursor, encode_cursor, newest_first_key
from jamak.jobs.ports import JobPage, ProgressUpdate


@dataclass(slots=True)
class _Record:
    job: Job
    lease_owner: str | None = None
    lease_expires_at: float | None = None


class InMemoryJobStore:
    def __init__(self, *, max_attempts: int = 3, clock: Callable[[], float] = time.time) -> None:
        self._lock = threading.Lock()
        self._records: dict[str, _Record] = {}
        self._max_attempts = max_attempts
        self._clock = clock

    # --- JobStore ---------------------------------------------------------------------

    def add(self, job: Job) -> None:
        with self._lock:
            if job.id in self._records:
                raise JobError(f"job {job.id} already exists")
            self._records[job.id] = _Record(job)

    def get(self, job_id: str) -> Job:
        with self._lock:
            return self._record(job_id).job

    def list(
        self,
        *,
        owner: str | None = None,
        status: JobStatus | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> JobPage:
        check_limit(limit)
        after = decode_cursor(cursor) if cursor else None
        with self._lock:
            jobs = [
                r.job
                for r in self._records.values()
                if r.job.parent_id is None
                and (owner is None or r.job.owner == owner)
                and (status is None or r.job.status is status)
                and (after is None or newest_first_key(r.job) < after)
            ]
        jobs.sort(key=newest_first_key, reverse=True)
        page = tuple(jobs[:limit])
        more = len(jobs) > limit
        return JobPage(page, encode_cursor(page[-1]) if more else None)

    def transition(
        self,
        job_id: str,
        target: JobStatus,
        *,
        error: str | None = None,
        error_kind: str | None = None,
        outputs: dict[str, str] | None = None,
    ) -> Job:
        with self._lock:
            record = self._record(job_id)
            record.job = apply_transition(
                record.job,
                target,
                now=self._clock(),
                error=error,
                error_kind=error_kind,
                outputs=outputs,
            )
            if target is not JobStatus.RUNNING:
                record.lease_owner = record.lease_expires_at = None
            return record.job

    def record_progress(self, job_id: str, update: ProgressUpdate) -> Job:
        with self._lock:
            record = self._record(job_id)
            record.job = apply_progress(record.job, update, now=self._clock())
            return record.job

    def delete(self, job_id: str) -> None:
        with self._lock:
            self._records.pop(job_id, None)
            for part in [r.job.id for r in self._records.values() if r.job.parent_id == job_id]:
                self._records.pop(part, None)

    # --- JobQueue ---------------------------------------------------------------------

    def claim(
        self, worker_id: str, *, lease_s: float, max_duration_s: float | None = None
    ) -> Job | None:
        """In the SQLite store's order: jobs with no part running first, then fewest parts
        running, then oldest; ``max_duration_s``: whole jobs at most that long (measured, else
        declared)."""
        with self._lock:
            now = self._clock()
            self._expire_leases(now)
            queued = [
                r
                for r in self._records.values()
                if r.job.status is JobStatus.QUEUED and _fits(r.job, max_duration_s)
            ]
            if not queued:
                return None
            running = Counter(
                r.job.parent_id
                for r in self._records.values()
                if r.job.status is JobStatus.RUNNING and r.job.parent_id is not None
            )
            record = min(
                queued,
                key=lambda r: (running[r.job.parent_id or r.job.id], r.job.created_at, r.job.id),
            )
            record.job = apply_transition(record.job, JobStatus.RUNNING, now=now)
            record.lease_owner, record.lease_expires_at = worker_id, now + lease_s
            return record.job

    def renew(self, job_id: str, worker_id: str, *, lease_s: float) -> bool:
        with self._lock:
            record = self._held(job_id, worker_id)
            if record is None:
                return False
            record.lease_expires_at = self._clock() + lease_s
            return True

    def detach(self, job_id: str, worker_id: str) -> bool:
        with self._lock:
            record = self._held(job_id, worker_id)
            if record is None:
                return False
            record.lease_owner = record.lease_expires_at = None
            return True

    def release(self, job_id: str, worker_id: str) -> None:
        with self._lock:
            record = self._held(job_id, worker_id)
            if record is not None:
                record.job = release_claim(record.job, now=self._clock())
                record.lease_owner = record.lease_expires_at = None

    def fail_held(self, job_id: str, worker_id: str, *, error: str, error_kind: str) -> bool:
        with self._lock:
            record = self._held(job_id, worker_id)
            if record is None:
                return False
            now = self._clock()
            record.job = apply_transition(
                record.job, JobStatus.FAILED, now=now, error=error, error_kind=error_kind
            )
            record.lease_owner = record.lease_expires_at = None
            self._fail_parent(record.job, now)
            return True

    # --- helpers ----------------------------------------------------------------------

    def _record(self, job_id: str) -> _Record:
        try:
            return self._records[job_id]
        except KeyError:
            raise JobNotFoundError(f"no job {job_id}") from None

    def _held(self, job_id: str, worker_id: str) -> _Record | None:
        """The job's record while ``worker_id`` holds its lease, else None."""
        record = self._records.get(job_id)
        if record and record.job.status is JobStatus.RUNNING and record.lease_owner == worker_id:
            return record
        return None

    def _expire_leases(self, now: float) -> None:
        for record in self._records.values():
            expires = record.lease_expires_at
            if record.job.status is JobStatus.RUNNING and expires is not None and expires < now:
                record.job = expire_lease(record.job, max_attempts=self._max_attempts, now=now)
                record.lease_owner = record.lease_expires_at = None
                self._fail_parent(record.job, now)

    def _fail_parent(self, part: Job, now: float) -> None:
        """A part task that failed for good fails its split job too."""
        parent = self._records.get(part.parent_id or "")
        if parent is not None and part.status is JobStatus.FAILED:
            parent.job = part_failed(parent.job, part, now=now)


def _fits(job: Job, max_duration_s: float | None) -> bool:
    """Whether an express claim (``max_duration_s`` set) may take ``job``."""
    if max_duration_s is None:
        return True
    length = job.duration_s if job.duration_s is not None else job.declared_s
    return job.parent_id is None and length is not None and length <= max_duration_s
