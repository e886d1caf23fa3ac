"""Where the speech is: Silero voice activity detection (the model ships in faster-whisper).

Finding speech first is what lets jamak skip long stretches of silence, music and noise
(Whisper invents words on non-speech) and batch only the parts worth decoding. The settings lean
towards keeping speech: a dropped word costs more than a few decoded seconds of silence.

Two measured weaknesses of running Silero once over a whole file are corrected here:
- its speech probability falls with the input level, so quiet speech (whispering, a second
  speaker on one channel of a downmixed stereo file) reads as silence: the audio is heard
  brought to a standard peak level (:mod:`jamak.asr.levels`);
- its recurrent state can stay "in silence" for many seconds after a change of speaker or
  room: probabilities are also computed on short blocks with a fresh state, and a frame is
  as speech-like as the higher of the two readings (:mod:`jamak.asr.silero` runs the
  detector's encoder once for both).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jamak.asr.levels import level_gain
from jamak.asr.recognizer import SAMPLE_RATE, Audio
from jamak.asr.silero import SileroDetector
from jamak.asr.spans import SpeechSpan
from jamak.asr.speech_map import FRAME, Probabilities, SpeechMap

FRESH_BLOCK_FRAMES = 250  # ~8 s: short enough for a fresh state to matter


@dataclass(frozen=True, slots=True)
class VadSettings:
    threshold: float = 0.3  # a frame this speech-like starts speech...
    neg_threshold: float = 0.15  # ...and speech goes on until frames fall below this
    min_speech_ms: int = 250
    min_silence_ms: int = 500
    speech_pad_ms: int = 400
    max_speech_s: float = 29.0  # so one span always fits one 30-second Whisper window
    # Whisper hears up to this much of the non-speech on either side of the detected speech,
    # where there is room (see jamak.asr.windows.widen_windows): by default as much as fits.
    context_s: float = 30.0


def detect_speech(
    audio: Audio, settings: VadSettings | None = None, detector: SileroDetector | None = None
) -> tuple[SpeechSpan, ...]:
    if audio.size == 0:
        return ()
    probabilities = speech_probabilities(audio, detector or SileroDetector())
    return spans_from_probabilities(probabilities, settings or VadSettings())


def speech_map(audio: Audio, detector: SileroDetector | None = None) -> SpeechMap:
    """``detector``: one kept by the caller, to skip opening one (a few tens of ms)."""
    if audio.size == 0:
        return SpeechMap(np.zeros(0, dtype=np.float32))
    return SpeechMap(speech_probabilities(audio, detector or SileroDetector()))


def speech_probabilities(audio: Audio, detector: SileroDetector) -> Probabilities:
    """One speech probability per 32 ms frame: the higher of the two readings."""
    readings = detector.readings(audio, fresh_block=FRESH_BLOCK_FRAMES, gain=level_gain(audio))
    combined: Probabilities = np.maximum(readings.in_context, readings.fresh)
    return combined


def spans_from_probabilities(probs: Probabilities, settings: VadSettings) -> tuple[SpeechSpan, ...]:
    frame_s = FRAME / SAMPLE_RATE
    raw = _hysteresis(probs, settings, frame_s)
    pad = settings.speech_pad_ms / 1000
    end_s = len(probs) * frame_s
    padded: list[tuple[int, int]] = []
    for start, stop in raw:
        if (stop - start) * frame_s < settings.min_speech_ms / 1000:
            continue
        lo = max(0, start - round(pad / frame_s))
        hi = min(len(probs), stop + round(pad / frame_s))
        if padded and lo <= padded[-1][1]:
            padded[-1] = (padded[-1][0], hi)
        else:
            padded.append((lo, hi))
    max_frames = int(settings.max_speech_s / frame_s)
    spans = [piece for span in padded for piece in _split_long(probs, span, max_frames)]
    return tuple(SpeechSpan(a * frame_s, min(b * frame_s, end_s)) for a, b in spans)


def _hysteresis(
    probs: Probabilities, settings: VadSettings, frame_s: float
) -> list[tuple[int, int]]:
    min_silence = max(1, round(settings.min_silence_ms / 1000 / frame_s))
    spans: list[tuple[int, int]] = []
    start: int | None = None
    last_speech = 0
    for i, p in enumerate(probs):
        if start is None:
            if p >= settings.threshold:
                start, last_speech = i, i
        elif p >= settings.neg_threshold:
            last_speech = i
        elif i - last_speech >= min_silence:
            spans.append((start, last_speech + 1))
            start = None
    if start is not None:
        spans.append((start, last_speech + 1))
    return spans


def _split_long(
    probs: Probabilities, span: tuple[int, int], max_frames: int
) -> list[tuple[int, int]]:
    """Cut an over-long span at its least speech-like frame near the middle, recursively."""
    start, stop = span
    if stop - start <= max_frames:
        return [span]
    lo, hi = start + (stop - start) // 4, stop - (stop - start) // 4
    cut = lo + int(np.argmin(probs[lo:hi]))
    return _split_long(probs, (start, cut), max_frames) + _split_long(
        probs, (cut, stop), max_frames
    )
