"""WebVTT output, read back by ``webvtt-py``: same times, same text, markup escaped."""

from __future__ import annotations

import html

import webvtt

from jamak.subtitles import Cue, build_cues, formats
from jamak.subtitles.rules import SubtitleRules
from jamak.transcript import Transcript

from .factories import english_transcript, korean_transcript

VTT = formats.get("vtt")


def test_vtt_parses_back_to_the_same_cues() -> None:
    for transcript in (english_transcript(), korean_transcript()):
        rules = SubtitleRules.for_language(transcript.language)
        cues = build_cues(transcript.segments, rules, language=transcript.language)
        parsed = webvtt.from_string(VTT.render(transcript, cues)).captions
        assert [(p.start_time.in_milliseconds(), p.end_time.in_milliseconds()) for p in parsed] == [
            (round(c.start_s * 1000), round(c.end_s * 1000)) for c in cues
        ]
        assert [html.unescape(p.text) for p in parsed] == [c.text for c in cues]


def test_markup_characters_are_escaped() -> None:
    text = VTT.render(Transcript("en", 2.0), [Cue(0.0, 1.0, ("a <b> & c --> d",))])
    assert "a &lt;b&gt; &amp; c --&gt; d" in text
    assert "<b>" not in text


def test_vtt_layout_has_the_header_and_dotted_times() -> None:
    text = VTT.render(Transcript("en", 2.0), [Cue(0.0, 1.25, ("one", "two"))])
    assert text == "WEBVTT\n\n00:00:00.000 --> 00:00:01.250\none\ntwo\n"


def test_an_empty_transcript_gives_a_valid_empty_vtt_file() -> None:
    text = VTT.render(Transcript("en", 0.0), ())
    assert text == "WEBVTT\n"
    assert webvtt.from_string(text).captions == []
