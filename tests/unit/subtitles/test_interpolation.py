"""Segments without word timings still split into timed pieces."""

from __future__ import annotations

import pytest

from jamak.subtitles.interpolation import interpolate_words
from jamak.transcript import Segment


def test_spaced_text_splits_at_spaces_with_times_shared_by_characters() -> None:
    words = interpolate_words(Segment(1.0, 2.0, " ab cdefgh"), "en")
    assert [w.text for w in words] == [" ab", " cdefgh"]
    assert [(w.start_s, w.end_s) for w in words] == [(1.0, 1.25), (1.25, 2.0)]


def test_unspaced_text_splits_into_characters_but_keeps_latin_words() -> None:
    words = interpolate_words(Segment(0.0, 1.0, "新しいiPhone です"), "ja")
    assert [w.text for w in words] == ["新", "し", "い", "iPhone", " で", "す"]


def test_thai_vowel_marks_stay_with_their_letters() -> None:
    words = interpolate_words(Segment(0.0, 1.0, "สวัสดี ครับ"), "th")
    assert [w.text for w in words] == ["สวัสดี", " ครับ"]


@pytest.mark.parametrize("text", ["", "   "])
def test_a_segment_without_text_has_no_words(text: str) -> None:
    assert interpolate_words(Segment(0.0, 1.0, text), "en") == ()
