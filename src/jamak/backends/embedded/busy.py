"""Which of the pool's regular workers are running a job, seen by all of their processes.

A worker's model decodes on up to two streams, so that a job running alone has every core
(a 2-core machine, two workers of one thread each). While the other workers are busy too,
that second stream only oversubscribes the cores and halves each stream's batch: a
20-minute file in two parts on two busy workers took 9 % longer that way than with one
stream each (bench/README.md, "Streams that follow the idle cores"). So a worker decodes on
as many streams as there are workers not busy, itself included, and at least one.

One flag per worker in shared memory, written only by its own process and without a lock:
a worker killed mid-write must not leave a lock behind, and a stale flag costs a stream for
a while (the pool clears it when it starts the next process in that place), never a job.
"""

from __future__ import annotations

import ctypes
from multiprocessing.context import SpawnContext
from typing import Protocol


class Flags(Protocol):
    """One bool per worker: a ``multiprocessing`` raw array, or a list in tests."""

    def __len__(self) -> int: ...
    def __getitem__(self, index: int) -> bool: ...
    def __setitem__(self, index: int, value: bool) -> None: ...


def shared_flags(context: SpawnContext, workers: int) -> Flags:
    """The flags, all clear, in memory that spawned processes are handed at their start."""
    flags: Flags = context.RawArray(ctypes.c_bool, workers)
    return flags


class BusyBoard:
    """The board as one worker sees it: it marks its own flag and counts the others'."""

    def __init__(self, flags: Flags, index: int) -> None:
        self._flags = flags
        self._index = index

    def mark(self, busy: bool) -> None:
        self._flags[self._index] = busy

    def __call__(self) -> int:
        """How many streams this worker may decode on now: the workers not busy, itself
        among them."""
        others = sum(bool(self._flags[i]) for i in range(len(self._flags)) if i != self._index)
        return max(1, len(self._flags) - others)
