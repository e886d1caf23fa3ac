"""The job: one media file on its way to subtitles, and the statuses it may pass through.

Jobs are plain data (JSON-able through :meth:`Job.to_dict` / :meth:`Job.from_dict`) so that
SQLite, DynamoDB and a Step Functions payload can all hold the same thing; no callables, no
pickles. Every status change goes through :func:`check_transition`, so a job never moves
backwards (a late "running" heartbeat can't resurrect a cancelled job).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any

from jamak.asr.options import Task
from jamak.asr.speed import DEFAULT_SPEED, Speed
from jamak.errors import InvalidTransitionError


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STATUSES


TERMINAL_STATUSES = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})

# RUNNING -> QUEUED is the lease expiry path: a worker died and the job goes back to the queue.
ALLOWED_TRANSITIONS: dict[JobStatus, frozenset[JobStatus]] = {
    JobStatus.QUEUED: frozenset({JobStatus.RUNNING, JobStatus.CANCELLED, JobStatus.FAILED}),
    JobStatus.RUNNING: frozenset(
        {JobStatus.QUEUED, JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED}
    ),
    JobStatus.SUCCEEDED: frozenset(),
    JobStatus.FAILED: frozenset(),
    JobStatus.CANCELLED: frozenset(),
}


def check_transition(current: JobStatus, target: JobStatus) -> None:
    if target not in ALLOWED_TRANSITIONS[current]:
        raise InvalidTransitionError(f"a {current} job cannot become {target}")


DEFAULT_FORMATS = ("srt", "vtt", "txt", "tsv", "json")
# Every job keeps a document in this format (its transcript and cues), asked for or not,
# under the DOCUMENT_OUTPUT entry of its outputs: a format chosen after the job ran is
# written from it, with no second run.
DOCUMENT_FORMAT = "json"
DOCUMENT_OUTPUT = "document"


@dataclass(frozen=True, slots=True)
class JobOptions:
    model: str = "base"
    language: str | None = None  # None: detect
    task: Task = "transcribe"  # the recogniser's own type: no string narrowed back later
    formats: tuple[str, ...] = DEFAULT_FORMATS
    initial_prompt: str | None = None
    max_chars_per_line: int | None = None  # None: the language's default rule
    max_lines: int | None = None
    max_chars_per_s: float | None = None
    # How reads are decoded (jamak.asr.speed); a job stored before speeds existed has no
    # such key and reads as the default, which is what its worker would have done since.
    speed: Speed = DEFAULT_SPEED

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["formats"] = list(self.formats)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JobOptions:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if "formats" in known:
            known["formats"] = tuple(known["formats"])
        return cls(**known)


def new_job_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True, slots=True)
class Job:
    id: str
    owner: str
    filename: str  # the name the user uploaded, for display and download names only
    media_key: str  # object-store key of the original media; never derived from filename
    options: JobOptions = field(default_factory=JobOptions)
    status: JobStatus = JobStatus.QUEUED
    progress: float = 0.0  # percent, 0-100
    processed_s: float = 0.0  # audio seconds recognised so far
    duration_s: float | None = None  # measured: once a worker has probed the media
    # What the media's header claimed at submit (embedded backend): the express worker's
    # pick of short jobs, and nothing else; a header may lie, so no quota or limit uses it.
    declared_s: float | None = None
    language: str | None = None
    error: str | None = None
    # The failure's class name (CorruptMediaError, InternalError...): a bounded label for
    # metrics, where ``error`` is free text for people.
    error_kind: str | None = None
    outputs: dict[str, str] = field(default_factory=dict)  # format -> object key
    # A long file transcribed in parts (jamak.jobs.parts): how many (0: not split), and the
    # audio seconds each part has recognised so far (part index -> seconds), which
    # ``processed_s`` and ``progress`` sum, so progress counts every part.
    parts: int = 0
    part_seconds: dict[str, float] = field(default_factory=dict)
    # A part task of a split job in the embedded pool (jamak.jobs.pool_parts): the job it
    # belongs to, and which part. Hidden from listings; the user sees the parent only.
    parent_id: str | None = None
    part_index: int | None = None
    attempts: int = 0
    created_at: float = field(default_factory=time.time)
    updated_at: float = field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None

    def moved_to(self, target: JobStatus, *, now: float | None = None) -> Job:
        """A copy in ``target`` status, with its timestamps kept consistent."""
        check_transition(self.status, target)
        now = time.time() if now is None else now
        changes: dict[str, Any] = {"status": target, "updated_at": now}
        if target is JobStatus.RUNNING:
            changes["started_at"] = now
            changes["attempts"] = self.attempts + 1
        if target.is_terminal:
            changes["finished_at"] = now
        if target is JobStatus.SUCCEEDED:
            changes["progress"] = 100.0
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = str(self.status)
        data["options"] = self.options.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Job:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["status"] = JobStatus(known["status"])
        known["options"] = JobOptions.from_dict(known.get("options") or {})
        known["outputs"] = dict(known.get("outputs") or {})
        known["part_seconds"] = {
            str(k): float(v) for k, v in (known.get("part_seconds") or {}).items()
        }
        return cls(**known)
