"""The ports jobs go through, so services never know which backend holds them.

Embedded (SQLite, local files, a process pool) and AWS (DynamoDB, S3, Step Functions + Batch)
adapters implement the same small protocols; ``jamak.backends.memory`` holds fakes for tests.
:class:`DirectUploads` is optional: the composition root hands it over where the object
store can sign URLs for browsers (S3), and ``None`` elsewhere, so no caller has to ask an
adapter what it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

from jamak.jobs.model import Job, JobStatus


@dataclass(frozen=True, slots=True)
class JobPage:
    jobs: tuple[Job, ...]
    next_cursor: str | None  # opaque; pass back to list() for the next page


@dataclass(frozen=True, slots=True)
class ProgressUpdate:
    progress: float  # percent, 0-100
    processed_s: float
    duration_s: float | None = None
    language: str | None = None
    # A part's report (jamak.jobs.parts): processed_s is that part's own; the job's is the
    # sum over its parts.
    part: int | None = None
    parts: int | None = None  # the planner's report: the job is split into this many


class JobStore(Protocol):
    """Durable job records. Status changes are conditional: they never go backwards."""

    def add(self, job: Job) -> None: ...

    def get(self, job_id: str) -> Job:
        """Raises :class:`jamak.errors.JobNotFoundError`."""
        ...

    def list(
        self,
        *,
        owner: str | None = None,
        status: JobStatus | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> JobPage:
        """Newest first."""
        ...

    def transition(
        self,
        job_id: str,
        target: JobStatus,
        *,
        error: str | None = None,
        error_kind: str | None = None,
        outputs: dict[str, str] | None = None,
    ) -> Job:
        """Move to ``target`` if the lifecycle allows it from the *stored* status, atomically.

        Raises :class:`jamak.errors.InvalidTransitionError` otherwise (for instance when the
        job was cancelled meanwhile), so a stale worker can't overwrite a newer status.
        """
        ...

    def record_progress(self, job_id: str, update: ProgressUpdate) -> Job:
        """Store progress of a running job; returns the stored job (its status tells a
        runner whether it was cancelled meanwhile)."""
        ...

    def delete(self, job_id: str) -> None: ...


class JobQueue(Protocol):
    """Work distribution for backends where workers pull jobs (the embedded one).

    A claim is a lease: the worker renews it while working; a job whose lease expired is
    handed out again (up to a retry limit) so a killed worker loses nothing.
    """

    def claim(
        self, worker_id: str, *, lease_s: float, max_duration_s: float | None = None
    ) -> Job | None:
        """The next queued job, leased to ``worker_id``; None when there is none.

        Jobs none of whose part tasks is running come first, so a short job is not queued
        behind every part of a long one. ``max_duration_s`` (an express worker): only whole
        jobs whose length is known and at most that (``duration_s`` once a worker measured
        it, else ``declared_s``), never a part task."""
        ...

    def renew(self, job_id: str, worker_id: str, *, lease_s: float) -> bool:
        """False when the lease is no longer this worker's (reclaimed, cancelled, deleted)."""
        ...

    def detach(self, job_id: str, worker_id: str) -> bool:
        """Keep the job running with no lease (nothing will reclaim it): a split job, whose
        part tasks carry it now, each under its own lease. False when the lease is no
        longer this worker's."""
        ...

    def release(self, job_id: str, worker_id: str) -> None: ...

    def fail_held(self, job_id: str, worker_id: str, *, error: str, error_kind: str) -> bool:
        """Fail a running job still leased to ``worker_id``, a worker stopped from outside
        (its job outlived the time limit inside one call), and the split job it is a part
        of, at once: left to its lease, it would be handed out again to hang once more.
        False when the lease is no longer that worker's."""
        ...


class ObjectStore(Protocol):
    """Blobs (media and subtitle outputs) by key. Writes are atomic: a reader sees the old
    object or the new one, never half of one."""

    def put_file(self, key: str, source: BinaryIO) -> int:
        """Stream ``source`` into ``key``; returns the byte count."""
        ...

    def put_bytes(self, key: str, data: bytes) -> None: ...

    def open(self, key: str) -> BinaryIO:
        """Raises :class:`jamak.errors.ObjectNotFoundError`."""
        ...

    def local_path(self, key: str) -> AbstractContextManager[Path]:
        """A local file with the object's bytes for the ``with`` block: the file itself for
        local storage, a temporary download for S3."""
        ...

    def size(self, key: str) -> int: ...

    def delete_prefix(self, prefix: str) -> None: ...

    def check_writable(self) -> None:
        """Raise unless a new object could be stored now: the readiness probe's question.

        It writes a few bytes under a name of its own and removes them, without the
        durability a real write pays for (an fsync per probe let a busy disk hold the
        readiness answer past its latency budget), so probes may run side by side."""
        ...


class Launcher(Protocol):
    """Starts work for a newly created job: wakes local workers, or starts a Step Functions
    execution named after the job id (so a repeated start is harmless)."""

    def launch(self, job: Job) -> None: ...

    def cancel(self, job: Job) -> None: ...


@runtime_checkable
class TrackedLauncher(Launcher, Protocol):
    """A launcher that can tell whether a job's work was ever started (AWS: whether its
    Step Functions execution exists), so a sweeper can restart the jobs whose start was
    lost. Local launchers need none: their workers poll the store."""

    def is_started(self, job: Job) -> bool: ...


@dataclass(frozen=True, slots=True)
class PresignedPart:
    number: int  # 1-based, as S3 numbers parts
    url: str


@dataclass(frozen=True, slots=True)
class MultipartUpload:
    key: str
    upload_id: str
    part_size_bytes: int  # every part but the last has exactly this size
    parts: tuple[PresignedPart, ...]


@dataclass(frozen=True, slots=True)
class UploadedPart:
    number: int
    etag: str  # the ETag header the object store answered the part's PUT with


class DirectUploads(Protocol):
    """Browsers move media straight to and from the object store through signed URLs.

    On AWS a request through API Gateway and Lambda carries a few megabytes at most, far
    below a film, so the bytes must not pass through the API.

    Upload URLs are signed for the exact number of bytes announced (the whole file, or each
    part), so the object store itself refuses a body of any other length: the upload limit
    is checked before signing and cannot be outrun by sending more.
    """

    def presign_put(self, key: str, *, size_bytes: int, expires_s: int) -> str: ...

    def presign_multipart(
        self, key: str, *, size_bytes: int, part_size_bytes: int, expires_s: int
    ) -> MultipartUpload: ...

    def presign_parts(
        self,
        key: str,
        upload_id: str,
        *,
        size_bytes: int,
        part_size_bytes: int,
        expires_s: int,
        part_numbers: Sequence[int] = (),
    ) -> MultipartUpload:
        """Sign the parts of a multipart upload already started again, each for its exact
        length (``part_numbers``: only those; empty: all), for a browser whose URLs expired
        before a slow upload reached them."""
        ...

    def complete_multipart(
        self, key: str, upload_id: str, parts: Sequence[UploadedPart]
    ) -> None: ...

    def abort_multipart(self, key: str, upload_id: str) -> None: ...

    def presign_get(
        self,
        key: str,
        *,
        expires_s: int,
        download_name: str | None = None,
        content_type: str | None = None,
    ) -> str: ...

    def browser_origin(self) -> str:
        """Where browsers send and fetch the bytes (``https://host``), for the web page's
        content security policy."""
        ...
