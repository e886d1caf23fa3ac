"""The composition root: the one place that turns Settings into wired adapters.

Nothing is created at import time; entry points call :func:`build_services` once and close
what it returns when they stop.
"""

from __future__ import annotations

from dataclasses import dataclass

from jamak.backends import Backend
from jamak.jobs.ports import JobQueue, JobStore, Launcher, ObjectStore
from jamak.settings import Settings


@dataclass(frozen=True, slots=True)
class Services:
    """The settings and the one backend an entry point runs on."""

    settings: Settings
    backend: Backend

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

    def close(self) -> None:
        self.backend.close()


def build_services(settings: Settings) -> Services:
    """Wire the backend named by ``settings.backend``."""
    return Services(settings=settings, backend=_open_backend(settings))


def _open_backend(settings: Settings) -> Backend:
    if settings.backend == "embedded":
        from jamak.backends.embedded import open_backend

        return open_backend(settings)
    if settings.backend == "aws":
        # Imported only here: boto3 is an optional extra that only AWS deployments install.
        from jamak.backends.aws import open_backend as open_aws_backend

        return open_aws_backend(settings)
    raise ValueError(f"unknown backend {settings.backend!r}")
