"""Backends: the adapters behind :mod:`jamak.jobs.ports`, one package per deployment.

``memory`` holds fakes for tests, ``embedded`` runs everything on one machine (SQLite, local
files, a process pool), ``aws`` uses DynamoDB, S3 and Step Functions + Batch. Each package
exposes ``open_backend(config) -> Backend`` over its own small, frozen config, which only
:mod:`jamak.bootstrap` builds (from the settings) and calls; and the same module names
(``store``, ``objects``, ``launcher``) so they read side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from jamak.jobs.identity import IdentityStore
from jamak.jobs.ports import DirectUploads, JobQueue, JobStore, Launcher, ObjectStore

# How a browser hears about a job's changes: a Server-Sent Events stream, or polling where
# a proxy buffers whole responses (API Gateway) so that a stream would never arrive.
LiveUpdates = Literal["events", "poll"]


@dataclass(frozen=True, slots=True)
class Backend:
    """The adapters of one backend, wired and ready; the caller closes them when done."""

    store: JobStore
    objects: ObjectStore
    launcher: Launcher
    queue: JobQueue | None  # None where work is pushed (AWS) rather than pulled
    direct_uploads: DirectUploads | None = None  # where browsers can reach storage itself
    live_updates: LiveUpdates = "events"
    identities: IdentityStore | None = None  # users and tokens; None: not on this backend yet

    def close(self) -> None:
        """Close the adapters that hold resources (connections, clients)."""
        for part in (self.launcher, self.store, self.objects, self.identities):
            close = getattr(part, "close", None)
            if callable(close):
                close()
