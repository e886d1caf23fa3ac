"""The embedded backend: everything on one machine, no cloud account.

Jobs and their queue live in one SQLite file, media and subtitles in a folder, and a pool
of worker processes (:mod:`jamak.backends.embedded.pool`) pulls jobs from the queue.
"""

from __future__ import annotations

from jamak.backends import Backend
from jamak.backends.embedded.launcher import LocalLauncher
from jamak.backends.embedded.objects import LocalObjectStore
from jamak.backends.embedded.store import SqliteJobStore
from jamak.settings import Settings


def open_backend(settings: Settings) -> Backend:
    """The embedded adapters over ``settings.data_dir``, creating its folders."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = SqliteJobStore(settings.db_path, max_attempts=settings.max_attempts)
    return Backend(
        store=store,
        objects=LocalObjectStore(settings.objects_dir),
        launcher=LocalLauncher(),
        queue=store,
    )


__all__ = ["LocalLauncher", "LocalObjectStore", "SqliteJobStore", "open_backend"]
