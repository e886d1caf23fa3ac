"""Sounds laid under the synthesized speech: white noise, music-like tones, babble.

Recordings are rarely clean; what a subtitle tool hears between sentences decides whether
a pause is found at all. Each background is mixed at a set SNR against the speech's own
power (its audible samples only), over the whole file, pauses included. All are seeded:
the same file is built every time.

* white noise: a flat hiss (tape, fans);
* tones: a chord of three harmonic notes that changes every 0.4 s (background music;
  it has pitch, as a voice has, which an energy or VAD measure may take for speech);
* babble: other sentences of the same voice played backwards, three at a time (a crowd:
  speech-like in spectrum and rhythm, yet no words a recogniser should write).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

Audio = npt.NDArray[np.float32]

_NOTES_HZ = (196.0, 220.0, 262.0, 294.0, 330.0, 392.0, 440.0, 523.0)  # pentatonic-ish


def white(length: int, rate: int, rng: np.random.Generator) -> Audio:
    del rate
    return rng.standard_normal(length).astype(np.float32)


def tones(length: int, rate: int, rng: np.random.Generator) -> Audio:
    step = round(0.4 * rate)
    out = np.zeros(length, np.float32)
    fade = np.minimum(1.0, np.minimum(np.arange(step), np.arange(step)[::-1]) / (0.01 * rate))
    t = np.arange(step) / rate
    for at in range(0, length, step):
        chord = np.zeros(step)
        for hz in rng.choice(_NOTES_HZ, size=3, replace=False):
            chord += np.sin(2 * np.pi * hz * t) + 0.3 * np.sin(4 * np.pi * hz * t)
        piece = (chord * fade)[: length - at]
        out[at : at + len(piece)] = piece
    return out


def babble(speech: list[Audio]) -> Callable[[int, int, np.random.Generator], Audio]:
    """Babble made of ``speech`` (sentences' samples), reversed and looped, three voices."""

    def make(length: int, rate: int, rng: np.random.Generator) -> Audio:
        del rate
        out = np.zeros(length, np.float32)
        for _ in range(3):
            order = rng.permutation(len(speech))
            stream = np.concatenate([speech[k][::-1] for k in order])
            stream = np.tile(stream, length // len(stream) + 1)
            offset = int(rng.integers(len(stream) - length + 1))
            out += stream[offset : offset + length]
        return out

    return make


def mix(speech: Audio, noise: Audio, snr_db: float, audible: float) -> Audio:
    """``speech`` with ``noise`` under it at ``snr_db`` below the speech's power."""
    speech_power = float(np.mean(speech[np.abs(speech) > audible] ** 2))
    noise_power = float(np.mean(noise**2)) or 1.0
    gain = float(np.sqrt(speech_power / noise_power / 10 ** (snr_db / 10)))
    return (speech + noise * gain).astype(np.float32)
