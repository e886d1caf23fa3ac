"""How loud a file is, measured a piece at a time: the gain that brings it to the detector's
standard level.

The voice detector hears quiet speech as silence, so a file is levelled before it is heard
(:mod:`jamak.asr.vad`). Measuring its level by NumPy's quantile needs the magnitude of every
sample at once, a second copy of the file: for a 3-hour recording 660 MB on top of the
660 MB it already takes. A high quantile depends only on the few largest samples, so they are
gathered a piece at a time instead, and the quantile is interpolated between them exactly as
``numpy.quantile`` (method ``linear``) does, to the same value.
"""

from __future__ import annotations

import math

import numpy as np

from jamak.asr.recognizer import Audio

PEAK_QUANTILE = 0.999  # the peak below a few clicks and pops
TARGET_PEAK = 0.9
MAX_GAIN = 16.0
PIECE = 1 << 20  # samples measured at a time (4 MB of magnitudes)


def level_gain(audio: Audio) -> np.float32 | None:
    """The factor that brings ``audio``'s peak to ``TARGET_PEAK`` (at most ``MAX_GAIN``);
    None for a file with no level to measure (silence), which is heard as it is."""
    if audio.size == 0:
        return None
    peak = float(quantile_of_magnitude(audio, PEAK_QUANTILE))
    if peak <= 0.0:
        return None
    return np.float32(min(TARGET_PEAK / peak, MAX_GAIN))


def quantile_of_magnitude(audio: Audio, q: float) -> np.float32:
    """``numpy.quantile(numpy.abs(audio), q)``, in memory of the samples above it, not of
    the file. ``q`` is close to 1 (a peak): the memory is ``(1 - q)`` of the file's."""
    n = audio.size
    virtual = n * q + (1.0 - q) - 1.0  # numpy's index for the 'linear' method
    if virtual >= n - 1:
        return np.float32(np.abs(audio).max())
    below = math.floor(virtual)
    top = _largest_magnitudes(audio, n - below)
    top.sort()
    lower, upper = top[0], top[1]
    gamma = virtual - below
    difference = upper - lower
    if gamma >= 0.5:  # numpy interpolates from the nearer end
        return np.float32(upper - difference * (1 - gamma))
    return np.float32(lower + difference * gamma)


def _largest_magnitudes(audio: Audio, count: int) -> Audio:
    """The ``count`` largest ``|sample|`` of ``audio``, in no order."""
    kept = np.empty(0, dtype=np.float32)
    for start in range(0, audio.size, PIECE):
        magnitudes = np.abs(audio[start : start + PIECE])
        candidates = np.concatenate((kept, _top(magnitudes, count)))
        kept = _top(candidates, count)
    return kept


def _top(values: Audio, count: int) -> Audio:
    if values.size <= count:
        return values
    return np.partition(values, values.size - count)[values.size - count :]
