"""SRT output, read back by the ``srt`` package: same times, same text."""

from __future__ import annotations

from datetime import timedelta

import srt

from jamak.subtitles import Cue, build_cues, formats
from jamak.subtitles.rules import SubtitleRules
from jamak.transcript import Transcript

from .factories import english_transcript, korean_transcript

SRT = formats.get("srt")


def _render(transcript: Transcript) -> tuple[tuple[Cue, ...], str]:
    rules = SubtitleRules.for_language(transcript.language)
    cues = build_cues(transcript.segments, rules, language=transcript.language)
    return cues, SRT.render(transcript, cues)


def test_srt_parses_back_to_the_same_cues() -> None:
    for transcript in (english_transcript(), korean_transcript()):
        cues, text = _render(transcript)
        parsed = list(srt.parse(text))
        assert [p.index for p in parsed] == list(range(1, len(cues) + 1))
        assert [(p.start, p.end, p.content) for p in parsed] == [
            (timedelta(seconds=c.start_s), timedelta(seconds=c.end_s), c.text) for c in cues
        ]


def test_srt_block_layout() -> None:
    cues = [Cue(1.0, 2.5, ("one", "two")), Cue(3.0, 4.0, ("three",))]
    assert SRT.render(Transcript("en", 5.0), cues) == (
        "1\n00:00:01,000 --> 00:00:02,500\none\ntwo\n\n2\n00:00:03,000 --> 00:00:04,000\nthree\n"
    )


def test_an_empty_transcript_gives_an_empty_srt_file() -> None:
    transcript = Transcript("en", 0.0)
    assert build_cues(transcript.segments, SubtitleRules(), language="en") == ()
    assert SRT.render(transcript, ()) == ""
    assert list(srt.parse("")) == []
