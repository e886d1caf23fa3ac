"""One process of the embedded worker pool: open the backend, load a model, serve the queue.

Started with 'spawn' by :class:`jamak.backends.embedded.pool.WorkerPool`, it receives only
a :class:`WorkerProcessConfig` (plain, frozen, picklable values the composition root built
from the settings) and a recogniser factory; it never reads the settings itself.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import socket
import threading
from collections.abc import Callable
from dataclasses import replace

from jamak.asr.heap import KEEP_IN_POOL_BYTES, give_back_freed_memory, keep_freed_memory
from jamak.backends.embedded import open_backend
from jamak.backends.embedded.busy import BusyBoard, Flags
from jamak.backends.embedded.config import WorkerProcessConfig
from jamak.backends.embedded.watchdog import JobClock
from jamak.errors import JamakError
from jamak.jobs.media_names import remove_abandoned
from jamak.jobs.recognizers import RecognizerFactory, RecognizerProvider
from jamak.jobs.worker import QueueWorker, WorkerConfig
from jamak.logs import configure_logging

logger = logging.getLogger(__name__)


def worker_process_main(
    config: WorkerProcessConfig,
    recognizer_factory: RecognizerFactory,
    index: int,
    ready: ctypes.c_bool,
    parent_pid: int,
    busy: Flags | None = None,
    clock: JobClock | None = None,
) -> None:
    """Entry point of one worker process: serve jobs until SIGTERM or the parent is gone.
    ``busy``: the regular workers' flags (:mod:`jamak.backends.embedded.busy`), of which
    this one's is ``index``; None for an express worker. ``clock``: where this worker posts
    the job it runs, for the pool's watcher (:mod:`jamak.backends.embedded.watchdog`)."""
    keep_freed_memory(KEEP_IN_POOL_BYTES)  # first: before any other thread has an arena
    configure_logging(
        level=config.log_level,
        fmt=config.log_format,
        text_format=f"%(asctime)s %(levelname)s worker-{index} %(name)s: %(message)s",
    )
    _lower_priority(config.nice)
    remove_abandoned()  # what workers killed mid-job left in the temporary folder
    stop = threading.Event()
    _stop_on_signals(stop)
    _stop_when_orphaned(stop, parent_pid)
    backend = open_backend(config.backend)
    if backend.queue is None:
        raise RuntimeError("the embedded backend always has a queue")
    board = None if busy is None else BusyBoard(busy, index)
    recognizers = recognizer_factory(replace(config.recognizer_config, room=board))
    try:
        _warm_up(recognizers, config.default_model)
        worker = QueueWorker(
            store=backend.store,
            queue=backend.queue,
            objects=backend.objects,
            recognizers=recognizers,
            config=WorkerConfig(
                worker_id=worker_id(os.getpid(), index),
                lease_s=config.lease_s,
                poll_interval_s=config.poll_interval_s,
                recognition=config.recognition,
                limits=config.limits,
                split=config.split,
                max_duration_s=config.max_duration_s,
            ),
            on_job=_posting(board, clock),
        )
        ready.value = True
        worker.serve(stop)
    finally:
        recognizers.close()
        backend.close()


def worker_id(pid: int, index: int) -> str:
    """The name a worker holds its leases under; the pool derives it too, to fail the job
    of a worker it had to stop."""
    return f"{socket.gethostname()}:{pid}:{index}"


def _posting(board: BusyBoard | None, clock: JobClock | None) -> Callable[[str | None], None]:
    """What a worker tells the others when it takes a job and when it is done: the busy
    board (a regular worker's) and the pool's clock.

    A regular worker also gives back its freed memory after each step. Its steps differ in
    shape: planning a long file holds it decoded whole, a part holds encoder buffers, and
    what one kept the next could not reuse (a worker that planned a 20-minute file ran its
    part at 900 MB, the other part's at 590 MB). The express worker keeps its memory: its
    jobs are short and alike."""

    def on_job(job_id: str | None) -> None:
        if clock is not None:
            if job_id is None:
                clock.stop()
            else:
                clock.start(job_id)
        if board is not None:
            board.mark(job_id is not None)
            if job_id is None:
                give_back_freed_memory()

    return on_job


def _lower_priority(nice: int) -> None:
    """Yield the CPU to an express worker (which keeps the parent's priority): on a busy
    machine the scheduler then gives its short job most of a core, not a thread's equal
    share among the long jobs' threads. A long job loses only those few seconds."""
    if nice <= 0:
        return
    try:
        os.nice(nice)
    except OSError as err:  # not allowed here: the express worker just gets an equal share
        logger.warning("could not lower this worker's priority: %s", err)


def _stop_on_signals(stop: threading.Event) -> None:
    """SIGTERM stops the worker after settling its job. SIGINT is ignored: a Ctrl-C in a
    terminal reaches the whole process group, and the parent decides when children stop
    (otherwise it would see them exit and start new ones)."""
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop_when_orphaned(stop: threading.Event, parent_pid: int) -> None:
    """A parent killed with SIGKILL can't stop its children; they notice and stop.

    The parent's pid comes from the parent itself: a parent killed while this process was
    still starting would otherwise be read here as init's pid, and never be missed."""

    def watch() -> None:
        while True:
            if os.getppid() != parent_pid:
                logger.warning("parent process is gone; stopping")
                stop.set()
                return
            if stop.wait(1.0):
                return

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _warm_up(recognizers: RecognizerProvider, model: str) -> None:
    """Load the default model before the first job asks for it."""
    try:
        recognizers.for_model(model)
    except JamakError as err:
        logger.warning("could not load model %s at start-up: %s", model, err)
