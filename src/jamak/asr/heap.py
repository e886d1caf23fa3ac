"""Keeping the memory CTranslate2 frees on a CPU for its next call, instead of the kernel's.

Whisper's encoder allocates its attention scores afresh for every batch: per layer a
buffer of windows x heads x 1500 x 1500 floats (144 MB for two windows of ``base``). glibc
serves a block that large with its own ``mmap`` and gives it back with ``munmap`` when it
is freed, so each encode touches over a gigabyte of new pages, and the kernel faults in and
zeroes every one of them: measured on a 2-core Zen 4, 300,000 page faults and a third of
the encoder's time spent in the kernel (bench/README.md, "Freed memory kept for the next
window"). CTranslate2 runs the model on threads of its own, whose malloc arenas always map
a block over 64 MB separately, whatever ``M_MMAP_MAX`` says; only the main arena, grown
with ``brk``, keeps such blocks for reuse.

So a process that runs Whisper on a CPU asks glibc, as it starts, for one arena and no
separate mappings, and for a heap trimmed only when more than so much lies free at its
top: :data:`KEEP_ALONE_BYTES` in a process that has the machine to itself (``jamak
transcribe``, one AWS Batch job), more than one encode's buffers, so none of them is faulted
in again; :data:`KEEP_IN_POOL_BYTES` in each worker of the embedded pool, whose two or three
processes share the memory. Measured on a 20-minute file (bench/README.md): the CLI faults
in 0.16 million pages instead of 8 million; the service's workers 15-18 % faster than with
glibc's defaults, their process tree at 1.85 GB instead of 2.05. Elsewhere (musl, macOS)
nothing changes: the cost was glibc's, and so is the remedy.

Loading a model is the exception (:func:`loading_apart`): it reads the weights file into
memory and converts them, and those transient blocks, kept, stayed resident for the
process's life: 180 MB in each worker of the pool, an idle one included, which took the
service's process tree past 2 GB on a 20-minute file. While a model loads, large blocks
are mapped on their own again and given back when freed.
"""

from __future__ import annotations

import ctypes
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

log = logging.getLogger(__name__)

# mallopt(3) parameters, from glibc's <malloc.h>.
M_TRIM_THRESHOLD = -1
M_MMAP_MAX = -4
M_ARENA_MAX = -8
# glibc's own M_MMAP_MAX: large blocks mapped on their own, as many as asked for.
DEFAULT_MMAP_MAX = 65536
# Free memory at the heap's top beyond these goes back to the system.
KEEP_ALONE_BYTES = 1 << 30
KEEP_IN_POOL_BYTES = 256 << 20


@dataclass(slots=True)
class _Heap:
    """What this process asked of glibc (malloc's settings are the process's, not an
    object's): whether large freed blocks are being kept."""

    keeping: bool = False


_heap = _Heap()


def keep_freed_memory(keep_bytes: int = KEEP_ALONE_BYTES) -> bool:
    """Ask glibc to keep large freed blocks in one heap; ``True`` if it agreed. Call it as
    a process starts, before other threads: a thread that allocated already keeps its own
    arena, and a new thread may be handed one that an ended thread left."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = _mallopt()
    except (OSError, AttributeError):  # not glibc
        return False
    agreed = all(
        mallopt(parameter, value) == 1
        for parameter, value in (
            (M_ARENA_MAX, 1),
            (M_MMAP_MAX, 0),
            (M_TRIM_THRESHOLD, keep_bytes),
        )
    )
    if not agreed:
        log.warning("glibc refused a malloc setting: encodes will fault in fresh pages")
    _heap.keeping = agreed
    return agreed


@contextmanager
def loading_apart() -> Iterator[None]:
    """Large blocks mapped on their own (and unmapped when freed) for the ``with`` block:
    for loading a model, whose transient buffers would otherwise stay in the kept heap. A
    no-op where :func:`keep_freed_memory` was not asked for or not granted."""
    if not _heap.keeping:
        yield
        return
    mallopt = _mallopt()
    mallopt(M_MMAP_MAX, DEFAULT_MMAP_MAX)
    try:
        yield
    finally:
        mallopt(M_MMAP_MAX, 0)


def give_back_freed_memory() -> None:
    """Return the kept heap's free pages to the system (``malloc_trim``), for a process
    whose next work has another shape than its last: what one step kept, the next may not
    reuse, and the pool's processes share the memory. The next encode faults its buffers
    in once. A no-op where nothing is being kept."""
    if _heap.keeping:
        ctypes.CDLL(None).malloc_trim(0)


def _mallopt() -> ctypes._NamedFuncPointer:
    # The process's own symbols, libc's among them: no library search at start-up
    # (ctypes.util.find_library runs ldconfig in a child process).
    mallopt = ctypes.CDLL(None).mallopt
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return mallopt
