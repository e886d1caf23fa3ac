"""The pool's last word on a job that outlives its time limit inside one call.

A job's time limit is checked at its progress reports (:mod:`jamak.jobs.progress_reporter`),
so a job stuck inside one native call (a demuxer spinning on a damaged file, an engine that
never returns) reports nothing, while its lease keeper, on a thread of its own, goes on
renewing its lease: it would hold its worker, and stay "running", for good. So each worker
process posts which job it runs and since when, and the pool's watcher, in the parent, stops
a worker whose job has run past the limit by more than a grace, then fails the job (and the
split job it is a part of) with the time-limit message. Left to its lease instead, the job
would be handed out again, to hang once more on another worker.

The grace leaves the normal way to the worker: a job that reports progress fails at its
next report after the limit, cleanly, and the watcher never has to step in.

One clock per worker in shared memory, written only by its own process and without a lock
(as :mod:`jamak.backends.embedded.busy`): a worker killed mid-write must not leave a lock
that the parent then waits on.
"""

from __future__ import annotations

import ctypes
import time
from multiprocessing.context import SpawnContext
from typing import Any

# Five minutes past the limit: longer than any single step between two progress reports
# (decoding a six-hour file whole, merging a split job's parts), so only a hang reaches it.
OVERDUE_GRACE_S = 300.0

_JOB_ID_BYTES = 64  # job ids are 32 hex digits; part tasks add a suffix


class JobClock:
    """Which job one worker runs, and since when (``time.monotonic``, one clock for every
    process of the machine), or nothing."""

    def __init__(self, context: SpawnContext) -> None:
        self._job_id: Any = context.RawArray(ctypes.c_char, _JOB_ID_BYTES)
        self._started_s: Any = context.RawValue(ctypes.c_double, 0.0)

    def start(self, job_id: str) -> None:
        """Called by the worker when it takes ``job_id``. The job is written before its
        start, so a reader that sees a start sees its job."""
        self._started_s.value = 0.0
        self._job_id.value = job_id.encode("ascii")[: _JOB_ID_BYTES - 1]
        self._started_s.value = time.monotonic()

    def stop(self) -> None:
        """Called by the worker when it is done with its job, whatever the outcome."""
        self._started_s.value = 0.0

    def overdue(self, limit_s: float, *, now: float | None = None) -> str | None:
        """The job this worker has run for longer than ``limit_s``, else None."""
        started = self._started_s.value
        if not started or (now if now is not None else time.monotonic()) - started <= limit_s:
            return None
        job_id = bytes(self._job_id.value).decode("ascii")
        # The worker may have moved on while the id was read: then this is not its job.
        return job_id if self._started_s.value == started else None
