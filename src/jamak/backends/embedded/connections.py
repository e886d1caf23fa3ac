"""SQLite connections for the embedded stores: one per thread and per process.

The job store and the identity store share one database file and one way of opening it.
A connection is opened on first use in each thread (sqlite3 objects are not for sharing
across threads) and again in a forked child (a SQLite connection must never cross a fork),
and every connection opened is remembered so the store can close them all from any thread.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path


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
