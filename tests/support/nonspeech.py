"""A wider non-speech set, synthesised: sounds that are not speech but fool a speech detector.

Whisper writes words for any input. The shared clips hold a handful of real non-speech
recordings; a promise of "no words on non-speech" needs more kinds of sound than that:
noise of several colours and levels, tones and chords, synthesised music with a beat,
noise shaped and modulated like speech, clicks in silence, room tone with mains hum and
applause-like bursts. Every sound is seeded, so a failing case is rebuilt exactly.

Sounds come in two families with different seeds, levels and parameters: ``TUNING`` is what
non-speech rules may be looked at against while they are chosen, ``HELD_OUT`` is only ever
tested, so that a rule fitted to the first set is checked on sounds it never saw.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

RATE = 16_000
Samples = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class NonSpeech:
    name: str
    make: Callable[[], Samples]  # mono float32 at RATE


def _db(level_dbfs: float) -> float:
    return float(10 ** (level_dbfs / 20))


def _normalise(signal: npt.NDArray[np.float64], level_dbfs: float) -> Samples:
    """Scaled to an RMS level in dB below full scale, clipped like a real recording."""
    rms = float(np.sqrt(np.mean(signal**2))) or 1.0
    return np.clip(signal * (_db(level_dbfs) / rms), -1.0, 1.0).astype(np.float32)


def _coloured(rng: np.random.Generator, seconds: float, exponent: float) -> npt.NDArray[np.float64]:
    """Noise whose power falls as 1/f**exponent: 0 white, 1 pink, 2 brown."""
    frames = round(seconds * RATE)
    spectrum = np.fft.rfft(rng.standard_normal(frames))
    freqs = np.fft.rfftfreq(frames, 1 / RATE)
    freqs[0] = freqs[1]
    shaped: npt.NDArray[np.float64] = np.fft.irfft(spectrum / freqs ** (exponent / 2), n=frames)
    return shaped


def noise(colour: str, seconds: float, level_dbfs: float, seed: int) -> Samples:
    exponent = {"white": 0.0, "pink": 1.0, "brown": 2.0}[colour]
    return _normalise(_coloured(np.random.default_rng(seed), seconds, exponent), level_dbfs)


def _time(seconds: float) -> npt.NDArray[np.float64]:
    return np.arange(round(seconds * RATE), dtype=np.float64) / RATE


def _note(frequency: float, seconds: float, harmonics: int = 6) -> npt.NDArray[np.float64]:
    """A plucked note: harmonics falling in level, a fast attack and an exponential decay."""
    t = _time(seconds)
    wave = sum(np.sin(2 * np.pi * frequency * k * t) / k**1.5 for k in range(1, harmonics + 1))
    envelope = np.minimum(t / 0.01, 1.0) * np.exp(-3.0 * t / seconds)
    return np.asarray(wave * envelope, dtype=np.float64)


def tone(frequency: float, seconds: float, level_dbfs: float) -> Samples:
    return _normalise(np.sin(2 * np.pi * frequency * _time(seconds)), level_dbfs)


def chords(root_hz: float, seconds: float, level_dbfs: float) -> Samples:
    """A sustained major triad, then a minor one, each with organ-like harmonics."""
    half = seconds / 2
    t = _time(half)
    parts = []
    for third in (5 / 4, 6 / 5):
        triad = sum(
            np.sin(2 * np.pi * root_hz * ratio * k * t) / k
            for ratio in (1.0, third, 3 / 2)
            for k in range(1, 5)
        )
        parts.append(np.asarray(triad, dtype=np.float64))
    return _normalise(np.concatenate(parts), level_dbfs)


def melody(seconds: float, level_dbfs: float, seed: int, *, beat: bool) -> Samples:
    """Notes of a pentatonic scale at random, a quarter to half a second each, over a
    kick-and-hi-hat beat when ``beat``: music as a synthesiser plays it."""
    rng = np.random.default_rng(seed)
    scale = 220.0 * 2 ** (np.array([0, 2, 4, 7, 9, 12, 14, 16]) / 12)
    frames = round(seconds * RATE)
    out = np.zeros(frames)
    at = 0
    while at < frames:
        length = float(rng.choice([0.25, 0.375, 0.5]))
        note = _note(float(rng.choice(scale)), length * 1.5)
        stop = min(frames, at + len(note))
        out[at:stop] += note[: stop - at]
        at += round(length * RATE)
    if beat:
        for start in range(0, frames, RATE // 2):
            kick = _note(55.0, 0.2, harmonics=2) * 2
            hat = rng.standard_normal(round(0.03 * RATE)) * np.exp(-np.arange(480) / 80) * 0.3
            for sound, offset in ((kick, 0), (hat, RATE // 4)):
                stop = min(frames, start + offset + len(sound))
                if start + offset < frames:
                    out[start + offset : stop] += sound[: stop - start - offset]
    return _normalise(out, level_dbfs)


def speech_shaped(seconds: float, level_dbfs: float, seed: int) -> Samples:
    """Noise with speech's long-term spectrum (a peak near 500 Hz, falling above) switched on
    and off at a syllable rate of about 4 Hz: the sound speech detectors find hardest."""
    rng = np.random.default_rng(seed)
    frames = round(seconds * RATE)
    spectrum = np.fft.rfft(rng.standard_normal(frames))
    freqs = np.fft.rfftfreq(frames, 1 / RATE)
    shape = (freqs / 500.0) / (1 + (freqs / 500.0) ** 2)
    shaped = np.fft.irfft(spectrum * shape, n=frames)
    t = _time(seconds)
    rate_hz = 3.5 + rng.random()
    syllables = np.clip(np.sin(2 * np.pi * rate_hz * t + rng.random() * 6), 0, None) ** 2
    return _normalise(shaped * syllables, level_dbfs)


def clicks(seconds: float, per_second: float, seed: int) -> Samples:
    """Digital silence with sharp clicks and pops at random, as on an old record."""
    rng = np.random.default_rng(seed)
    frames = round(seconds * RATE)
    out = np.zeros(frames)
    for at in rng.integers(0, frames - 64, size=round(seconds * per_second)):
        out[at : at + 64] += rng.uniform(-0.8, 0.8) * np.exp(-np.arange(64) / 8)
    return np.clip(out, -1.0, 1.0).astype(np.float32)


def room_tone(seconds: float, level_dbfs: float, seed: int, *, hum_hz: float) -> Samples:
    """A quiet room: brown noise, mains hum and its harmonics."""
    hum = sum(np.sin(2 * np.pi * hum_hz * k * _time(seconds)) / k for k in (1, 2, 3))
    rumble = _coloured(np.random.default_rng(seed), seconds, 2.0)
    rumble /= np.sqrt(np.mean(rumble**2))
    return _normalise(rumble + 0.5 * np.asarray(hum), level_dbfs)


def applause(seconds: float, level_dbfs: float, seed: int) -> Samples:
    """Many hand claps at random: short bursts of band-passed noise that swell and fade."""
    rng = np.random.default_rng(seed)
    frames = round(seconds * RATE)
    out = np.zeros(frames)
    swell = np.sin(np.pi * _time(seconds) / seconds) ** 0.5
    clap = round(0.015 * RATE)
    for at in rng.integers(0, frames - clap, size=round(seconds * 60)):
        burst = rng.standard_normal(clap) * np.exp(-np.arange(clap) / (clap / 4))
        out[at : at + clap] += burst * swell[at]
    return _normalise(np.diff(out, prepend=0.0), level_dbfs)


TUNING: tuple[NonSpeech, ...] = (
    NonSpeech("white_noise_-20dB", lambda: noise("white", 10, -20, seed=1)),
    NonSpeech("pink_noise_-30dB", lambda: noise("pink", 10, -30, seed=2)),
    NonSpeech("tone_440Hz", lambda: tone(440.0, 8, -12)),
    NonSpeech("chords_C", lambda: chords(261.6, 12, -18)),
    NonSpeech("melody_with_beat", lambda: melody(20, -18, seed=3, beat=True)),
    NonSpeech("speech_shaped_noise", lambda: speech_shaped(15, -22, seed=4)),
    NonSpeech("clicks_in_silence", lambda: clicks(12, 3.0, seed=5)),
    NonSpeech("applause", lambda: applause(12, -20, seed=6)),
)

HELD_OUT: tuple[NonSpeech, ...] = (
    NonSpeech("brown_noise_-15dB", lambda: noise("brown", 12, -15, seed=11)),
    NonSpeech("white_noise_-45dB", lambda: noise("white", 8, -45, seed=12)),
    NonSpeech("tone_1kHz_loud", lambda: tone(1000.0, 6, -6)),
    NonSpeech("chords_A_quiet", lambda: chords(220.0, 10, -32)),
    NonSpeech("melody_no_beat", lambda: melody(18, -22, seed=13, beat=False)),
    NonSpeech("speech_shaped_loud", lambda: speech_shaped(20, -14, seed=14)),
    NonSpeech("room_tone_60s", lambda: room_tone(60, -50, seed=15, hum_hz=60.0)),
    NonSpeech("applause_loud", lambda: applause(10, -12, seed=16)),
)

ALL: tuple[NonSpeech, ...] = TUNING + HELD_OUT


def with_speech(
    background: Samples, speech: Samples, *, at_s: float, speech_gain: float
) -> Samples:
    """``speech`` laid over ``background`` from ``at_s``: a short utterance in music or noise."""
    out = background.astype(np.float64).copy()
    start = round(at_s * RATE)
    stop = min(len(out), start + len(speech))
    out[start:stop] += speech[: stop - start] * speech_gain
    return np.clip(out, -1.0, 1.0).astype(np.float32)
