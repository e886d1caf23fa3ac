"""What every subtitle writer offers: a name, a file extension, a media type, and ``render``.

Writers get both the transcript and the cues, because some formats are about the timed
subtitles (SRT, WebVTT, TSV) and others about the words themselves (plain text, JSON).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from jamak.subtitles.cue import Cue
from jamak.transcript import Transcript


class SubtitleFormat(Protocol):
    @property
    def name(self) -> str:
        """The name users type (``--format srt``) and jobs store."""
        ...

    @property
    def extension(self) -> str:
        """File extension without the dot."""
        ...

    @property
    def media_type(self) -> str:
        """The HTTP ``Content-Type``; text types name UTF-8, since Hangul or kana need it."""
        ...

    def render(self, transcript: Transcript, cues: Sequence[Cue]) -> str: ...
