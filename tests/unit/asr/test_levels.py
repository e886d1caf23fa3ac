"""A file's level, measured a piece at a time: NumPy's quantile to the last bit, and the gain
the detector hears the file with."""

from __future__ import annotations

import numpy as np
import pytest

from jamak.asr.levels import MAX_GAIN, PIECE, TARGET_PEAK, level_gain, quantile_of_magnitude


def _speech_like(size: int, seed: int) -> np.ndarray:
    """Laplacian samples (speech's shape) with a few clicks, in float32 as decoded."""
    rng = np.random.default_rng(seed)
    samples = rng.laplace(0.0, 0.05, size)
    clicks = rng.integers(0, size, max(1, size // 5000))
    samples[clicks] = rng.uniform(-1.0, 1.0, clicks.size)
    return samples.astype(np.float32)


@pytest.mark.parametrize(
    "size", [1, 2, 3, 999, 1000, 1001, 4096, PIECE - 1, PIECE + 7, 2 * PIECE + 12345]
)
@pytest.mark.parametrize("q", [0.5, 0.9, 0.999, 0.9999])
def test_the_quantile_is_numpys_to_the_last_bit(size: int, q: float) -> None:
    audio = _speech_like(size, seed=size)

    expected = np.quantile(np.abs(audio), q)

    assert quantile_of_magnitude(audio, q).tobytes() == np.float32(expected).tobytes()


def test_repeated_values_at_the_quantile_are_counted_as_numpy_counts_them() -> None:
    audio = np.tile(np.array([0.25, -0.5, 0.5, 0.125], dtype=np.float32), PIECE // 2 + 3)

    for q in (0.5, 0.999, 0.9999):
        expected = np.float32(np.quantile(np.abs(audio), q))
        assert quantile_of_magnitude(audio, q) == expected


def test_the_gain_brings_the_peak_to_the_standard_level() -> None:
    audio = _speech_like(200_000, seed=1) * np.float32(0.2)
    peak = np.quantile(np.abs(audio), 0.999)

    gain = level_gain(audio)

    assert gain is not None
    assert gain.dtype == np.float32
    assert gain == np.float32(TARGET_PEAK / peak)


def test_a_nearly_silent_file_is_raised_by_at_most_the_largest_gain() -> None:
    audio = _speech_like(200_000, seed=2) * np.float32(1e-4)

    assert level_gain(audio) == np.float32(MAX_GAIN)


def test_silence_is_heard_as_it_is() -> None:
    assert level_gain(np.zeros(50_000, dtype=np.float32)) is None
    assert level_gain(np.zeros(0, dtype=np.float32)) is None
