"""Groups speech spans into the 30-second windows Whisper decodes, ready to batch.

A window covers consecutive spans from the first one's start to the last one's end, silences
between them included: Whisper hears the audio as it was (no splicing), and its timestamps map
back to the file with one offset per window.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from jamak.asr.vad import SpeechSpan

WHISPER_WINDOW_S = 30.0


@dataclass(frozen=True, slots=True)
class Window:
    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


def plan_windows(
    spans: Sequence[SpeechSpan], *, max_window_s: float = WHISPER_WINDOW_S
) -> tuple[Window, ...]:
    windows: list[Window] = []
    current: Window | None = None
    for span in spans:
        for piece in _fit(span, max_window_s):
            if current is not None and piece.end_s - current.start_s <= max_window_s:
                current = Window(current.start_s, piece.end_s)
                continue
            if current is not None:
                windows.append(current)
            current = Window(piece.start_s, piece.end_s)
    if current is not None:
        windows.append(current)
    return tuple(windows)


def _fit(span: SpeechSpan, max_window_s: float) -> list[SpeechSpan]:
    """A span longer than one window, cut into equal pieces (rare: VAD already caps spans)."""
    if span.duration_s <= max_window_s:
        return [span]
    count = int(span.duration_s // max_window_s) + 1
    step = span.duration_s / count
    return [
        SpeechSpan(span.start_s + i * step, span.start_s + (i + 1) * step) for i in range(count)
    ]
