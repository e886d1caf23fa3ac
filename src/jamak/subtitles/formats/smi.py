"""SAMI (``.smi``): the subtitle file Korean players read first.

PotPlayer, GOM Player and KMPlayer, and the subtitles Korean viewers have shared for two
decades, are SAMI: HTML-like markup in which each ``<SYNC Start=ms>`` shows its text until
the next SYNC. So a cue's end is written as a SYNC of its own holding a non-breaking space
(what those players clear the screen with), except where the next cue starts at that
instant. Cue text is markup: ``&``, ``<`` and ``>`` are character references, line breaks
``<br>``.

Players that predate UTF-8 read a SAMI file without a byte-order mark in the system's code
page (CP949 on a Korean Windows), which turns UTF-8 Hangul into mojibake; with the mark they
read UTF-8. The file therefore starts with one, unlike jamak's other formats.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from jamak.subtitles.cue import Cue
from jamak.subtitles.timecode import milliseconds
from jamak.transcript import Transcript

BYTE_ORDER_MARK = "\ufeff"
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# The class names Korean SAMI files use for their two common languages; any other language
# gets its code, upper-cased, the same way ("JACC").
_CONVENTIONAL = {"ko": ("KRCC", "ko-KR", "Korean"), "en": ("ENCC", "en-US", "English")}


class SamiFormat:
    name = "smi"
    extension = "smi"
    media_type = "application/x-sami; charset=utf-8"

    def render(self, transcript: Transcript, cues: Sequence[Cue]) -> str:
        # A translation is English whatever language was spoken; "und" (BCP 47's
        # undetermined) where no language was found.
        language = "en" if transcript.task == "translate" else transcript.language or "und"
        style, lang, label = _CONVENTIONAL.get(
            language, (f"{language.upper()}CC", language, language)
        )
        head = (
            "<SAMI>\n<HEAD>\n<TITLE>jamak</TITLE>\n"
            '<STYLE TYPE="text/css">\n<!--\n'
            "P { margin-left:8pt; margin-right:8pt; margin-bottom:2pt; margin-top:2pt;"
            " text-align:center; font-size:20pt; font-family:sans-serif; font-weight:normal;"
            " color:white; }\n"
            f".{style} {{ Name:{label}; lang:{lang}; SAMIType:CC; }}\n"
            "-->\n</STYLE>\n</HEAD>\n<BODY>\n"
        )
        body = "".join(
            f"<SYNC Start={start}><P Class={style}>{text}\n" for start, text in _syncs(cues)
        )
        return f"{BYTE_ORDER_MARK}{head}{body}</BODY>\n</SAMI>\n"


def _syncs(cues: Sequence[Cue]) -> Iterator[tuple[int, str]]:
    """(start in ms, markup) of every SYNC: each cue, then a clearing one where a gap follows."""
    for index, cue in enumerate(cues):
        yield milliseconds(cue.start_s), "<br>".join(line.translate(_ESCAPES) for line in cue.lines)
        end = milliseconds(cue.end_s)
        following = cues[index + 1] if index + 1 < len(cues) else None
        if following is None or milliseconds(following.start_s) > end:
            yield end, "&nbsp;"
