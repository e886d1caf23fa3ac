"""Line layout inside one cue: fewest lines, balanced, broken at punctuation, no orphans."""

from __future__ import annotations

from jamak.subtitles.lines import layout_lines
from jamak.subtitles.punctuation import boundary_after
from jamak.subtitles.units import Unit


def _units(text: str, language: str = "en", *, spaced: bool = True) -> list[Unit]:
    tokens = text.split() if spaced else text.split("|")
    return [Unit(t, spaced, 0, 0, boundary_after(t, language)) for t in tokens]


def test_text_that_fits_stays_on_one_line() -> None:
    assert layout_lines(_units("Short and sweet."), 42) == ("Short and sweet.",)


def test_two_lines_are_balanced_rather_than_full_then_nearly_empty() -> None:
    text = "we were walking along the river bank when the rain started to fall"
    top, bottom = layout_lines(_units(text), 42)
    assert abs(len(top) - len(bottom)) <= 10
    assert f"{top} {bottom}" == text


def test_a_break_prefers_sentence_punctuation() -> None:
    lines = layout_lines(_units("I saw it coming. Then everyone ran for the exit door"), 42)
    assert lines == ("I saw it coming.", "Then everyone ran for the exit door")


def test_a_break_prefers_a_comma_over_a_plain_space() -> None:
    lines = layout_lines(_units("When the meeting ended, we all went home together"), 42)
    assert lines == ("When the meeting ended,", "we all went home together")


def test_a_short_word_is_not_left_alone_when_a_better_break_exists() -> None:
    lines = layout_lines(_units("It was a long and winding road over hills. I"), 42)
    assert all(len(line.split()) > 1 for line in lines)


def test_a_word_longer_than_a_line_stands_alone_on_its_line() -> None:
    word = "Pneumonoultramicroscopicsilicovolcanoconiosis"
    lines = layout_lines(_units(f"the word {word} is long"), 42)
    assert lines == ("the word", word, "is long")


def test_lines_never_break_inside_a_word() -> None:
    text = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu"
    lines = layout_lines(_units(text), 20)
    assert " ".join(lines) == text
    assert all(len(line) <= 20 for line in lines)


def test_korean_breaks_at_spaces_counting_characters() -> None:
    lines = layout_lines(_units("우리는 공원에 가서 산책을 했습니다.", "ko"), 16)
    assert lines == ("우리는 공원에 가서", "산책을 했습니다.")


def test_japanese_joins_without_spaces_and_breaks_after_a_comma() -> None:
    units = _units("私たちは|公園に|行って、|散歩を|しました。", "ja", spaced=False)
    assert layout_lines(units, 16) == ("私たちは公園に行って、", "散歩をしました。")
