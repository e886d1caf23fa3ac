"""Speed presets: one word a user can choose, for the trade between time and accuracy.

A preset names how reads are decoded, never what is read: the windows, chains and prompts
are the same under every preset, so the three differ only where the decoder searches
harder. Each point is measured in bench/README.md ("Results (issue 14): speed where
users live").
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal, get_args

from jamak.asr.options import RecognitionOptions

Speed = Literal["fast", "balanced", "accurate"]
SPEEDS: tuple[Speed, ...] = get_args(Speed)
DEFAULT_SPEED: Speed = "balanced"


def is_speed(value: str) -> bool:
    return value in SPEEDS


def with_speed(options: RecognitionOptions, speed: Speed) -> RecognitionOptions:
    """``options`` decoded at ``speed``; ``options.beam_size`` stays the beam of a search.

    - ``accurate``: every read by beam search (Whisper's own way, and jamak's until now).
    - ``balanced``: every read greedy first; a read the decoder doubts is read again by beam
      search (see :mod:`jamak.asr.doubt`), so the beam is paid only where it can help.
    - ``fast``: greedy only.
    """
    if speed == "accurate":
        return replace(options, greedy_first=False)
    if speed == "balanced":
        return replace(options, greedy_first=True)
    if speed == "fast":
        return replace(options, greedy_first=True, beam_size=1)
    raise ValueError(f"unknown speed {speed!r}; use one of: {', '.join(SPEEDS)}")
