"""The pull loop of one worker: claim a job, run it under a kept-alive lease, repeat.

It knows only the ports, so the embedded pool runs it over SQLite in each process and tests
run it over the in-memory backend in a thread. Shutdown is cooperative: ``stop`` makes the
running job stop at its next progress callback, and the job goes back to the queue with
its attempt refunded, for another worker (or the next start) to pick up.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jamak.asr.options import RecognitionOptions
from jamak.errors import BackendBusyError
from jamak.jobs.express import EXPRESS_OVERRUN
from jamak.jobs.lease import LeaseKeeper
from jamak.jobs.limits import JobLimits
from jamak.jobs.model import Job, JobStatus
from jamak.jobs.pool_parts import run_part_task, spread_job
from jamak.jobs.ports import JobQueue, JobStore, ObjectStore
from jamak.jobs.recognizers import RecognizerProvider
from jamak.jobs.runner import run_job
from jamak.logs import log_context

logger = logging.getLogger(__name__)

# After an unexpected error in the loop itself (say, the database briefly unavailable).
_ERROR_BACKOFF_S = 2.0


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    """Who this worker is, how long its leases last, the deployment's decoding defaults,
    and how much one job may take."""

    worker_id: str
    lease_s: float = 30.0
    poll_interval_s: float = 0.5
    recognition: RecognitionOptions = field(default_factory=RecognitionOptions)
    limits: JobLimits = field(default_factory=JobLimits)
    # Spread a long job over the pool as part tasks (jamak.jobs.pool_parts): worth it only
    # where other workers can take the parts, i.e. a pool of more than one.
    split: bool = False
    # An express worker: claim only whole jobs whose length (measured, else declared) is at
    # most this, and hand back one found far longer (EXPRESS_OVERRUN).
    max_duration_s: float | None = None

    @property
    def hand_back_above_s(self) -> float | None:
        return None if self.max_duration_s is None else self.max_duration_s * EXPRESS_OVERRUN


class QueueWorker:
    def __init__(
        self,
        *,
        store: JobStore,
        queue: JobQueue,
        objects: ObjectStore,
        recognizers: RecognizerProvider,
        config: WorkerConfig,
        on_job: Callable[[str | None], None] | None = None,
    ) -> None:
        """``on_job``: told the job's id when this worker takes a job, and None when it is
        done with it (a pool's workers share what their cores are doing, and the pool
        watches how long each job runs)."""
        self._store = store
        self._queue = queue
        self._objects = objects
        self._recognizers = recognizers
        self._config = config
        self._on_job = on_job or (lambda job_id: None)

    def serve(self, stop: threading.Event) -> None:
        """Run jobs until ``stop`` is set; returns once the current job is settled."""
        logger.info("worker %s: waiting for jobs", self._config.worker_id)
        while not stop.is_set():
            try:
                job = self.run_next(stop)
            except BackendBusyError as busy:
                logger.warning("worker %s: %s", self._config.worker_id, busy)
                stop.wait(_ERROR_BACKOFF_S)
                continue
            except Exception:
                logger.exception("worker %s: loop error", self._config.worker_id)
                stop.wait(_ERROR_BACKOFF_S)
                continue
            if job is None:
                stop.wait(self._config.poll_interval_s)
        logger.info("worker %s: stopped", self._config.worker_id)

    def run_next(self, stop: threading.Event | None = None) -> Job | None:
        """Claim and run the next queued job (the queue's order; an express worker's: a
        short one); None when there is none for this worker."""
        worker_id, lease_s = self._config.worker_id, self._config.lease_s
        job = self._queue.claim(
            worker_id, lease_s=lease_s, max_duration_s=self._config.max_duration_s
        )
        if job is None:
            return None
        stopping = stop or threading.Event()
        self._on_job(job.id)
        try:
            with (
                log_context(job_id=job.id, user=job.owner),
                LeaseKeeper(self._queue, job.id, worker_id, lease_s=lease_s) as lease,
            ):
                result = self._run(job, stop_requested=lambda: lease.lost or stopping.is_set())
        finally:
            self._on_job(None)
        handing_back = stopping.is_set() or self._too_long_for_me(result)
        if result.status is JobStatus.RUNNING and handing_back and not lease.lost:
            # (A split job detached from its lease: release finds no lease and does nothing.)
            self._queue.release(job.id, worker_id)
            logger.info("worker %s: handed job %s back to the queue", worker_id, job.id)
        return result

    def _too_long_for_me(self, job: Job) -> bool:
        limit = self._config.hand_back_above_s
        return limit is not None and job.duration_s is not None and job.duration_s > limit

    def _run(self, job: Job, *, stop_requested: Callable[[], bool]) -> Job:
        """A part task, a job to spread over the pool, or a job run whole."""
        steps: dict[str, Any] = {
            "store": self._store,
            "objects": self._objects,
            "recognizers": self._recognizers,
            "worker_id": self._config.worker_id,
            "stop_requested": stop_requested,
            "recognition": self._config.recognition,
            "limits": self._config.limits,
        }
        if job.parent_id is not None:
            return run_part_task(job, queue=self._queue, **steps)
        if self._config.split:
            return spread_job(job, queue=self._queue, **steps)
        return run_job(job, hand_back_above_s=self._config.hand_back_above_s, **steps)
