"""Plain text (``.txt``): the transcript as prose, in paragraphs, without times.

Someone opening a ``.txt`` transcript wants to *read* what was said, not subtitle fragments:
cue lines cut sentences wherever the screen ran out of room. So the text follows Whisper's
segments (about a sentence each) joined as running prose, and a silence of at least
``PARAGRAPH_PAUSE_S`` between segments, where speakers usually change topic or turn, starts
a new paragraph. Paragraphs are separated by a blank line.
"""

from __future__ import annotations

from collections.abc import Sequence

from jamak.subtitles.cue import Cue
from jamak.transcript import UNSPACED_LANGUAGES, Transcript

PARAGRAPH_PAUSE_S = 2.0


class TextFormat:
    name = "txt"
    extension = "txt"
    media_type = "text/plain; charset=utf-8"

    def render(self, transcript: Transcript, cues: Sequence[Cue]) -> str:
        separator = "" if transcript.language in UNSPACED_LANGUAGES else " "
        return "\n".join(separator.join(p) + "\n" for p in _paragraphs(transcript))


def _paragraphs(transcript: Transcript) -> list[list[str]]:
    paragraphs: list[list[str]] = []
    previous_end_s: float | None = None
    for segment in transcript.segments:
        text = " ".join(segment.text.split())
        if not text:
            continue
        if previous_end_s is None or segment.start_s - previous_end_s >= PARAGRAPH_PAUSE_S:
            paragraphs.append([])
        paragraphs[-1].append(text)
        previous_end_s = segment.end_s
    return paragraphs
