"""Backends: the adapters behind :mod:`jamak.jobs.ports`, one package per deployment.

``memory`` holds fakes for tests, ``embedded`` runs everything on one machine (SQLite, local
files, a process pool), ``aws`` uses DynamoDB, S3 and Step Functions + Batch. Each package
exposes ``open_backend(settings) -> Backend``, which :mod:`jamak.bootstrap` calls, and the
same module names (``store``, ``objects``, ``launcher``) so they read side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

from jamak.jobs.ports import JobQueue, JobStore, Launcher, ObjectStore


@dataclass(frozen=True, slots=True)
class Backend:
    """The adapters of one backend, wired and ready; the caller closes them when done."""

    store: JobStore
    objects: ObjectStore
    launcher: Launcher
    queue: JobQueue | None  # None where work is pushed (AWS) rather than pulled

    def close(self) -> None:
        """Close the adapters that hold resources (connections, clients)."""
        for part in (self.launcher, self.store, self.objects):
            close = getattr(part, "close", None)
            if callable(close):
                close()
