"""Peak memory of a process and everything it starts, watched from outside.

jamak's service runs its recognition in spawned worker processes, so the memory of the one
process we launch says little; the sum over the whole process tree is what the machine has
to provide. Resident set sizes are sampled in a background thread (short-lived peaks between
samples are missed, so the interval is short); pages shared between processes are counted
once per process, which overstates a tree of forked workers a little and never understates.
"""

from __future__ import annotations

import threading
from types import TracebackType

import psutil  # type: ignore[import-untyped, unused-ignore]

DEFAULT_INTERVAL_S = 0.1


def tree_rss_bytes(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants now; 0 once it has exited."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return 0
    total = 0
    for process in processes:
        try:
            total += int(process.memory_info().rss)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue  # exited between listing and reading: it holds nothing now
    return total


class PeakMemorySampler:
    """``with PeakMemorySampler(pid) as peak: ...``; then ``peak.peak_bytes``."""

    def __init__(self, pid: int, *, interval_s: float = DEFAULT_INTERVAL_S) -> None:
        self._pid = pid
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="peak-memory", daemon=True)
        self.peak_bytes = 0

    def __enter__(self) -> PeakMemorySampler:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while True:
            self.peak_bytes = max(self.peak_bytes, tree_rss_bytes(self._pid))
            if self._stop.wait(self._interval_s):
                return
