"""Where Whisper stopped reading a window, from the timestamp tokens it wrote."""

from jamak.asr.timestamps import resume_point

BEGIN = 50364  # <|0.00|> in Whisper's multilingual vocabulary


def at(seconds: float) -> int:
    return BEGIN + round(seconds / 0.02)


def test_a_window_ending_in_a_closed_segment_is_finished() -> None:
    tokens = [at(0.0), 11, 12, at(2.0), at(2.5), 13, at(4.0)]
    assert resume_point(tokens, BEGIN) is None


def test_a_segment_opened_but_not_written_resumes_where_the_last_one_closed() -> None:
    tokens = [at(0.0), 11, 12, at(2.0), at(2.5), 13, at(27.0), at(27.4)]
    assert resume_point(tokens, BEGIN) == 27.0


def test_unfinished_text_is_read_again_from_the_last_closed_segment() -> None:
    tokens = [at(0.0), 11, at(2.0), at(2.5), 13, at(4.0), at(4.2), 14, 15]
    assert resume_point(tokens, BEGIN) == 4.0


def test_text_without_a_closed_segment_counts_as_read() -> None:
    assert resume_point([at(0.0), 11, 12, 13], BEGIN) is None
    assert resume_point([], BEGIN) is None
