"""The embedded backend: everything on one machine, no cloud account.

Jobs and their queue live in one SQLite file, media and subtitles in a folder, and a pool
of worker processes (:mod:`jamak.backends.embedded.pool`) pulls jobs from the queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jamak.backends import Backend
from jamak.backends.embedded.identity import SqliteIdentityStore
from jamak.backends.embedded.launcher import LocalLauncher
from jamak.backends.embedded.objects import LocalObjectStore
from jamak.backends.embedded.store import SqliteJobStore


@dataclass(frozen=True, slots=True)
class EmbeddedConfig:
    """Where the embedded backend keeps everything; picklable, so each worker process of
    the pool opens the same backend from it."""

    data_dir: Path
    max_attempts: int = 3
    busy_timeout_s: float = 10.0  # a SQLite write's wait for another process's lock

    @property
    def db_path(self) -> Path:
        return self.data_dir / "jobs.sqlite3"

    @property
    def objects_dir(self) -> Path:
        return self.data_dir / "objects"


def open_backend(config: EmbeddedConfig) -> Backend:
    """The embedded adapters over ``config.data_dir``, creating its folders."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    store = SqliteJobStore(
        config.db_path, max_attempts=config.max_attempts, busy_timeout_s=config.busy_timeout_s
    )
    return Backend(
        store=store,
        objects=LocalObjectStore(config.objects_dir),
        launcher=LocalLauncher(),
        queue=store,
        identities=SqliteIdentityStore(config.db_path, busy_timeout_s=config.busy_timeout_s),
    )


__all__ = [
    "EmbeddedConfig",
    "LocalLauncher",
    "LocalObjectStore",
    "SqliteIdentityStore",
    "SqliteJobStore",
    "open_backend",
]
