"""Break strength after a word: sentence, clause, or none, across scripts."""

from __future__ import annotations

import pytest

from jamak.subtitles.punctuation import (
    Boundary,
    boundary_after,
    is_closing_punctuation,
    is_opening_punctuation,
)


@pytest.mark.parametrize(
    ("word", "language"),
    [
        (" dog.", "en"),
        (" why?", "en"),
        (" stop!\u201d", "en"),
        (" 'wait…'", "en"),
        ("ですね。", "ja"),
        ("吗？", "zh"),
        (" 했습니다.", "ko"),
        (" 먹었어요?", "ko"),
    ],
)
def test_sentence_punctuation_ends_a_sentence(word: str, language: str) -> None:
    assert boundary_after(word, language) is Boundary.SENTENCE


@pytest.mark.parametrize(
    ("word", "language"),
    [(" well,", "en"), (" first;", "en"), ("行って、", "ja"), ("但是，", "zh"), (" 그런데,", "ko")],
)
def test_clause_punctuation_ends_a_clause(word: str, language: str) -> None:
    assert boundary_after(word, language) is Boundary.CLAUSE


def test_korean_sentence_ending_without_a_full_stop_is_still_a_fair_break() -> None:
    assert boundary_after(" 했습니다", "ko") is Boundary.CLAUSE
    assert boundary_after(" 했습니다", "en") is Boundary.WORD


@pytest.mark.parametrize("word", [" Mr.", " the", " 3.5", " e.g."])
def test_plain_words_and_abbreviations_do_not_invite_a_break(word: str) -> None:
    assert boundary_after(word, "en") is Boundary.WORD


def test_closing_and_opening_marks_are_told_apart() -> None:
    assert is_closing_punctuation("。") and is_closing_punctuation("?!")
    assert not is_closing_punctuation("¿")
    assert is_opening_punctuation("「") and is_opening_punctuation("¿")
    assert not is_opening_punctuation("a")
