"""The composition root: the one place that turns Settings into wired adapters.

Nothing is created at import time; entry points call :func:`build_services` once and close
what it returns when they stop.
"""

from __future__ import annotations

from dataclasses import dataclass

from jamak.backends import Backend
from jamak.jobs.ports import JobQueue, JobStore, Launcher, ObjectStore
from jamak.settings import Settings


@dataclass
class Services:
    settings: Settings
    store: JobStore
    objects: ObjectStore
    launcher: Launcher
    queue: JobQueue | None  # None where work is pushed (AWS) rather than pulled

    def close(self) -> None:
        for part in (self.launcher, self.store, self.objects):
            close = getattr(part, "close", None)
            if callable(close):
                close()


def build_services(settings: Settings) -> Services:
    """Wire the backend named by ``settings.backend``."""
    backend = _open_backend(settings)
    return Services(
        settings=settings,
        store=backend.store,
        objects=backend.objects,
        launcher=backend.launcher,
        queue=backend.queue,
    )


def _open_backend(settings: Settings) -> Backend:
    if settings.backend == "embedded":
        from jamak.backends.embedded import open_backend

        return open_backend(settings)
    if settings.backend == "aws":
        # Imported only here: boto3 is an optional extra that only AWS deployments install.
        from jamak.backends.aws import open_backend as open_aws_backend

        return open_aws_backend(settings)
    raise ValueError(f"unknown backend {settings.backend!r}")
