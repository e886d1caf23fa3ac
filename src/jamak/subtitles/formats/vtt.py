"""WebVTT (``.vtt``), the format browsers' ``<track>`` element plays.

Cue text is markup in WebVTT, so ``&``, ``<`` and ``>`` are written as character references;
otherwise a transcript saying "a <b" would be read as a tag (and "-->" as a timing line).
"""

from __future__ import annotations

from collections.abc import Sequence

from jamak.subtitles.cue import Cue
from jamak.subtitles.timecode import vtt_timestamp
from jamak.transcript import Transcript

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


class VttFormat:
    name = "vtt"
    extension = "vtt"
    media_type = "text/vtt; charset=utf-8"

    def render(self, transcript: Transcript, cues: Sequence[Cue]) -> str:
        blocks = [
            f"{vtt_timestamp(cue.start_s)} --> {vtt_timestamp(cue.end_s)}\n"
            f"{cue.text.translate(_ESCAPES)}\n"
            for cue in cues
        ]
        return "\n".join(["WEBVTT\n", *blocks])
