"""check_cues: silent on good cues, one clear message per broken rule."""

from __future__ import annotations

import pytest

from jamak.subtitles import Cue, SubtitleRules, check_cues

RULES = SubtitleRules()


def test_cues_that_keep_the_rules_have_no_violations() -> None:
    cues = [Cue(0.0, 1.5, ("Hello there.",)), Cue(1.58, 3.0, ("How are you?", "Fine."))]
    assert check_cues(cues, RULES) == []


def test_no_cues_have_no_violations() -> None:
    assert check_cues([], RULES) == []


@pytest.mark.parametrize(
    ("cue", "complaint"),
    [
        (Cue(0.0, 0.5, ("Hi.",)), "lasts 0.500 s (at least 0.8 s)"),
        (Cue(0.0, 8.0, ("Hi.",)), "lasts 8.000 s (at most 7.0 s)"),
        (Cue(0.0, 1.0, ("x" * 30,)), "needs 30.00 characters/s"),
        (Cue(-0.5, 1.0, ("Hi.",)), "negative time"),
        (Cue(0.0, 3.0, ("one", "two", "three")), "has 3 lines"),
        (Cue(0.0, 3.0, ()), "has 0 lines"),
        (Cue(0.0, 3.0, ("",)), "line 1 is empty"),
        (Cue(0.0, 3.0, (" padded",)), "spaces at its ends"),
        (Cue(0.0, 3.0, ("a line that is far too long for the screen rule",)), "line 1 has 47"),
    ],
)
def test_each_broken_rule_is_named(cue: Cue, complaint: str) -> None:
    (problem,) = check_cues([cue], RULES)
    assert problem.startswith("cue 1: ")
    assert complaint in problem


def test_overlap_and_a_too_small_gap_are_violations() -> None:
    cues = [Cue(0.0, 2.0, ("a",)), Cue(1.5, 3.0, ("b",)), Cue(3.03, 4.0, ("c",))]
    problems = check_cues(cues, RULES)
    assert [p.split(":")[0] for p in problems] == ["cue 2", "cue 3"]


def test_a_single_long_word_may_exceed_the_line_in_spaced_scripts_only() -> None:
    cue = Cue(0.0, 5.0, ("Donaudampfschifffahrtsgesellschaftskapitän",))
    assert check_cues([cue], RULES, language="de") == []
    french = Cue(0.0, 5.0, ("« Anticonstitutionnellementissimementissime ? »",))
    assert check_cues([french], RULES, language="fr") == []
    long_japanese = Cue(0.0, 5.0, ("あ" * 20,))
    assert check_cues([long_japanese], SubtitleRules.for_language("ja"), language="ja") != []


def test_reading_speed_counts_spaces_but_not_line_breaks() -> None:
    rules = SubtitleRules(max_chars_per_s=10.0)
    assert check_cues([Cue(0.0, 1.0, ("abcd", "efghij"))], rules) == []  # 10 characters
    assert check_cues([Cue(0.0, 1.0, ("abcd efghij",))], rules) != []  # 11 characters
