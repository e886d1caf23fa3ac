"""A launcher with nothing to start: workers pull from the store's queue.

It remembers what it was asked, so service tests can check that a job was launched or
cancelled without a real backend.
"""

from __future__ import annotations

import threading

from jamak.jobs.model import Job


class NoopLauncher:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.launched: list[str] = []
        self.cancelled: list[str] = []

    def launch(self, job: Job) -> None:
        with self._lock:
            self.launched.append(job.id)

    def cancel(self, job: Job) -> None:
        with self._lock:
            self.cancelled.append(job.id)


# The name used where the point is that the queue (the store) does the launching.
QueueLauncher = NoopLauncher
