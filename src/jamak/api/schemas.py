"""The JSON shapes of the REST API: pydantic here, and only here, at the HTTP edge.

Inside, jobs are frozen dataclasses (:class:`jamak.jobs.model.Job`); these models turn them
into the public wire format (and back, for upload options), so the wire format can grow new
fields without the domain knowing.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from jamak.asr import catalog
from jamak.asr.speed import DEFAULT_SPEED, SPEEDS, Speed
from jamak.errors import ModelNotOfferedError, SubtitleFormatError
from jamak.jobs.model import DEFAULT_FORMATS, DOCUMENT_OUTPUT, Job, JobOptions, JobStatus
from jamak.jobs.pace import remaining_s
from jamak.jobs.retention import Retention
from jamak.subtitles import formats as subtitle_formats

_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


def job_url(job_id: str) -> str:
    return f"/api/jobs/{job_id}"


def subtitle_url(job_id: str, format_name: str) -> str:
    return f"{job_url(job_id)}/subtitles.{format_name}"


def _timestamp(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, tz=UTC)


def _download_urls(job: Job) -> dict[str, str]:
    """Written formats in the order the user asked for them (the web app shows them so)."""
    known = subtitle_formats.names()
    ordered = [name for name in job.options.formats if name in job.outputs]
    ordered += sorted(name for name in job.outputs if name not in ordered and name in known)
    return {name: subtitle_url(job.id, name) for name in ordered}


def _more_download_urls(job: Job, written: dict[str, str]) -> dict[str, str]:
    """Every other format, written on request from the job's document (a job finished
    before jobs kept one has none)."""
    if DOCUMENT_OUTPUT not in job.outputs:
        return {}
    others = (name for name in subtitle_formats.names() if name not in written)
    return {name: subtitle_url(job.id, name) for name in others}


class ErrorDetail(BaseModel):
    code: str = Field(examples=["job_not_found"])
    message: str


class ErrorOut(BaseModel):
    error: ErrorDetail


class JobOptionsOut(BaseModel):
    model: str
    language: str | None = Field(description="null: detected from the speech")
    task: Literal["transcribe", "translate"] | str
    formats: list[str]
    initial_prompt: str | None
    max_chars_per_line: int | None
    max_lines: int | None
    max_chars_per_s: float | None
    speed: Literal["fast", "balanced", "accurate"] | str = Field(
        DEFAULT_SPEED,
        description="how reads were decoded: `fast` (greedy only), `balanced` (greedy, "
        "beam search where the decoder doubts), `accurate` (beam search throughout)",
    )


class JobLinks(BaseModel):
    self: str
    events: str
    media: str
    cancel: str


class JobOut(BaseModel):
    id: str
    status: JobStatus
    progress: float = Field(ge=0, le=100, description="percent of the audio recognised")
    error: str | None = Field(description="why a failed job failed, for people to read")
    error_kind: str | None = Field(
        None,
        description="what kind of failure, for programs (e.g. to word it in the reader's "
        "language): the class name of jamak's error (`NotMediaError`, `NoAudioStreamError`, "
        "`EmptyMediaError`, `CorruptMediaError`, `MediaLimitError`, `JobTimeLimitError`, "
        "`ModelUnavailableError`, `StorageFullError`...), `InternalError` for a bug, "
        "`WorkerLost` for a job whose worker kept stopping; null unless failed, and for "
        "jobs failed before jamak recorded it. New kinds may appear: treat unknown ones "
        "as a generic failure",
        examples=["NotMediaError"],
    )
    filename: str = Field(description="the uploaded file's name")
    processed_s: float = Field(description="audio seconds recognised so far")
    duration_s: float | None = Field(description="the media's length, once a worker has read it")
    declared_s: float | None = Field(
        default=None,
        description="the length the file's header claimed at upload (embedded backend), "
        "before any worker read it; may be wrong for a damaged file",
    )
    remaining_s: float | None = Field(
        default=None,
        description="about how many seconds a running job has left, at its own pace so far "
        "(early estimates run long: its first seconds load and decode); null unless it is "
        "running and far enough along to tell",
    )
    language: str | None = Field(description="the requested or detected language")
    options: JobOptionsOut
    formats: list[str] = Field(description="requested subtitle formats")
    downloads: dict[str, str] = Field(description="format -> URL, for formats already written")
    more_downloads: dict[str, str] = Field(
        default_factory=dict,
        description="format -> URL, for the other formats of a finished job: written when "
        "downloaded, from the job's transcript, with the job's own line and timing rules",
    )
    links: JobLinks
    attempts: int
    owner: str
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    expires_at: datetime | None = Field(
        default=None,
        description="when this deployment deletes the job and its files, no sooner "
        "(`JAMAK_JOB_RETENTION_DAYS` after it finished; on AWS the stack's JobRetentionDays "
        "after the upload, and AWS may take a day or two more); null: kept until someone "
        "deletes it, or, on the embedded server, not finished yet",
    )

    @classmethod
    def from_job(cls, job: Job, retention: Retention | None = None) -> JobOut:
        """``retention``: the deployment's rule, to say when the job goes (None: kept)."""
        url = job_url(job.id)
        left_s = remaining_s(job, now=time.time())
        return cls(
            id=job.id,
            status=job.status,
            progress=round(min(max(job.progress, 0.0), 100.0), 2),
            error=job.error,
            error_kind=job.error_kind if job.status is JobStatus.FAILED else None,
            filename=job.filename,
            processed_s=job.processed_s,
            duration_s=job.duration_s,
            declared_s=job.declared_s,
            remaining_s=None if left_s is None else round(left_s, 1),
            language=job.language or job.options.language,
            options=JobOptionsOut.model_validate(job.options.to_dict()),
            formats=list(job.options.formats),
            downloads=(written := _download_urls(job)),
            more_downloads=_more_download_urls(job, written),
            links=JobLinks(
                self=url, events=f"{url}/events", media=f"{url}/media", cancel=f"{url}/cancel"
            ),
            attempts=job.attempts,
            owner=job.owner,
            created_at=_timestamp(job.created_at),
            updated_at=_timestamp(job.updated_at),
            started_at=_timestamp(job.started_at),
            finished_at=_timestamp(job.finished_at),
            expires_at=_timestamp(None if retention is None else retention.expires_at(job)),
        )


class JobsCreatedOut(BaseModel):
    jobs: list[JobOut]


class JobPageOut(BaseModel):
    jobs: list[JobOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page")


class UploadOptions(BaseModel):
    """The form fields sent beside the files of ``POST /api/jobs``; all optional."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    model: str | None = Field(None, description="a model name from GET /api/config")
    language: str = Field("auto", description="`auto` to detect, or a code such as `ko`")
    task: Literal["transcribe", "translate"] = "transcribe"
    formats: str = Field(
        ",".join(DEFAULT_FORMATS), description="comma list, e.g. `srt,vtt`, or `all`"
    )
    max_chars_per_line: int | None = Field(None, ge=8, le=200)
    max_lines: int | None = Field(None, ge=1, le=4)
    max_chars_per_s: float | None = Field(None, gt=0, le=100)
    initial_prompt: str | None = Field(None, max_length=1000)
    speed: Speed | None = Field(
        None,
        description="`fast`, `balanced` or `accurate` (see GET /api/config); "
        "default: the server's (`default_speed`)",
    )

    @field_validator("model")
    @classmethod
    def _known_model(cls, value: str | None) -> str | None:
        if value and catalog.lookup(value) is None:
            known = ", ".join(sorted(catalog.CATALOG))
            raise ValueError(f"unknown model {value!r}; known models: {known}")
        return value or None

    @field_validator("language")
    @classmethod
    def _language_code(cls, value: str) -> str:
        value = value.lower() or "auto"
        if value != "auto" and not _LANGUAGE_CODE.match(value):
            raise ValueError("use `auto` or a language code such as `ko` or `en`")
        return value

    @field_validator("formats")
    @classmethod
    def _known_formats(cls, value: str) -> str:
        try:
            return ",".join(subtitle_formats.parse_format_list(value))
        except SubtitleFormatError as err:
            raise ValueError(str(err)) from None

    @field_validator("max_chars_per_line", "max_lines", "max_chars_per_s", mode="before")
    @classmethod
    def _blank_is_default(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("speed", mode="before")
    @classmethod
    def _blank_speed(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("initial_prompt")
    @classmethod
    def _blank_prompt(cls, value: str | None) -> str | None:
        return value or None

    def to_job_options(
        self,
        *,
        default_model: str,
        offered_models: Sequence[str] = (),
        default_speed: Speed = DEFAULT_SPEED,
    ) -> JobOptions:
        """The job's options; a model outside ``offered_models`` (when given) is refused:
        on AWS those are the models baked into the worker image, the only ones it can run.
        A job that names no speed gets the deployment's, stored with it, so a later change of
        ``JAMAK_SPEED`` never changes how a queued job is read."""
        model = self.model or default_model
        if offered_models and model not in offered_models:
            raise ModelNotOfferedError(
                f"model {model!r} is not offered here; choose one of: {', '.join(offered_models)}"
            )
        return JobOptions(
            model=model,
            language=None if self.language == "auto" else self.language,
            task=self.task,
            formats=tuple(self.formats.split(",")),
            initial_prompt=self.initial_prompt,
            max_chars_per_line=self.max_chars_per_line,
            max_lines=self.max_lines,
            max_chars_per_s=self.max_chars_per_s,
            speed=self.speed or default_speed,
        )


class ModelOut(BaseModel):
    name: str
    multilingual: bool
    approx_mb: int


class ConfigOut(BaseModel):
    """What a client needs to build an upload form."""

    models: list[ModelOut]
    default_model: str
    formats: list[str]
    default_formats: list[str]
    max_upload_mb: int
    speeds: list[str] = Field(
        list(SPEEDS),
        description="the speed presets a job may name, fastest first: `fast` (greedy "
        "only), `balanced` (greedy, beam search where the decoder doubts), `accurate` "
        "(beam search throughout)",
    )
    default_speed: str = Field(DEFAULT_SPEED, description="the speed of a job that names none")
    direct_uploads: bool = Field(
        False,
        description="upload through `POST /api/uploads` (presigned URLs straight to the object "
        "store), as API Gateway and Lambda cap request bodies; else `POST /api/jobs`",
    )
    live_updates: Literal["events", "poll"] = Field(
        "events",
        description="follow jobs through `GET /api/jobs/{id}/events`, or by long-polling "
        "`GET /api/jobs/{id}?wait=` where a proxy buffers responses (API Gateway)",
    )
    retention_days: float | None = Field(
        None,
        description="jobs and their files are deleted this many days after `retention_from` "
        "(each job's `expires_at` says when); null: kept until someone deletes them",
    )
    retention_from: Literal["finished", "upload"] | None = Field(
        None, description="what the retention counts from: the job's end, or its upload (AWS)"
    )


class HealthOut(BaseModel):
    status: Literal["ok"] = "ok"


class ReadinessOut(BaseModel):
    status: Literal["ready", "unavailable"]
    checks: dict[str, str] = Field(description="check name -> `ok` or what failed")


class SessionIn(BaseModel):
    token: str = Field(min_length=1, max_length=512, description="an API token")


class SessionOut(BaseModel):
    """Who the page is signed in as; ``csrf`` goes back in ``X-Jamak-CSRF`` on changes."""

    user: str
    admin: bool
    auth_required: bool
    csrf: str | None = None
