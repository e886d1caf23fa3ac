"""SAMI output, read back by ``pycaption``: same times, same lines, the language's class."""

from __future__ import annotations

import pycaption

from jamak.subtitles import Cue, build_cues, formats
from jamak.subtitles.rules import SubtitleRules
from jamak.transcript import Transcript

from .factories import english_transcript, korean_transcript

SMI = formats.get("smi")


def read_back(text: str) -> pycaption.CaptionSet:
    assert text.startswith("\ufeff")
    return pycaption.SAMIReader().read(text.removeprefix("\ufeff"))


def timed_lines(captions: pycaption.CaptionSet, lang: str) -> list[tuple[int, int, list[str]]]:
    """(start ms, end ms, lines) of each caption; pycaption counts in microseconds."""
    parsed = []
    for caption in captions.get_captions(lang):
        lines = [node.content for node in caption.nodes if node.type_ == node.TEXT]
        parsed.append((round(caption.start / 1000), round(caption.end / 1000), lines))
    return parsed


def test_smi_parses_back_to_the_same_cues() -> None:
    for transcript, lang in ((english_transcript(), "en-US"), (korean_transcript(), "ko-KR")):
        rules = SubtitleRules.for_language(transcript.language)
        cues = build_cues(transcript.segments, rules, language=transcript.language)
        captions = read_back(SMI.render(transcript, cues))
        assert captions.get_languages() == [lang]
        assert timed_lines(captions, lang) == [
            (round(c.start_s * 1000), round(c.end_s * 1000), list(c.lines)) for c in cues
        ]


def test_a_gap_is_cleared_and_touching_cues_are_not() -> None:
    cues = [Cue(0.5, 2.0, ("하나",)), Cue(2.0, 3.25, ("둘",)), Cue(5.0, 7.0, ("셋", "넷"))]
    text = SMI.render(Transcript("ko", 8.0), cues)
    syncs = [line for line in text.splitlines() if line.startswith("<SYNC")]
    assert syncs == [
        "<SYNC Start=500><P Class=KRCC>하나",
        "<SYNC Start=2000><P Class=KRCC>둘",
        "<SYNC Start=3250><P Class=KRCC>&nbsp;",
        "<SYNC Start=5000><P Class=KRCC>셋<br>넷",
        "<SYNC Start=7000><P Class=KRCC>&nbsp;",
    ]
    assert timed_lines(read_back(text), "ko-KR") == [
        (500, 2000, ["하나"]),
        (2000, 3250, ["둘"]),
        (5000, 7000, ["셋", "넷"]),
    ]


def test_markup_characters_are_escaped() -> None:
    text = SMI.render(Transcript("en", 2.0), [Cue(0.0, 1.0, ("a <b> & c",))])
    assert "a &lt;b&gt; &amp; c" in text
    assert "<b>" not in text
    assert timed_lines(read_back(text), "en-US") == [(0, 1000, ["a <b> & c"])]


def test_the_class_names_the_language_of_the_text() -> None:
    cue = [Cue(0.0, 1.0, ("text",))]
    assert ".KRCC { Name:Korean; lang:ko-KR;" in SMI.render(Transcript("ko", 1.0), cue)
    assert read_back(SMI.render(Transcript("ja", 1.0), cue)).get_languages() == ["ja"]
    assert "<P Class=JACC>" in SMI.render(Transcript("ja", 1.0), cue)
    # A translation is written in English, whatever was spoken.
    translated = SMI.render(Transcript("ko", 1.0, task="translate"), cue)
    assert read_back(translated).get_languages() == ["en-US"]
    assert read_back(SMI.render(Transcript("", 1.0), cue)).get_languages() == ["und"]


def test_an_empty_transcript_gives_a_file_with_no_syncs() -> None:
    text = SMI.render(Transcript("ko", 0.0), ())
    assert text.startswith("\ufeff<SAMI>")
    assert "<BODY>\n</BODY>\n</SAMI>\n" in text
    assert "<SYNC" not in text
