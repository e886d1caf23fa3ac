"""build_cues end to end on transcripts: text kept, scripts joined right, rules kept."""

from __future__ import annotations

import pytest

from jamak.subtitles import SubtitleRules, build_cues, check_cues
from jamak.transcript import Segment, Transcript, Word

from .factories import english_transcript, korean_transcript, spoken


def test_an_empty_transcript_has_no_cues() -> None:
    assert build_cues((), SubtitleRules(), language="en") == ()
    silent = (Segment(0.0, 1.0, "", ()), Segment(1.0, 2.0, " ", (Word(1.0, 1.5, " ", 0.1),)))
    assert build_cues(silent, SubtitleRules(), language="en") == ()


@pytest.mark.parametrize("transcript", [english_transcript(), korean_transcript()])
def test_fixed_transcripts_keep_every_rule_and_every_word(transcript: Transcript) -> None:
    rules = SubtitleRules.for_language(transcript.language)
    cues = build_cues(transcript.segments, rules, language=transcript.language)
    assert check_cues(cues, rules, language=transcript.language) == []
    assert " ".join(" ".join(c.lines) for c in cues) == transcript.text


def test_chinese_words_are_joined_without_spaces() -> None:
    segment = spoken("我们今天去公园散步。然后一起吃午饭。", spaced=False, word_s=0.2)
    rules = SubtitleRules.for_language("zh")
    cues = build_cues([segment], rules, language="zh")
    assert "".join(c.text.replace("\n", "") for c in cues) == "我们今天去公园散步。然后一起吃午饭。"
    assert all(" " not in c.text for c in cues)
    assert cues[0].lines[-1].endswith("。")


def test_segments_without_word_times_are_split_by_interpolation() -> None:
    text = (
        " This segment came without word timings, so its time is shared out over its "
        "characters, and it is still cut into readable cues of at most two lines."
    )
    rules = SubtitleRules()
    cues = build_cues([Segment(10.0, 20.0, text)], rules, language="en")
    assert len(cues) > 1
    assert check_cues(cues, rules) == []
    assert cues[0].start_s == 10.0
    assert " ".join(" ".join(c.lines) for c in cues) == text.strip()


def test_japanese_segment_without_word_times_breaks_after_punctuation() -> None:
    text = "今日はとても良い天気ですね。公園に行きましょう。"
    rules = SubtitleRules.for_language("ja")
    cues = build_cues([Segment(0.0, 4.0, text)], rules, language="ja")
    assert [c.lines for c in cues] == [("今日はとても良い天気ですね。", "公園に行きましょう。")]


def test_cues_never_start_before_zero_or_overlap_with_messy_word_times() -> None:
    words = (
        Word(-0.5, 0.2, " early", 0.9),
        Word(0.1, 0.05, " backwards", 0.9),
        Word(0.1, 30.0, " endless", 0.9),
        Word(0.2, 0.3, " overlap.", 0.9),
    )
    rules = SubtitleRules()
    cues = build_cues([Segment(-0.5, 30.0, "", words)], rules, language="en")
    assert check_cues(cues, rules) == []
    assert cues[0].start_s >= 0.0
