"""The composition root: the one place that turns Settings into wired parts.

Entry points (``jamak serve``, ``jamak worker``, ``jamak transcribe``, the Lambda handler,
the Batch container's ``jamak worker run``) build one :class:`Settings`, call a builder here
once, and close what it returns when they stop. Everything below receives plain, frozen
values (:mod:`jamak.bootstrap.configs`) and ports, never the settings; the optional
:class:`~jamak.jobs.ports.DirectUploads` port is handed over as it is or as ``None``, so no
route has to ask an adapter what it is. Nothing is created at import time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from jamak.asr.options import RecognitionOptions
from jamak.backends import Backend, LiveUpdates
from jamak.bootstrap.auth import AuthConfig, AuthSetupError, check_can_serve
from jamak.bootstrap.configs import (
    ApiConfig,
    api_config,
    auth_config,
    aws_config,
    direct_upload_limits,
    embedded_config,
    express_lane,
    job_limits,
    job_retention,
    recognition_defaults,
    recognizer_config,
    submit_limits,
    worker_process_config,
)
from jamak.jobs.direct_uploads import DirectUploadLimits
from jamak.jobs.identity import IdentityStore
from jamak.jobs.ports import DirectUploads, JobQueue, JobStore, Launcher, ObjectStore
from jamak.jobs.quotas import SubmitLimits
from jamak.jobs.recognizers import (
    RecognizerConfig,
    RecognizerFactory,
    model_registry_recognizers,
    open_model_registry,
)
from jamak.jobs.retention import RetentionSweeper, delete_expired_jobs
from jamak.settings import Settings

if TYPE_CHECKING:
    from jamak.asr.registry import ModelRegistry
    from jamak.backends.aws.queue_metrics import QueueSample
    from jamak.backends.embedded.pool import WorkerPool


@dataclass(frozen=True, slots=True)
class Services:
    """One backend's ports, wired, and what the API and a job runner need beside them."""

    backend: Backend
    api: ApiConfig
    upload_limits: DirectUploadLimits
    recognizer_config: RecognizerConfig  # for a RecognizerFactory, where jobs run
    recognition: RecognitionOptions  # the deployment's decoding defaults
    auth: AuthConfig = field(default_factory=lambda: AuthConfig(required=False))  # off: local
    submit_limits: SubmitLimits = field(default_factory=SubmitLimits)  # none: tests

    @property
    def store(self) -> JobStore:
        return self.backend.store

    @property
    def objects(self) -> ObjectStore:
        return self.backend.objects

    @property
    def launcher(self) -> Launcher:
        return self.backend.launcher

    @property
    def queue(self) -> JobQueue | None:
        return self.backend.queue

    @property
    def direct_uploads(self) -> DirectUploads | None:
        return self.backend.direct_uploads

    @property
    def identities(self) -> IdentityStore | None:
        return self.backend.identities

    @property
    def live_updates(self) -> LiveUpdates:
        return self.backend.live_updates

    def close(self) -> None:
        self.backend.close()


def build_services(settings: Settings) -> Services:
    """Wire the backend named by ``settings.backend``."""
    return Services(
        backend=_open_backend(settings),
        api=api_config(settings),
        upload_limits=direct_upload_limits(settings),
        recognizer_config=recognizer_config(settings),
        recognition=recognition_defaults(settings),
        auth=auth_config(settings),
        submit_limits=submit_limits(settings),
    )


def build_identity_store(settings: Settings) -> IdentityStore:
    """Users and tokens alone, for ``jamak users`` and ``jamak tokens``: the embedded
    backend's SQLite file, or the AWS deployment's DynamoDB table."""
    if settings.backend == "embedded":
        from jamak.backends.embedded import SqliteIdentityStore

        settings.data_dir.mkdir(parents=True, exist_ok=True)
        return SqliteIdentityStore(embedded_config(settings).db_path)
    identities = _open_backend(settings).identities
    if identities is None:
        raise AuthSetupError(f"the {settings.backend!r} backend keeps no users")
    return identities


def build_worker_pool(
    settings: Settings,
    *,
    workers: int | None = None,
    recognizer_factory: RecognizerFactory = model_registry_recognizers,
) -> WorkerPool:
    """The embedded backend's pool of worker processes (not started). ``workers``: how
    many (None: ``settings.workers``, and 0 there: as the machine allows)."""
    if settings.backend != "embedded":
        raise ValueError(f"a worker pool needs the embedded backend, not {settings.backend!r}")
    from jamak.backends.embedded.pool import WorkerPool  # process machinery, pool only

    return WorkerPool(
        worker_process_config(settings),
        workers=workers or settings.workers or None,
        express=express_lane(settings),
        recognizer_factory=recognizer_factory,
    )


def build_retention_sweeper(settings: Settings, services: Services) -> RetentionSweeper | None:
    """The embedded deployment's sweeper of finished jobs past ``JAMAK_JOB_RETENTION_DAYS``
    (not started); None where nothing is to be deleted, or the backend deletes by itself
    (AWS: DynamoDB's time to live and the bucket's lifecycle rule)."""
    retention = job_retention(settings)
    if settings.backend != "embedded" or retention is None:
        return None

    def sweep() -> list[str]:
        return delete_expired_jobs(
            store=services.store,
            objects=services.objects,
            launcher=services.launcher,
            retention=retention,
            now=time.time(),
        )

    return RetentionSweeper(sweep)


def build_model_registry(settings: Settings, *, workers: int = 1) -> ModelRegistry:
    """Models for a command that recognises in this process (``jamak transcribe``,
    ``jamak models``); ``workers``: files it recognises at once with one loaded model."""
    return open_model_registry(recognizer_config(settings), workers=workers)


def publish_queue_metrics(settings: Settings, *, now_s: float) -> QueueSample | None:
    """AWS: count the Batch job queue's waiting jobs and publish them to CloudWatch (the
    scheduled sweeper does, every 5 minutes); None where no queue is configured."""
    config = aws_config(settings)
    if settings.backend != "aws" or not config.job_queue_arn:
        return None
    from jamak.backends.aws import clients
    from jamak.backends.aws.queue_metrics import publish_sample, sample_queue

    session = clients.aws_session(config)
    batch = clients.batch_client(config, session)
    cloudwatch = clients.cloudwatch_client(config, session)
    try:
        sample = sample_queue(batch, config.job_queue_arn, now_s=now_s)
        publish_sample(cloudwatch, sample)
    finally:
        batch.close()
        cloudwatch.close()
    return sample


def _open_backend(settings: Settings) -> Backend:
    if settings.backend == "embedded":
        from jamak.backends.embedded import open_backend

        return open_backend(embedded_config(settings))
    if settings.backend == "aws":
        # Imported only here: boto3 is an optional extra that only AWS deployments install.
        from jamak.backends.aws import open_backend as open_aws_backend

        return open_aws_backend(aws_config(settings))
    raise ValueError(f"unknown backend {settings.backend!r}")


__all__ = [
    "ApiConfig",
    "AuthConfig",
    "AuthSetupError",
    "Services",
    "auth_config",
    "aws_config",
    "build_identity_store",
    "build_model_registry",
    "build_services",
    "build_worker_pool",
    "check_can_serve",
    "embedded_config",
    "express_lane",
    "job_limits",
    "publish_queue_metrics",
    "recognizer_config",
    "submit_limits",
    "worker_process_config",
]
