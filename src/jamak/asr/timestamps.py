"""Where Whisper stopped reading a window, from the timestamp tokens it wrote.

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

TIME_PRECISION_S = 0.02  # one timestamp token step


def resume_point(tokens: Sequence[int], timestamp_begin: int) -> float | None:
    """Seconds into the window at which reading should go on, or ``None`` if Whisper
    finished the window.

    Follows Whisper's rule: a window is finished when its output ends in a single closing
    timestamp, or has no complete segment at all; otherwise the text after the last pair of
    consecutive timestamps (a segment's close and the next one's open) is unfinished.
    """
    single_timestamp_ending = len(tokens) >= 2 and tokens[-2] < timestamp_begin <= tokens[-1]
    consecutive = [
        i
        for i in range(1, len(tokens))
        if tokens[i] >= timestamp_begin and tokens[i - 1] >= timestamp_begin
    ]
    if single_timestamp_ending or not consecutive:
        return None
    return (tokens[consecutive[-1] - 1] - timestamp_begin) * TIME_PRECISION_S
