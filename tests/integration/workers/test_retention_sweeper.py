"""The embedded deployment's retention, as `jamak serve` wires it: a real SQLite store and
media on local disk; a finished job past JAMAK_JOB_RETENTION_DAYS goes, files and all."""

from __future__ import annotations

from pathlib import Path

from jamak.bootstrap import Services, build_retention_sweeper, build_services
from jamak.errors import JobNotFoundError
from jamak.jobs.model import JobStatus
from jamak.jobs.service import cancel_job
from jamak.settings import Settings

from .helpers import submit, wait_for


def _gone(services: Services, job_id: str) -> bool:
    try:
        services.store.get(job_id)
    except JobNotFoundError:
        return True
    return False


def test_a_finished_job_past_the_retention_is_deleted_and_a_waiting_one_kept(
    settings: Settings, tone_bytes: bytes
) -> None:
    # A millisecond: the cancelled job is past it by the time the sweeper starts.
    keeping = settings.model_copy(update={"job_retention_days": 0.001 / 86400})
    services = build_services(keeping)
    try:
        finished = submit(services, tone_bytes)
        cancel_job(store=services.store, launcher=services.launcher, job_id=finished.id)
        waiting = submit(services, tone_bytes)
        media_files = [path for path in Path(keeping.data_dir).rglob("*") if path.is_file()]
        assert any(finished.id in str(path) for path in media_files)

        sweeper = build_retention_sweeper(keeping, services)
        assert sweeper is not None
        with sweeper:
            wait_for(lambda: _gone(services, finished.id), timeout_s=30, what="deletion")

        assert services.store.get(waiting.id).status is JobStatus.QUEUED
        left = [path for path in Path(keeping.data_dir).rglob("*") if path.is_file()]
        assert not any(finished.id in str(path) for path in left)
        assert any(waiting.id in str(path) for path in left)
    finally:
        services.close()


def test_nothing_is_swept_unless_a_retention_is_set(settings: Settings) -> None:
    services = build_services(settings)
    try:
        assert settings.job_retention_days == 0
        assert build_retention_sweeper(settings, services) is None
    finally:
        services.close()
