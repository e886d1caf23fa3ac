"""SQLite connections for the embedded stores: one per thread and per process.

The job store and the identity store share one database file and one way of opening it.
A connection is opened on first use in each thread (sqlite3 objects are not for sharing
across threads) and again in a forked child (a SQLite connection must never cross a fork),
and every connection opened is remembered so the store can close them all from any thread.

SQLite's own failures that are not the caller's fault (the file locked past the busy
timeout, the disk full) leave the stores as jamak's errors through :func:`translate_errors`,
so the API answers 503 or 507 and a worker backs off, instead of a 500 or a dead loop.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

from jamak.errors import BackendBusyError, StorageFullError

_P = ParamSpec("_P")
_R = TypeVar("_R")

# SQLite's primary result codes (the low byte of an extended code).
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_FULL = 5, 6, 13


class SqliteConnections:
    def __init__(self, path: Path, *, busy_timeout_s: float) -> None:
        self._path = path
        self._busy_timeout_s = busy_timeout_s
        self._local = threading.local()
        self._lock = threading.Lock()
        self._opened: list[sqlite3.Connection] = []

    def get(self) -> sqlite3.Connection:
        """This thread's connection, in autocommit mode: transactions are explicit."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is not None and self._local.pid == os.getpid():
            return connection
        connection = sqlite3.connect(
            self._path,
            timeout=self._busy_timeout_s,
            isolation_level=None,
            check_same_thread=False,  # only so close() may close it from another thread
        )
        connection.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_s * 1000)}")
        connection.execute("PRAGMA journal_mode = WAL")
        # NORMAL is durable in WAL mode except for the last commits on power loss.
        connection.execute("PRAGMA synchronous = NORMAL")
        self._local.connection, self._local.pid = connection, os.getpid()
        with self._lock:
            self._opened.append(connection)
        return connection

    def close(self) -> None:
        """Close every connection opened, in any thread."""
        with self._lock:
            opened, self._opened = self._opened, []
        for connection in opened:
            connection.close()
        self._local = threading.local()


def translate_errors(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """Wrap a store method so a locked or full database raises jamak's error for it.

    Everything else (a constraint, a bug in a query) passes through unchanged."""

    @functools.wraps(method)
    def translated(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(*args, **kwargs)
        except sqlite3.OperationalError as err:
            code = _primary_code(err)
            if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
                raise BackendBusyError(
                    "The job database is busy (locked by another process); "
                    "nothing was changed, try again in a moment."
                ) from err
            if code == _SQLITE_FULL:
                raise StorageFullError(
                    "The server's disk is full: the job database could not be written."
                ) from err
            raise

    return translated


def _primary_code(err: sqlite3.OperationalError) -> int | None:
    code = getattr(err, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF
    message = str(err).lower()  # Python builds without the attribute
    if "locked" in message or "busy" in message:
        return _SQLITE_BUSY
    return _SQLITE_FULL if "full" in message else None
