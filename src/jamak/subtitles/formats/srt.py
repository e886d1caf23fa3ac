"""SubRip (``.srt``): numbered cues, ``HH:MM:SS,mmm`` times, a blank line after each cue.

The most widely accepted subtitle file; no header, so an empty transcript gives an empty file.
"""

from __future__ import annotations

from collections.abc import Sequence

from jamak.subtitles.cue import Cue
from jamak.subtitles.timecode import srt_timestamp
from jamak.transcript import Transcript


class SrtFormat:
    name = "srt"
    extension = "srt"
    media_type = "application/x-subrip; charset=utf-8"

    def render(self, transcript: Transcript, cues: Sequence[Cue]) -> str:
        return "\n".join(
            f"{number}\n{srt_timestamp(cue.start_s)} --> {srt_timestamp(cue.end_s)}\n{cue.text}\n"
            for number, cue in enumerate(cues, start=1)
        )
