"""SubtitleRules: language defaults, user overrides, and impossible combinations refused."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from jamak.subtitles import SubtitleRules


@pytest.mark.parametrize("language", ["zh", "ja", "ko"])
def test_cjk_languages_count_sixteen_characters_per_line(language: str) -> None:
    assert SubtitleRules.for_language(language).max_chars_per_line == 16


@pytest.mark.parametrize("language", ["en", "fr", None])
def test_other_languages_get_the_broadcast_defaults(language: str | None) -> None:
    assert SubtitleRules.for_language(language) == SubtitleRules()


def test_overrides_replace_only_what_the_user_chose() -> None:
    rules = SubtitleRules.for_language("ko").with_overrides(max_lines=1)
    assert (rules.max_lines, rules.max_chars_per_line) == (1, 16)


def test_cue_capacity_is_bounded_by_lines_and_by_reading_time() -> None:
    assert SubtitleRules().max_chars_per_cue == 84  # 2 × 42, readable in 4.2 s
    slow = SubtitleRules(max_chars_per_s=5.0)
    assert slow.max_chars_per_cue == 35  # 7 s × 5 characters/s


@pytest.mark.parametrize(
    ("field", "value", "complaint"),
    [
        ("max_chars_per_line", 0, "max_chars_per_line"),
        ("max_lines", 0, "max_lines"),
        ("min_duration_s", 8.0, "below min_duration_s"),
        ("max_chars_per_s", 0.0, "max_chars_per_s"),
        ("min_gap_s", -0.1, "min_gap_s"),
        ("pause_split_s", 0.0, "pause_split_s"),
    ],
)
def test_impossible_rules_are_refused_with_the_reason(
    field: str, value: Any, complaint: str
) -> None:
    with pytest.raises(ValueError, match=complaint):
        replace(SubtitleRules(), **{field: value})
