"""The detector's verdict on a file, frame by frame: what recognition plans and judges by.

Apart from the detector itself (:mod:`jamak.asr.vad`, which loads a model) so that a file's
map can be computed once and handed on: a long file's plan runs the detector over all of it,
and each part it is cut into reads its own stretch of that map instead of running the
detector again over the same audio (bench/README.md, "Parts hear with the plan's detector").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from jamak.asr.recognizer import SAMPLE_RATE

FRAME = 512  # samples per Silero decision (32 ms)
FRAME_S = FRAME / SAMPLE_RATE

Probabilities = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class SpeechMap:
    """The detector's speech probability for every 32 ms frame of a file, kept after the
    spans are planned: where Whisper's words fall is later checked against it."""

    probabilities: Probabilities
    frame_s: float = FRAME_S

    def heard_share(self, spans: Sequence[tuple[float, float]], threshold: float) -> float:
        """The share of the frames under ``spans`` (seconds) at least ``threshold``
        speech-like; 0.0 for no frames."""
        heard = total = 0
        for start_s, end_s in spans:
            first = max(0, int(start_s / self.frame_s))
            stop = max(first + 1, math.ceil(end_s / self.frame_s))
            frames = self.probabilities[first:stop]
            total += len(frames)
            heard += int(np.count_nonzero(frames >= threshold))
        return heard / total if total else 0.0

    def heard_s(self, spans: Sequence[tuple[float, float]], threshold: float) -> float:
        """Seconds of the frames that ``spans`` (seconds, apart from each other) reach into,
        at least ``threshold`` speech-like."""
        heard = 0
        for start_s, end_s in spans:
            first = max(0, int(start_s / self.frame_s))
            stop = max(first, math.ceil(end_s / self.frame_s))
            heard += int(np.count_nonzero(self.probabilities[first:stop] >= threshold))
        return heard * self.frame_s

    def frames_for(self, samples: int) -> int:
        """How many frames the detector gives ``samples`` of audio: one per started frame."""
        return -(-samples // round(self.frame_s * SAMPLE_RATE))

    def stretch(self, start_s: float, samples: int) -> SpeechMap | None:
        """The map of ``samples`` of this file's audio from ``start_s``, as the detector heard
        them within the whole file: a frame for each frame the stretch starts (its last one
        as the file had it, audio after the stretch included). ``None`` unless ``start_s`` is
        on a frame boundary: a map half a frame off its audio would move every word edge
        placed on it."""
        first = round(start_s / self.frame_s)
        if abs(first * self.frame_s - start_s) * SAMPLE_RATE >= 0.5 or first < 0:
            return None
        count = self.frames_for(samples)
        piece = self.probabilities[first : first + count]
        missing = count - len(piece)
        if missing:  # past the file's end: no speech there
            piece = np.concatenate([piece, np.zeros(missing, dtype=np.float32)])
        return SpeechMap(np.ascontiguousarray(piece, dtype=np.float32), self.frame_s)
