"""The unit stream: words joined as written, punctuation kept with its word, tidy times."""

from __future__ import annotations

from jamak.subtitles import SubtitleRules
from jamak.subtitles.punctuation import Boundary
from jamak.subtitles.units import Unit, units_from_segments
from jamak.transcript import Segment, Word

RULES = SubtitleRules()


def _segment(*words: tuple[str, float, float]) -> Segment:
    timed = tuple(Word(start, end, text, 0.9) for text, start, end in words)
    return Segment(timed[0].start_s, timed[-1].end_s, "".join(w.text for w in timed), timed)


def _texts(units: list[Unit]) -> list[str]:
    return [u.text for u in units]


def test_a_word_piece_without_a_leading_space_stays_with_its_word() -> None:
    segment = _segment((" don", 0.0, 0.2), ("'t", 0.2, 0.3), (" go", 0.4, 0.6))
    units = units_from_segments([segment], RULES, language="en")
    assert _texts(units) == ["don't", "go"]
    assert (units[0].start_ms, units[0].end_ms) == (0, 300)


def test_detached_punctuation_joins_the_word_before_it() -> None:
    segment = _segment((" Quoi", 0.0, 0.3), (" ?", 0.3, 0.4), (" Non", 1.0, 1.2))
    units = units_from_segments([segment], RULES, language="fr")
    assert _texts(units) == ["Quoi ?", "Non"]
    assert units[0].boundary is Boundary.SENTENCE


def test_chinese_words_join_without_spaces_and_stray_spaces_go() -> None:
    segment = _segment(("我们", 0.0, 0.2), (" 今天", 0.2, 0.4), ("。", 0.4, 0.5))
    units = units_from_segments([segment], RULES, language="zh")
    assert _texts(units) == ["我们", "今天。"]
    assert [u.space_before for u in units] == [False, False]


def test_latin_words_inside_japanese_keep_their_spaces() -> None:
    segment = _segment(("新しい", 0.0, 0.3), (" Apple", 0.3, 0.5), (" Watch", 0.5, 0.7))
    units = units_from_segments([segment], RULES, language="ja")
    assert _texts(units) == ["新しい", "Apple", "Watch"]
    assert [u.space_before for u in units] == [False, True, True]


def test_korean_eojeol_are_units_separated_by_spaces() -> None:
    segment = _segment((" 오늘은", 0.0, 0.3), (" 날씨가", 0.3, 0.6), (" 좋네요.", 0.6, 0.9))
    units = units_from_segments([segment], RULES, language="ko")
    assert _texts(units) == ["오늘은", "날씨가", "좋네요."]
    assert all(u.space_before for u in units)


def test_segments_of_a_spaced_language_are_separated_by_a_space() -> None:
    first = _segment((" end.", 0.0, 0.3))
    second = _segment(("Next", 1.0, 1.3))  # no leading space from the recogniser
    units = units_from_segments([first, second], RULES, language="en")
    assert _texts(units) == ["end.", "Next"]
    assert units[1].space_before


def test_a_segment_end_counts_as_a_clause_break() -> None:
    units = units_from_segments([_segment((" so", 0.0, 0.3))], RULES, language="en")
    assert units[0].boundary is Boundary.CLAUSE


def test_disordered_and_negative_times_become_non_decreasing() -> None:
    segment = _segment((" a", 1.0, 0.5), (" b", 0.8, 1.5), (" c", -2.0, float("nan")))
    units = units_from_segments([segment], RULES, language="en")
    starts = [u.start_ms for u in units]
    assert starts == sorted(starts) and starts[0] >= 0
    assert all(u.end_ms >= u.start_ms for u in units)


def test_whitespace_inside_a_word_never_reaches_a_line() -> None:
    units = units_from_segments([_segment((" new\nline\tword", 0.0, 1.0))], RULES, language="en")
    assert _texts(units) == ["new line word"]


def test_cjk_word_longer_than_a_line_is_cut_between_characters() -> None:
    rules = SubtitleRules.for_language("ja")
    word = "あ" * 40
    units = units_from_segments([_segment((word, 0.0, 4.0))], rules, language="ja")
    assert "".join(_texts(units)) == word
    assert all(len(u.text) <= 16 for u in units)
    assert units[-1].end_ms == 4000


def test_spaced_word_longer_than_a_line_stays_whole_while_it_can_be_read() -> None:
    word = "x" * 100  # readable in 5 s, so it goes alone on its line rather than being cut
    units = units_from_segments([_segment((f" {word}", 0.0, 1.0))], RULES, language="en")
    assert _texts(units) == [word]


def test_spaced_word_too_long_to_read_in_one_cue_is_cut_into_lines() -> None:
    word = "y" * 300
    units = units_from_segments([_segment((f" {word}", 0.0, 1.0))], RULES, language="en")
    assert "".join(_texts(units)) == word
    assert all(len(u.text) <= RULES.max_chars_per_line for u in units)
