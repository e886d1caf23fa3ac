"""Settings → the small frozen configs each part below the composition root takes.

The only code below the entry points that reads :class:`~jamak.settings.Settings`: every
adapter, the worker pool and the recognisers get plain values of their own, so that they
can be built in tests without an environment, and so a spawned worker process receives a
picklable description instead of re-reading the settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jamak.asr import catalog
from jamak.asr.kernels import CpuChoices
from jamak.asr.options import RecognitionOptions
from jamak.asr.parts import PartSettings
from jamak.asr.speed import DEFAULT_SPEED, Speed
from jamak.backends.aws.config import AwsConfig
from jamak.backends.embedded import EmbeddedConfig
from jamak.backends.embedded.config import ExpressLane, WorkerProcessConfig
from jamak.bootstrap.auth import SECRET_FILE, AuthConfig, auth_required, load_or_create_secret
from jamak.errors import ModelNotOfferedError, UnknownModelError
from jamak.jobs.direct_uploads import DirectUploadLimits
from jamak.jobs.express import express_time_limit_s
from jamak.jobs.limits import JobLimits, ScratchSpace
from jamak.jobs.quotas import SubmitLimits
from jamak.jobs.recognizers import RecognizerConfig
from jamak.jobs.retention import DAY_S, Retention
from jamak.media import MediaLimits
from jamak.settings import Settings

MIB = 1024 * 1024
# A Batch worker downloads the media from S3, then writes a listening copy (at most about
# the media's size for the formats that need one) and small outputs: twice the media.
AWS_SCRATCH_FACTOR = 2.0


@dataclass(frozen=True, slots=True)
class ApiConfig:
    """What the routes need besides the ports: defaults and limits of this deployment."""

    default_model: str
    max_upload_bytes: int
    poll_interval_s: float  # how often watchers of a job look at the store
    spool_dir: Path  # where multipart uploads land while they arrive (the data disk)
    presign_expiry_s: int  # how long a signed download URL is valid
    # Larger subtitle downloads are redirected to the object store where it signs URLs.
    inline_download_max_bytes: int = 4 * MIB
    rate_limit_per_minute: int = 0  # API requests per user per process; 0: unlimited
    # The models jobs may ask for, the default among them; empty: the whole catalog.
    offered_models: tuple[str, ...] = ()
    # The speed preset of a job that names none (JAMAK_SPEED); the upload form starts on it.
    default_speed: Speed = DEFAULT_SPEED
    # Record each upload's declared length at submit (jamak.jobs.service.submit_job): the
    # embedded queue's express worker claims short jobs by it; on S3 it would cost a
    # second download, and nothing there claims by it.
    read_durations: bool = False
    # How long a finished job is kept, so each job can say when it goes (None: kept).
    retention: Retention | None = None


def job_retention(settings: Settings) -> Retention | None:
    """The deployment's rule for deleting jobs: the embedded sweeper's
    (``JAMAK_JOB_RETENTION_DAYS``, from when a job finished) or AWS's
    (``JAMAK_AWS_JOB_RETENTION_DAYS``, the stack's, from the upload); None: jobs are kept."""
    if settings.backend == "aws":
        days, from_creation = float(settings.aws_job_retention_days), True
    else:
        days, from_creation = settings.job_retention_days, False
    return Retention(days * DAY_S, from_creation=from_creation) if days > 0 else None


def offered_models(settings: Settings) -> tuple[str, ...]:
    """``JAMAK_OFFERED_MODELS`` as names; each must be a catalog model, and the default
    model one of them, or the deployment would offer what it cannot run."""
    names = tuple(dict.fromkeys(n.strip() for n in settings.offered_models.split(",") if n.strip()))
    unknown = [name for name in names if catalog.lookup(name) is None]
    if unknown:
        raise UnknownModelError(
            f"JAMAK_OFFERED_MODELS names {', '.join(unknown)}, not in the catalog "
            f"({', '.join(sorted(catalog.CATALOG))})"
        )
    if names and settings.model not in names:
        raise ModelNotOfferedError(
            f"the default model {settings.model!r} is not in JAMAK_OFFERED_MODELS "
            f"({', '.join(names)})"
        )
    return names


def api_config(settings: Settings) -> ApiConfig:
    return ApiConfig(
        default_model=settings.model,
        max_upload_bytes=settings.max_upload_mb * MIB,
        poll_interval_s=settings.poll_interval_s,
        spool_dir=settings.data_dir / "uploads",
        presign_expiry_s=settings.aws_presign_expiry_s,
        inline_download_max_bytes=settings.aws_inline_download_max_kb * 1024,
        rate_limit_per_minute=max(0, settings.rate_limit_per_minute),
        offered_models=offered_models(settings),
        default_speed=settings.speed,
        read_durations=settings.backend == "embedded",
        retention=job_retention(settings),
    )


def submit_limits(settings: Settings) -> SubmitLimits:
    """Per-user quotas and the queue cap that submits are checked against."""
    return SubmitLimits(
        max_active_jobs_per_user=max(0, settings.max_active_jobs_per_user),
        max_audio_s_per_day=max(0.0, settings.max_audio_hours_per_day * 3600.0),
        max_queued_jobs=max(0, settings.max_queued_jobs),
    )


def direct_upload_limits(settings: Settings) -> DirectUploadLimits:
    return DirectUploadLimits(
        max_upload_bytes=settings.max_upload_mb * MIB,
        multipart_threshold_bytes=settings.aws_multipart_threshold_mb * MIB,
        part_bytes=settings.aws_multipart_part_mb * MIB,
        expires_s=settings.aws_presign_expiry_s,
    )


def recognizer_config(settings: Settings) -> RecognizerConfig:
    return RecognizerConfig(
        model_dir=settings.model_dir,
        device=settings.device,
        compute_type=settings.compute_type,
        cpu_threads=settings.cpu_threads,
        allow_download=settings.allow_download,
        cpu_choices=CpuChoices(settings.ct2_force_cpu_isa, settings.ct2_use_mkl),
    )


def recognition_defaults(settings: Settings) -> RecognitionOptions:
    """The deployment's decoding defaults; each job's own options go over them."""
    return RecognitionOptions(beam_size=settings.beam_size, batch_size=settings.batch_size)


def embedded_config(settings: Settings) -> EmbeddedConfig:
    return EmbeddedConfig(
        data_dir=settings.data_dir,
        max_attempts=settings.max_attempts,
        busy_timeout_s=settings.db_busy_timeout_s,
    )


def aws_config(settings: Settings) -> AwsConfig:
    return AwsConfig(
        region=settings.aws_region,
        profile=settings.aws_profile,
        endpoint_url=settings.aws_endpoint_url,
        bucket=settings.aws_bucket,
        table=settings.aws_table,
        state_machine_arn=settings.aws_state_machine_arn,
        job_queue_arn=settings.aws_job_queue_arn,
        job_retention_days=settings.aws_job_retention_days,
    )


def worker_process_config(settings: Settings) -> WorkerProcessConfig:
    """What each process of the embedded worker pool is started with."""
    return WorkerProcessConfig(
        backend=embedded_config(settings),
        recognizer_config=recognizer_config(settings),
        default_model=settings.model,
        lease_s=settings.lease_s,
        poll_interval_s=settings.poll_interval_s,
        recognition=recognition_defaults(settings),
        limits=job_limits(settings),
        log_level=settings.log_level,
        log_format=settings.log_format,
    )


def express_lane(settings: Settings) -> ExpressLane:
    """The embedded pool's workers for short jobs only."""
    return ExpressLane(
        workers=settings.express_workers,
        max_duration_s=settings.express_max_s,
        time_limit_s=express_time_limit_s(settings.express_max_s),
    )


def job_limits(settings: Settings) -> JobLimits:
    """How much one job may take; a time limit of 0 (or less) means none."""
    factor = settings.scratch_space_factor
    if factor is None:
        factor = AWS_SCRATCH_FACTOR if settings.backend == "aws" else 0.0
    return JobLimits(
        media=MediaLimits(max_duration_s=settings.max_duration_s),
        time_limit_s=settings.job_time_limit_s if settings.job_time_limit_s > 0 else None,
        scratch=ScratchSpace(factor=factor, margin_bytes=settings.scratch_margin_mb * MIB),
        parts=PartSettings(part_s=settings.part_s, min_split_s=settings.split_from_s),
    )


def auth_config(settings: Settings) -> AuthConfig:
    """Whether sign-in is on here; only then is the session key read (or made)."""
    required = auth_required(host=settings.host, mode=settings.auth, insecure=settings.insecure)
    if not required:
        return AuthConfig(required=False)
    shared = settings.session_secret
    return AuthConfig(
        required=True,
        session_secret=shared.get_secret_value().encode()
        if shared is not None
        else load_or_create_secret(settings.data_dir / SECRET_FILE),
        session_max_age_s=settings.session_max_age_s,
    )
