"""TSV: a header, then one row per cue with integer milliseconds and escaped text."""

from __future__ import annotations

import csv
import io

from jamak.subtitles import Cue, formats
from jamak.transcript import Transcript

TSV = formats.get("tsv")


def test_rows_have_millisecond_times_and_escaped_text() -> None:
    cues = [Cue(0.5, 1.25, ("tab\there", "back\\slash")), Cue(2.0, 3.0, ("plain",))]
    text = TSV.render(Transcript("en", 4.0), cues)
    rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
    assert rows == [
        ["start", "end", "text"],
        ["500", "1250", "tab\\there\\nback\\\\slash"],
        ["2000", "3000", "plain"],
    ]


def test_an_empty_transcript_gives_only_the_header() -> None:
    assert TSV.render(Transcript("en", 0.0), ()) == "start\tend\ttext\n"
