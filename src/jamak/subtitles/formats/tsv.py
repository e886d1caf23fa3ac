"""Tab-separated values (``.tsv``): one cue per row, for spreadsheets and scripts.

Columns ``start``, ``end`` (integer milliseconds, as openai/whisper's TSV writes them) and
``text``. Rows are the cues, the same timed units as SRT and WebVTT, so an edited sheet maps
back onto the subtitles. A tab or line break inside the text would break the row, so the text
is escaped: ``\\t``, ``\\n`` (the cue's own line break), ``\\r`` and ``\\\\`` for a backslash.
"""

from __future__ import annotations

from collections.abc import Sequence

from jamak.subtitles.cue import Cue
from jamak.subtitles.timecode import milliseconds
from jamak.transcript import Transcript

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class TsvFormat:
    name = "tsv"
    extension = "tsv"
    media_type = "text/tab-separated-values; charset=utf-8"

    def render(self, transcript: Transcript, cues: Sequence[Cue]) -> str:
        rows = ["start\tend\ttext"]
        rows += [
            f"{milliseconds(cue.start_s)}\t{milliseconds(cue.end_s)}\t{escape(cue.text)}"
            for cue in cues
        ]
        return "\n".join(rows) + "\n"


def escape(text: str) -> str:
    return text.translate(_ESCAPES)
