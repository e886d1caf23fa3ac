"""Timestamps as subtitle formats spell them: ``HH:MM:SS,mmm`` (SRT), ``HH:MM:SS.mmm`` (WebVTT).

Both round to the millisecond, the precision cue times are computed in, so a written file
shows exactly the times the rules were checked against.
"""

from __future__ import annotations


def milliseconds(seconds: float) -> int:
    """Whole milliseconds, never negative (a negative time has no spelling in either format)."""
    return max(0, round(seconds * 1000))


def srt_timestamp(seconds: float) -> str:
    return _clock(seconds, ",")


def vtt_timestamp(seconds: float) -> str:
    return _clock(seconds, ".")


def _clock(seconds: float, decimal_mark: str) -> str:
    total_s, ms = divmod(milliseconds(seconds), 1000)
    total_min, s = divmod(total_s, 60)
    h, m = divmod(total_min, 60)
    # Hours keep growing past 99 rather than wrapping: a long recording stays in order.
    return f"{h:02d}:{m:02d}:{s:02d}{decimal_mark}{ms:03d}"
