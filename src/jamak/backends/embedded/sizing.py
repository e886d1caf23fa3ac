"""How many worker processes a machine should run, and how many threads each gets.

Whisper on CPU (CTranslate2) gains little from more threads on one decode, while separate
jobs in separate processes scale almost linearly, so jamak runs one worker per core, each
on one thread (measured on 2 cores, 20 clips: 19.2 s with two one-thread workers, 27.1 s
with one two-thread worker). Each worker also holds its own model (int8: about 0.1 GB for
base, 0.5 GB for small, 1.6 GB for large-v3) plus one job's decoded audio (an hour of 16 kHz
float32 is 230 MB) and decoding buffers, so it is given 2 GB of the memory available now;
fewer workers beat a machine that swaps.

The express workers (jamak.backends.embedded.pool) come on top: they take only short jobs,
so they add no cores to the count (a few seconds of an extra thread, oversubscribing a busy
machine on purpose), but each holds a model of its own, so they are counted against memory
after the regular workers, and left out where it is short.
"""

from __future__ import annotations

import os
from pathlib import Path

from jamak.asr.cpu import usable_cores

__all__ = [
    "available_memory_bytes",
    "default_worker_count",
    "express_worker_count",
    "threads_per_worker",
    "usable_cores",
]

GIB = 1 << 30
CORES_PER_WORKER = 1
MEMORY_PER_WORKER_BYTES = 2 * GIB


def available_memory_bytes() -> int:
    """Memory new processes can have now: Linux's MemAvailable (free memory plus cache the
    kernel can drop), else all physical memory, else an assumption of one worker's worth."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024  # the file counts in KiB
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (OSError, ValueError, AttributeError):
        return MEMORY_PER_WORKER_BYTES


def default_worker_count(cores: int, available_bytes: int) -> int:
    """At least one worker; otherwise as many as both cores and memory allow."""
    by_cores = cores // CORES_PER_WORKER
    by_memory = available_bytes // MEMORY_PER_WORKER_BYTES
    return max(1, min(by_cores, by_memory))


def express_worker_count(wanted: int, workers: int, available_bytes: int) -> int:
    """How many of the ``wanted`` express workers fit in memory beside ``workers`` regular
    ones; an express worker's audio is short, but its model is as large as theirs."""
    room = available_bytes // MEMORY_PER_WORKER_BYTES - workers
    return max(0, min(wanted, room))


def threads_per_worker(cores: int, workers: int) -> int:
    """CTranslate2 threads for each worker, so the workers together use every core once."""
    return max(1, cores // max(1, workers))
