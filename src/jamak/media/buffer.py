"""A float32 array that grows in place, so a whole file fits in memory only once.

Collecting chunks in a list and concatenating them would hold every sample twice at the end
(a 2-hour file: 460 MB twice). Instead the array is sized from the file's stated duration and
grown, rarely, by resizing it where it lies: for large arrays NumPy's resize is a ``realloc``,
which the C library serves by remapping pages rather than copying. Pages that are reserved but
never written cost no memory, so a generous first guess is cheap.
"""

from __future__ import annotations

import numpy as np

from jamak.media.resample import Samples

_GROWTH = 1.5


class SampleBuffer:
    def __init__(self, capacity: int) -> None:
        self._data: Samples = np.empty(max(capacity, 1), dtype=np.float32)
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def extend(self, chunk: Samples) -> None:
        end = self._size + chunk.size
        if end > self._data.size:
            self._data.resize(max(end, int(self._data.size * _GROWTH)), refcheck=False)
        self._data[self._size : end] = chunk
        self._size = end

    def finish(self) -> Samples:
        """The samples, trimmed to length; the buffer must not be used afterwards."""
        self._data.resize(self._size, refcheck=False)
        return self._data
