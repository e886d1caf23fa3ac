"""Jobs in one SQLite file: the embedded deployment's JobStore and its work queue at once.

Several worker processes and the API share the file, so every connection uses WAL (readers
never block the writer) and a busy timeout, each thread and process opens its own
connection, and every read-modify-write runs inside ``BEGIN IMMEDIATE``, which takes the
write lock up front: two workers can't both see the same queued job, and a status change is
decided against the status actually stored.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from jamak.backends.embedded.connections import SqliteConnections, translate_errors
from jamak.backends.embedded.schema import migrate
from jamak.errors import JobError, JobNotFoundError
from jamak.jobs.lifecycle import (
    apply_progress,
    apply_transition,
    expire_lease,
    part_failed,
    release_claim,
)
from jamak.jobs.model import Job, JobStatus
from jamak.jobs.paging import check_limit, decode_cursor, encode_cursor
from jamak.jobs.ports import JobPage, ProgressUpdate

_RUNNING = str(JobStatus.RUNNING)
_QUEUED = str(JobStatus.QUEUED)


class SqliteJobStore:
    def __init__(
        self,
        path: Path,
        *,
        max_attempts: int = 3,
        busy_timeout_s: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._path = Path(path)
        self._max_attempts = max_attempts
        self._clock = clock
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._connections = SqliteConnections(self._path, busy_timeout_s=busy_timeout_s)
        migrate(self._connection())

    # --- JobStore ---------------------------------------------------------------------

    @translate_errors
    def add(self, job: Job) -> None:
        try:
            with self._write() as db:
                db.execute(
                    "INSERT INTO jobs (id, owner, status, created_at, data) VALUES (?, ?, ?, ?, ?)",
                    (job.id, job.owner, str(job.status), job.created_at, _dump(job)),
                )
        except sqlite3.IntegrityError:
            raise JobError(f"job {job.id} already exists") from None

    @translate_errors
    def get(self, job_id: str) -> Job:
        row = self._connection().execute("SELECT data FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise JobNotFoundError(f"no job {job_id}")
        return _load(row[0])

    @translate_errors
    def list(
        self,
        *,
        owner: str | None = None,
        status: JobStatus | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> JobPage:
        check_limit(limit)
        # Part tasks of split jobs (jamak.jobs.pool_parts) are the pool's, not the user's.
        where: list[str] = ["json_extract(data, '$.parent_id') IS NULL"]
        params: list[str | float] = []
        if owner is not None:
            where.append("owner = ?")
            params.append(owner)
        if status is not None:
            where.append("status = ?")
            params.append(str(status))
        if cursor:
            created_at, job_id = decode_cursor(cursor)
            where.append("(created_at < ? OR (created_at = ? AND id < ?))")
            params += [created_at, created_at, job_id]
        rows = (
            self._connection()
            .execute(
                f"SELECT data FROM jobs WHERE {' AND '.join(where)} "
                "ORDER BY created_at DESC, id DESC LIMIT ?",
                (*params, limit + 1),
            )
            .fetchall()
        )
        jobs = tuple(_load(row[0]) for row in rows[:limit])
        return JobPage(jobs, encode_cursor(jobs[-1]) if len(rows) > limit else None)

    @translate_errors
    def transition(
        self,
        job_id: str,
        target: JobStatus,
        *,
        error: str | None = None,
        error_kind: str | None = None,
        outputs: dict[str, str] | None = None,
    ) -> Job:
        with self._write() as db:
            job = apply_transition(
                self._get_for_update(db, job_id),
                target,
                now=self._clock(),
                error=error,
                error_kind=error_kind,
                outputs=outputs,
            )
            keep_lease = target is JobStatus.RUNNING
            db.execute(
                "UPDATE jobs SET status = ?, data = ?, "
                "lease_owner = CASE WHEN ? THEN lease_owner END, "
                "lease_expires_at = CASE WHEN ? THEN lease_expires_at END WHERE id = ?",
                (str(job.status), _dump(job), keep_lease, keep_lease, job_id),
            )
            return job

    @translate_errors
    def record_progress(self, job_id: str, update: ProgressUpdate) -> Job:
        with self._write() as db:
            stored = self._get_for_update(db, job_id)
            job = apply_progress(stored, update, now=self._clock())
            if job is not stored:
                db.execute("UPDATE jobs SET data = ? WHERE id = ?", (_dump(job), job_id))
            return job

    @translate_errors
    def delete(self, job_id: str) -> None:
        with self._write() as db:
            db.execute(
                "DELETE FROM jobs WHERE id = ? OR json_extract(data, '$.parent_id') = ?",
                (job_id, job_id),
            )

    # --- JobQueue ---------------------------------------------------------------------

    @translate_errors
    def claim(
        self, worker_id: str, *, lease_s: float, max_duration_s: float | None = None
    ) -> Job | None:
        """The next queued job, fairly: first the jobs none of whose parts is running (a
        short job is not queued behind every part of a long one), then the jobs with the
        fewest parts running (two long jobs share the workers), then the oldest.
        ``max_duration_s``: only whole jobs of at most that length, measured or else declared
        by the header (the express lane); one of unknown length is never short."""
        now = self._clock()
        if not self._anything_to_claim(now, max_duration_s):
            return None
        with self._write() as db:
            self._expire_leases(db, now)
            short, params = _short_only(max_duration_s)
            row = db.execute(
                f"SELECT data FROM jobs AS q WHERE status = ?{short} "
                "ORDER BY (SELECT COUNT(*) FROM jobs AS r WHERE r.status = ? "
                "AND r.parent_id = coalesce(q.parent_id, q.id)), created_at, id LIMIT 1",
                (_QUEUED, *params, _RUNNING),
            ).fetchone()
            if row is None:
                return None
            job = apply_transition(_load(row[0]), JobStatus.RUNNING, now=now)
            db.execute(
                "UPDATE jobs SET status = ?, data = ?, lease_owner = ?, lease_expires_at = ? "
                "WHERE id = ?",
                (str(job.status), _dump(job), worker_id, now + lease_s, job.id),
            )
            return job

    @translate_errors
    def renew(self, job_id: str, worker_id: str, *, lease_s: float) -> bool:
        with self._write() as db:
            cursor = db.execute(
                "UPDATE jobs SET lease_expires_at = ? "
                "WHERE id = ? AND status = ? AND lease_owner = ?",
                (self._clock() + lease_s, job_id, _RUNNING, worker_id),
            )
            return cursor.rowcount == 1

    @translate_errors
    def detach(self, job_id: str, worker_id: str) -> bool:
        with self._write() as db:
            cursor = db.execute(
                "UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL "
                "WHERE id = ? AND status = ? AND lease_owner = ?",
                (job_id, _RUNNING, worker_id),
            )
            return cursor.rowcount == 1

    @translate_errors
    def release(self, job_id: str, worker_id: str) -> None:
        with self._write() as db:
            job = self._held(db, job_id, worker_id)
            if job is not None:
                self._save_unleased(db, release_claim(job, now=self._clock()))

    @translate_errors
    def fail_held(self, job_id: str, worker_id: str, *, error: str, error_kind: str) -> bool:
        with self._write() as db:
            job = self._held(db, job_id, worker_id)
            if job is None:
                return False
            now = self._clock()
            failed = apply_transition(
                job, JobStatus.FAILED, now=now, error=error, error_kind=error_kind
            )
            self._save_unleased(db, failed)
            self._fail_parent(db, failed, now)
            return True

    @translate_errors
    def reclaim_expired(self) -> int:
        """Settle every job whose lease ran out (claims do this too); returns how many."""
        with self._write() as db:
            return self._expire_leases(db, self._clock())

    def close(self) -> None:
        """Close every connection this store opened, in any thread."""
        self._connections.close()

    # --- helpers ----------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        return self._connections.get()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        db = self._connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    @staticmethod
    def _held(db: sqlite3.Connection, job_id: str, worker_id: str) -> Job | None:
        """The job while ``worker_id`` holds its lease, else None."""
        row = db.execute(
            "SELECT data FROM jobs WHERE id = ? AND status = ? AND lease_owner = ?",
            (job_id, _RUNNING, worker_id),
        ).fetchone()
        return None if row is None else _load(row[0])

    @staticmethod
    def _get_for_update(db: sqlite3.Connection, job_id: str) -> Job:
        row = db.execute("SELECT data FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise JobNotFoundError(f"no job {job_id}")
        return _load(row[0])

    def _anything_to_claim(self, now: float, max_duration_s: float | None) -> bool:
        """A cheap read first, so idle workers polling don't take the write lock (nor an
        express worker while only long jobs wait)."""
        short, params = _short_only(max_duration_s)
        row = (
            self._connection()
            .execute(
                f"SELECT 1 FROM jobs WHERE (status = ?{short}) "
                "OR (status = ? AND lease_expires_at < ?) LIMIT 1",
                (_QUEUED, *params, _RUNNING, now),
            )
            .fetchone()
        )
        return row is not None

    def _expire_leases(self, db: sqlite3.Connection, now: float) -> int:
        rows = db.execute(
            "SELECT data FROM jobs WHERE status = ? AND lease_expires_at < ?", (_RUNNING, now)
        ).fetchall()
        for (data,) in rows:
            job = expire_lease(_load(data), max_attempts=self._max_attempts, now=now)
            self._save_unleased(db, job)
            self._fail_parent(db, job, now)
        return len(rows)

    def _fail_parent(self, db: sqlite3.Connection, part: Job, now: float) -> None:
        """A part task that failed for good fails its split job too."""
        if part.parent_id is None or part.status is not JobStatus.FAILED:
            return
        row = db.execute("SELECT data FROM jobs WHERE id = ?", (part.parent_id,)).fetchone()
        if row is not None:
            self._save_unleased(db, part_failed(_load(row[0]), part, now=now))

    @staticmethod
    def _save_unleased(db: sqlite3.Connection, job: Job) -> None:
        db.execute(
            "UPDATE jobs SET status = ?, data = ?, lease_owner = NULL, lease_expires_at = NULL "
            "WHERE id = ?",
            (str(job.status), _dump(job), job.id),
        )


def _short_only(max_duration_s: float | None) -> tuple[str, tuple[float, ...]]:
    """The claim's extra condition for an express worker, and its parameters: a whole job
    (no part task) whose length is known and at most ``max_duration_s``: the length a worker
    measured once it has (a header may lie), else the one the header declared."""
    if max_duration_s is None:
        return "", ()
    return (
        " AND parent_id IS NULL AND coalesce(json_extract(data, '$.duration_s'), declared_s) <= ?",
        (max_duration_s,),
    )


def _dump(job: Job) -> str:
    return json.dumps(job.to_dict(), separators=(",", ":"))


def _load(data: str) -> Job:
    return Job.from_dict(json.loads(data))
