"""Cue boundaries: pauses always split, sentences are preferred, cues stay within limits."""

from __future__ import annotations

from jamak.subtitles import SubtitleRules, build_cues
from jamak.transcript import Segment

from .factories import spoken

RULES = SubtitleRules()


def _texts(*segments: Segment, rules: SubtitleRules = RULES) -> list[str]:
    cues = build_cues(segments, rules, language="en")
    return [" ".join(cue.lines) for cue in cues]


def test_a_long_pause_starts_a_new_cue_even_mid_sentence() -> None:
    assert _texts(spoken("so I said", start_s=0.0), spoken("nothing at all", start_s=2.0)) == [
        "so I said",
        "nothing at all",
    ]


def test_a_short_pause_does_not_split_a_short_sentence() -> None:
    texts = _texts(spoken("so I said", gap_s=0.05), spoken("nothing at all", start_s=1.2))
    assert texts == ["so I said nothing at all"]


def test_cues_end_at_sentence_ends_when_the_text_needs_several_cues() -> None:
    sentences = [
        "The storm came in from the west last night.",
        "Nobody in the village was ready.",
        "The old bridge was washed away before dawn.",
        "It took them a whole year to build a new one.",
    ]
    texts = _texts(spoken(" ".join(sentences)))
    assert len(texts) > 1
    assert all(text.endswith(".") for text in texts)
    assert " ".join(texts) == " ".join(sentences)


def test_a_sentence_too_long_for_one_cue_splits_at_a_comma() -> None:
    text = (
        "After the long and tiring journey through the mountains and valleys, "
        "we finally reached the small house by the lake."
    )
    first, second = _texts(spoken(text))
    assert first.endswith("valleys,")
    assert second.startswith("we finally")


def test_no_cue_holds_more_than_its_lines_allow() -> None:
    text = " ".join(["word"] * 120)
    cues = build_cues([spoken(text, word_s=0.1)], RULES, language="en")
    assert all(len(cue.lines) <= 2 and max(map(len, cue.lines)) <= 42 for cue in cues)
    assert " ".join(" ".join(c.lines) for c in cues) == text


def test_slow_speech_splits_so_no_cue_outlasts_the_maximum_duration() -> None:
    cues = build_cues([spoken("one two three four five six", word_s=1.4)], RULES, language="en")
    assert len(cues) >= 2
    assert all(cue.duration_s <= RULES.max_duration_s for cue in cues)


def test_single_line_rule_is_respected() -> None:
    rules = RULES.with_overrides(max_lines=1, max_chars_per_line=20)
    texts = _texts(spoken("this sentence is a bit too long for one line"), rules=rules)
    assert all(len(text) <= 20 for text in texts)
    assert len(texts) >= 3
