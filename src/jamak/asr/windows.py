"""Groups speech spans into the 30-second inputs Whisper decodes, ready to batch.

A window is a run of *pieces* of the file played back to back: the speech spans with the
silence between them, except that a silence longer than ``max_gap_s`` is shortened to that
length (its two ends are kept, so Whisper still hears a pause, in the recording's own room
sound). Long silences cost encoder time and hold no words; shortening them fits more speech
into each window, so a long recording needs fewer windows. Times map back to the file
piece by piece (:meth:`Window.file_time`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from jamak.asr.vad import SpeechSpan

WHISPER_WINDOW_S = 30.0
# A pause this long still reads as a pause to Whisper (a sentence break), and costs little.
MAX_GAP_S = 1.0

Piece = tuple[float, float]  # (start_s, end_s) in the file


@dataclass(frozen=True, slots=True)
class Window:
    pieces: tuple[Piece, ...]  # in file order, never overlapping

    @classmethod
    def covering(cls, start_s: float, end_s: float) -> Window:
        """One stretch of the file, silences and all."""
        return cls(((start_s, end_s),))

    @property
    def start_s(self) -> float:
        return self.pieces[0][0]

    @property
    def end_s(self) -> float:
        return self.pieces[-1][1]

    @property
    def duration_s(self) -> float:
        """How long the window itself plays: its pieces back to back."""
        return sum(end - start for start, end in self.pieces)

    def file_time(self, window_s: float) -> float:
        """Where in the file the window is ``window_s`` seconds in (clamped to its pieces)."""
        offset = 0.0
        for start, end in self.pieces:
            if window_s <= offset + (end - start):
                return start + max(0.0, window_s - offset)
            offset += end - start
        return self.end_s


def plan_windows(
    spans: Sequence[SpeechSpan],
    *,
    max_window_s: float = WHISPER_WINDOW_S,
    max_gap_s: float = MAX_GAP_S,
) -> tuple[Window, ...]:
    """Consecutive spans share a window while they fit; a span is never split between two
    windows (except one longer than a whole window, cut into equal parts)."""
    windows: list[Window] = []
    pieces: list[list[float]] = []
    length = 0.0
    for span in spans:
        for part in _fit(span, max_window_s):
            if pieces:
                gap = part.start_s - pieces[-1][1]
                kept = min(gap, max_gap_s)
                if length + kept + part.duration_s <= max_window_s:
                    _append(pieces, part, gap, max_gap_s)
                    length += kept + part.duration_s
                    continue
                windows.append(_window(pieces))
            pieces = [[part.start_s, part.end_s]]
            length = part.duration_s
    if pieces:
        windows.append(_window(pieces))
    return tuple(windows)


def widen_windows(
    windows: Sequence[Window],
    *,
    duration_s: float,
    margin_s: float,
    max_window_s: float = WHISPER_WINDOW_S,
) -> tuple[Window, ...]:
    """Each window's end moved up to ``margin_s`` into the non-speech after it.

    Voice activity detection trims quiet word endings (whispered or falsetto speech, a
    voice trailing off) that Whisper still hears; the margin gives them back. Only ends
    move: measured on the evaluation corpus, margins before speech bought nothing and made
    Whisper write words on non-speech. The end never passes the middle of the gap to the
    next window, the end of the file, or the window length.
    """
    widened: list[Window] = []
    for index, window in enumerate(windows):
        following = windows[index + 1].start_s if index + 1 < len(windows) else None
        latest = duration_s if following is None else (window.end_s + following) / 2
        room = max(0.0, max_window_s - window.duration_s)
        end = max(window.end_s, min(latest, window.end_s + margin_s, window.end_s + room))
        *before, (last_start, _) = window.pieces
        widened.append(Window((*before, (last_start, end))))
    return tuple(widened)


def _append(pieces: list[list[float]], part: SpeechSpan, gap: float, max_gap_s: float) -> None:
    """Add ``part`` after the last piece: joined through a short silence, or after a long
    one shortened to ``max_gap_s`` (half kept after the last piece, half before ``part``)."""
    if gap <= max_gap_s:
        pieces[-1][1] = part.end_s
        return
    half = max_gap_s / 2
    pieces[-1][1] += half
    pieces.append([part.start_s - half, part.end_s])


def _window(pieces: list[list[float]]) -> Window:
    return Window(tuple((start, end) for start, end in pieces))


def _fit(span: SpeechSpan, max_window_s: float) -> list[SpeechSpan]:
    """A span longer than one window, cut into equal pieces (rare: VAD already caps spans)."""
    if span.duration_s <= max_window_s:
        return [span]
    count = int(span.duration_s // max_window_s) + 1
    step = span.duration_s / count
    return [
        SpeechSpan(span.start_s + i * step, span.start_s + (i + 1) * step) for i in range(count)
    ]
