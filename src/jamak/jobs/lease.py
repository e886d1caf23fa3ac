"""Keeps a claimed job's lease alive from a background thread while the job runs.

Recognition can hold the main thread for a long time between progress callbacks, so the
lease is renewed on a thread of its own, every third of the lease, to survive one slow
renewal. When a renewal is refused (the job was cancelled, deleted, or given to another
worker after this one looked dead), :attr:`LeaseKeeper.lost` turns true and the runner stops
at its next progress callback.
"""

from __future__ import annotations

import logging
import threading
from types import TracebackType

from jamak.jobs.ports import JobQueue

logger = logging.getLogger(__name__)


class LeaseKeeper:
    def __init__(
        self,
        queue: JobQueue,
        job_id: str,
        worker_id: str,
        *,
        lease_s: float,
        renew_every_s: float | None = None,
    ) -> None:
        self._queue = queue
        self._job_id = job_id
        self._worker_id = worker_id
        self._lease_s = lease_s
        self._renew_every_s = renew_every_s if renew_every_s is not None else lease_s / 3
        self._lost = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._keep, name=f"lease-{job_id[:8]}", daemon=True)

    @property
    def lost(self) -> bool:
        return self._lost.is_set()

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._done.set()
        self._thread.join()

    def _keep(self) -> None:
        while not self._done.wait(self._renew_every_s):
            try:
                renewed = self._queue.renew(self._job_id, self._worker_id, lease_s=self._lease_s)
            except Exception:
                # A busy database is no reason to drop the job; the next renewal may pass.
                logger.warning("could not renew the lease of job %s", self._job_id, exc_info=True)
                continue
            if not renewed:
                logger.info("job %s: lease lost (cancelled, deleted or reclaimed)", self._job_id)
                self._lost.set()
                return
