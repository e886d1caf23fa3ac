"""A pool of worker processes pulling jobs from the embedded SQLite queue.

Processes, not threads: recognition holds the GIL in places and a crash in native code
(CTranslate2, FFmpeg) must take down one worker, not the server. Processes are started
with 'spawn', so none inherits the parent's threads, locks or open SQLite connections; each
gets the :class:`~jamak.backends.embedded.worker_process.WorkerProcessConfig` the
composition root built, builds its recogniser provider once and keeps its models loaded
between jobs (:mod:`jamak.backends.embedded.worker_process`). The
parent only watches: a child that dies is started again, and its job comes back through
the queue once its lease runs out; a child whose job has run past the time limit without a
progress report to fail at is stopped, and its job failed
(:mod:`jamak.backends.embedded.watchdog`).

The express lane (:class:`~jamak.backends.embedded.config.ExpressLane`): a few more
processes, one thread each, that claim only short jobs (a declared length of at most its
bound; never a part task), so a clip of seconds submitted while long jobs hold every regular
worker starts within a poll instead of after them. Regular workers take short jobs too,
whoever is free first. A busy machine runs one thread more than it has cores for those few
seconds, which is the point; the regular workers then run at a lower priority, so that
thread is not one among equals.

``jamak worker`` runs a pool on its own; ``jamak serve`` starts one beside the API.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import threading
import time
from dataclasses import replace
from multiprocessing.process import BaseProcess
from types import TracebackType

from jamak.backends.embedded import open_backend
from jamak.backends.embedded.busy import shared_flags
from jamak.backends.embedded.config import ExpressLane, WorkerProcessConfig
from jamak.backends.embedded.sizing import (
    available_memory_bytes,
    default_worker_count,
    express_worker_count,
    threads_per_worker,
    usable_cores,
)
from jamak.backends.embedded.watchdog import OVERDUE_GRACE_S, JobClock
from jamak.backends.embedded.worker_process import worker_id, worker_process_main
from jamak.errors import JobTimeLimitError
from jamak.jobs.progress_reporter import time_limit_message
from jamak.jobs.recognizers import RecognizerFactory, model_registry_recognizers

logger = logging.getLogger(__name__)

_WATCH_INTERVAL_S = 0.2
_MAX_RESTART_DELAY_S = 30.0
# Regular workers' niceness beside an express worker: CFS then weighs each of their threads
# at a third of the express worker's (335 against 1024), so a short job on a machine whose
# cores the long jobs fill runs at most of one core's speed, not an equal share of it.
REGULAR_NICE_WITH_EXPRESS = 5


class WorkerPool:
    def __init__(
        self,
        config: WorkerProcessConfig,
        *,
        workers: int | None = None,
        express: ExpressLane | None = None,
        recognizer_factory: RecognizerFactory = model_registry_recognizers,
        overdue_grace_s: float = OVERDUE_GRACE_S,
    ) -> None:
        """``workers``: processes (None or 0: as many as the cores and memory allow); each
        gets an equal share of the cores unless ``config`` sets its threads. ``express``:
        the short-job workers on top (None: none), as many as memory leaves room for.
        ``overdue_grace_s``: how long past the job time limit a worker whose job reports
        nothing is stopped (:mod:`jamak.backends.embedded.watchdog`)."""
        cores = usable_cores()
        memory = available_memory_bytes()
        self._size = workers or default_worker_count(cores, memory)
        threads = config.recognizer_config.cpu_threads or threads_per_worker(cores, self._size)
        self._config = replace(
            config,
            recognizer_config=replace(config.recognizer_config, cpu_threads=threads),
            # A long job is spread over the workers only where there are others to take parts.
            split=config.split and self._size > 1,
            max_duration_s=None,
        )
        lane = express or ExpressLane()
        self._express_size = express_worker_count(lane.workers, self._size, memory)
        if self._express_size < lane.workers:
            logger.warning(
                "memory (%.1f GiB available) leaves room for %d of %d express worker(s) "
                "beside %d worker(s); short jobs wait for a regular worker",
                memory / (1 << 30),
                self._express_size,
                lane.workers,
                self._size,
            )
        if self._express_size:
            # The express worker's thread must not be one among equals on a busy machine.
            self._config = replace(self._config, nice=REGULAR_NICE_WITH_EXPRESS)
        self._express_config = replace(
            config,
            # One thread, one decoding stream: a short job's few seconds on a busy machine.
            recognizer_config=replace(config.recognizer_config, cpu_threads=1, streams=1),
            split=False,  # it never takes a long job, so it never plans one
            max_duration_s=lane.max_duration_s,
            nice=0,
            limits=replace(
                config.limits, time_limit_s=_sooner(config.limits.time_limit_s, lane.time_limit_s)
            ),
        )
        self._factory = recognizer_factory
        self._overdue_grace_s = overdue_grace_s
        self._context = multiprocessing.get_context("spawn")
        # Which regular workers run a job: each decodes on a second stream only while
        # another is idle (jamak.backends.embedded.busy).
        self._busy = shared_flags(self._context, self._size)
        self._slots: list[_Slot] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None

    @property
    def size(self) -> int:
        return self._size

    @property
    def express_size(self) -> int:
        """Express workers running beside the :attr:`size` regular ones."""
        return self._express_size

    @property
    def threads_per_worker(self) -> int:
        return self._config.recognizer_config.cpu_threads

    def start(self) -> None:
        # Create the data folders and migrate the database once, before any child races to.
        open_backend(self._config.backend).close()
        with self._lock:
            self._slots = [
                _Slot(
                    index,
                    self._context.RawValue(ctypes.c_bool, False),
                    JobClock(self._context),
                    express=index >= self._size,
                )
                for index in range(self._size + self._express_size)
            ]
            for slot in self._slots:
                self._spawn(slot)
        self._watcher = threading.Thread(target=self._watch, name="worker-pool", daemon=True)
        self._watcher.start()
        logger.info(
            "started %d worker(s) with %d thread(s) each, and %d express worker(s) for jobs "
            "up to %g s",
            self._size,
            self.threads_per_worker,
            self._express_size,
            self._express_config.max_duration_s,
        )

    def stop(self, timeout_s: float = 30.0) -> None:
        """Ask every worker to stop (SIGTERM: the current job goes back to the queue), wait
        up to ``timeout_s``, then kill what is left; a killed worker's job returns through
        its lease."""
        self._stopping.set()
        if self._watcher is not None:
            self._watcher.join()
        with self._lock:
            processes = [slot.process for slot in self._slots if slot.process is not None]
        for process in processes:
            if process.is_alive():
                process.terminate()
        deadline = time.monotonic() + timeout_s
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                logger.warning("worker pid %s did not stop in time; killing it", process.pid)
                process.kill()
                process.join()

    def pids(self) -> list[int]:
        """The live workers' process ids (for operators, and tests that kill workers)."""
        with self._lock:
            return [
                slot.process.pid
                for slot in self._slots
                if slot.process is not None and slot.process.pid and slot.process.is_alive()
            ]

    def __enter__(self) -> WorkerPool:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _config_of(self, slot: _Slot) -> WorkerProcessConfig:
        return self._express_config if slot.express else self._config

    def _spawn(self, slot: _Slot) -> None:
        slot.ready.value = False
        config = self._config_of(slot)
        if not slot.express:
            self._busy[slot.index] = False  # a flag its dead predecessor left set
        slot.clock.stop()  # and the job it was running when it died
        busy = None if slot.express else self._busy
        process = self._context.Process(
            target=worker_process_main,
            args=(config, self._factory, slot.index, slot.ready, os.getpid(), busy, slot.clock),
            name=f"jamak-{'express' if slot.express else 'worker'}-{slot.index}",
            daemon=True,  # never outlive the parent, even if stop() is never called
        )
        process.start()
        slot.process = process

    def _watch(self) -> None:
        while not self._stopping.wait(_WATCH_INTERVAL_S):
            with self._lock:
                for slot in self._slots:
                    self._stop_overdue(slot)
                    self._revive(slot)

    def _stop_overdue(self, slot: _Slot) -> None:
        """Stop a worker whose job has run past the time limit and its grace, and fail the
        job: it reports no progress, or the job would have failed by itself."""
        process, limit_s = slot.process, self._config_of(slot).limits.time_limit_s
        if process is None or process.pid is None or limit_s is None:
            return
        job_id = slot.clock.overdue(limit_s + self._overdue_grace_s)
        if job_id is None or not process.is_alive():
            return
        logger.error(
            "worker %d (pid %s) has run job %s for longer than the %g-s time limit and its "
            "%g-s grace without settling it; stopping the worker and failing the job",
            slot.index,
            process.pid,
            job_id,
            limit_s,
            self._overdue_grace_s,
        )
        process.kill()
        process.join()
        slot.clock.stop()
        try:
            backend = open_backend(self._config.backend)
            try:
                if backend.queue is not None:
                    backend.queue.fail_held(
                        job_id,
                        worker_id(process.pid, slot.index),
                        error=time_limit_message(limit_s),
                        error_kind=JobTimeLimitError.__name__,
                    )
            finally:
                backend.close()
        except Exception:  # the watcher goes on; the job's lease settles it instead
            logger.exception("could not fail job %s after stopping its worker", job_id)

    def _revive(self, slot: _Slot) -> None:
        process = slot.process
        now = time.monotonic()
        if process is not None and not process.is_alive():
            process.join()
            crashed_on_start = not slot.ready.value
            logger.warning(
                "worker %d (pid %s) exited with %s%s; restarting it",
                slot.index,
                process.pid,
                process.exitcode,
                " before it was ready" if crashed_on_start else "",
            )
            # One death is restarted at once; a worker that keeps dying before it is ready
            # (a model that can't load, a broken install) is retried ever more slowly.
            if crashed_on_start:
                slot.failed_starts += 1
            retries = slot.failed_starts - 1
            delay = min(_MAX_RESTART_DELAY_S, 2.0**retries) if retries > 0 else 0.0
            slot.process, slot.restart_at = None, now + delay
        if slot.process is None and now >= slot.restart_at:
            self._spawn(slot)
        elif slot.ready.value:
            slot.failed_starts = 0


def _sooner(limit_s: float | None, other_s: float | None) -> float | None:
    """The shorter of two time limits, None being none."""
    limits = [value for value in (limit_s, other_s) if value is not None]
    return min(limits) if limits else None


class _Slot:
    """One place in the pool, refilled with a new process whenever its process dies."""

    def __init__(
        self, index: int, ready: ctypes.c_bool, clock: JobClock, *, express: bool = False
    ) -> None:
        self.index = index
        self.express = express  # takes short jobs only
        # Set by the process once it can take jobs. A lock-free shared flag: a worker killed
        # mid-write must not leave a lock that the parent then waits on forever.
        self.ready = ready
        self.clock = clock  # the job its process runs, and since when
        self.process: BaseProcess | None = None
        self.restart_at = 0.0
        self.failed_starts = 0
