"""Where Whisper stopped reading a window, and its segments, from the timestamp tokens it wrote.

Whisper decoding with timestamps writes ``<|t0|> text <|t1|>`` segment by segment. When its
last segment would run past the window it stops after a segment's opening timestamp instead
(or mid-text), expecting the caller to go on from there, as its own sequential decoding does
by moving its 30-second window. jamak does the same in each chain of windows: its next read
starts at the end of the last complete segment, with the text before it as the prompt
(see :func:`jamak.asr.windows.next_read`). Measured on the evaluation clips, decoding with
timestamps and reading on so is more faithful than decoding without timestamps (see
bench/README.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

TIME_PRECISION_S = 0.02  # one timestamp token step


@dataclass(frozen=True, slots=True)
class TimedTokens:
    """One segment of a read: its tokens (timestamps included) and where it says it lies,
    in seconds of the file."""

    start_s: float
    end_s: float
    tokens: tuple[int, ...]


def resume_point(tokens: Sequence[int], timestamp_begin: int) -> float | None:
    """Seconds into the window at which reading should go on, or ``None`` if Whisper
    finished the window.

    Follows Whisper's rule: a window is finished when its output ends in a single closing
    timestamp, or has no complete segment at all; otherwise the text after the last pair of
    consecutive timestamps (a segment's close and the next one's open) is unfinished.
    """
    single_timestamp_ending, pairs = _closings(tokens, timestamp_begin)
    if single_timestamp_ending or not pairs:
        return None
    return (tokens[pairs[-1] - 1] - timestamp_begin) * TIME_PRECISION_S


def split_at_timestamps(
    tokens: Sequence[int], timestamp_begin: int, *, offset_s: float, window_s: float
) -> list[TimedTokens]:
    """A read's tokens cut into segments as Whisper cuts them, times from the file's start
    (the read began ``offset_s`` into it and covered ``window_s``).

    Each pair of consecutive timestamps closes one segment and opens the next; an unfinished
    last segment (no closing pair) is left out, as the next read starts there
    (:func:`resume_point`), unless the read ends in a single closing timestamp: then it runs
    to the end. A read with no pair at all is one segment, up to its last timestamp (the
    whole window when it has none past ``<|0.00|>``). Whisper's own rule, written here
    rather than borrowed from faster-whisper's private helper, so an upgrade of the engine
    cannot move segment times unseen.
    """
    single_timestamp_ending, pairs = _closings(tokens, timestamp_begin)
    if not pairs:
        times = [token for token in tokens if token >= timestamp_begin]
        duration_s = window_s
        if times and times[-1] != timestamp_begin:
            duration_s = (times[-1] - timestamp_begin) * TIME_PRECISION_S
        return [TimedTokens(offset_s, offset_s + duration_s, tuple(tokens))]
    cuts = [*pairs, len(tokens)] if single_timestamp_ending else pairs
    segments = []
    first = 0
    for cut in cuts:
        piece = tuple(tokens[first:cut])
        segments.append(
            TimedTokens(
                offset_s + (piece[0] - timestamp_begin) * TIME_PRECISION_S,
                offset_s + (piece[-1] - timestamp_begin) * TIME_PRECISION_S,
                piece,
            )
        )
        first = cut
    return segments


def _closings(tokens: Sequence[int], timestamp_begin: int) -> tuple[bool, list[int]]:
    """Whether the read ends in a single closing timestamp, and where each pair of
    consecutive timestamps (a segment's close, the next one's open) has its second."""
    single_timestamp_ending = len(tokens) >= 2 and tokens[-2] < timestamp_begin <= tokens[-1]
    pairs = [
        i
        for i in range(1, len(tokens))
        if tokens[i] >= timestamp_begin and tokens[i - 1] >= timestamp_begin
    ]
    return single_timestamp_ending, pairs
