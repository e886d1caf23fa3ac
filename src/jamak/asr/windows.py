"""Groups speech spans into the 30-second windows Whisper decodes, ready to batch.

A window covers consecutive spans from the first one's start to the last one's end, silences
between them included: Whisper hears the audio as it was (no splicing), and its timestamps map
back to the file with one offset per window.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from jamak.asr.spans import SpeechSpan

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


def widen_windows(
    windows: Sequence[Window],
    *,
    duration_s: float,
    margin_s: float,
    max_window_s: float = WHISPER_WINDOW_S,
) -> tuple[Window, ...]:
    """Each window widened by up to ``margin_s`` into the non-speech on either side.

    Whisper's sequential decoding hears speech with the quiet around it; cut tight to the
    detected speech, it misreads onsets and loses quiet word endings (whispered or falsetto
    speech, a voice trailing off) that voice activity detection trims. A window never passes
    the middle of the gap to its neighbour or the ends of the file, and never grows past the
    window length: the room before the speech is filled first, as the onset matters most.
    Measured on the evaluation corpus in bench/README.md.
    """
    widened: list[Window] = []
    for index, window in enumerate(windows):
        before = windows[index - 1].end_s if index > 0 else None
        after = windows[index + 1].start_s if index + 1 < len(windows) else None
        earliest = 0.0 if before is None else (before + window.start_s) / 2
        latest = duration_s if after is None else (window.end_s + after) / 2
        start = max(earliest, window.start_s - margin_s, window.end_s - max_window_s)
        start = min(start, window.start_s)
        end = min(latest, window.end_s + margin_s, start + max_window_s)
        widened.append(Window(start, max(end, window.end_s)))
    return tuple(widened)


def plan_chains(window_count: int, *, chain_windows: int) -> tuple[range, ...]:
    """Consecutive windows cut into chains of about ``chain_windows``, as evenly as possible.

    Within a chain, windows are decoded in order, each with the text of the one before it as
    its prompt (Whisper's condition_on_previous_text); different chains are decoded side by
    side in one batch. Longer chains give Whisper more context; more chains give the batch
    more width. The plan depends only on the number of windows, so the text never depends
    on the batch size or on the machine.
    """
    if window_count <= 0:
        return ()
    count = -(-window_count // chain_windows)
    base, extra = divmod(window_count, count)
    chains: list[range] = []
    start = 0
    for index in range(count):
        stop = start + base + (1 if index < extra else 0)
        chains.append(range(start, stop))
        start = stop
    return tuple(chains)


def next_read(
    seek_s: float,
    speech: Sequence[Window],
    context: Sequence[Window],
    *,
    min_left_s: float,
    max_window_s: float = WHISPER_WINDOW_S,
) -> Window | None:
    """What Whisper reads next in a chain, having read up to ``seek_s``; ``None`` when done.

    ``speech`` are the chain's planned windows and ``context`` the same widened (see
    :func:`widen_windows`). Like Whisper's sequential decoding, a read is a full window from
    where the last one stopped, so speech cut off at one read's end is heard whole in the
    next; unlike it, a read skips the non-speech before the next planned window, and the
    chain ends once less than ``min_left_s`` of its speech is left unread.
    """
    end_s = context[-1].end_s
    for planned, widened in zip(speech, context, strict=True):
        if planned.end_s - seek_s >= min_left_s:
            start = max(seek_s, widened.start_s)
            return Window(start, min(start + max_window_s, end_s))
    return None
