"""Where Whisper stopped reading a window, and its segments, from the timestamp tokens it wrote."""

import pytest

from jamak.asr.timestamps import TimedTokens, resume_point, split_at_timestamps

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


def test_a_read_is_cut_into_segments_at_each_pair_of_timestamps() -> None:
    """Times from the file's start: the read began 100 s in."""
    tokens = [at(0.0), 11, 12, at(2.0), at(2.5), 13, at(4.0)]
    assert split_at_timestamps(tokens, BEGIN, offset_s=100.0, window_s=30.0) == [
        TimedTokens(100.0, 102.0, (at(0.0), 11, 12, at(2.0))),
        TimedTokens(102.5, 104.0, (at(2.5), 13, at(4.0))),
    ]


def test_an_unfinished_last_segment_is_left_for_the_next_read() -> None:
    tokens = [at(0.0), 11, at(2.0), at(2.5), 13, at(4.0), at(4.2), 14, 15]
    segments = split_at_timestamps(tokens, BEGIN, offset_s=0.0, window_s=30.0)
    assert [segment.tokens for segment in segments] == [
        (at(0.0), 11, at(2.0)),
        (at(2.5), 13, at(4.0)),
    ]
    assert segments[-1].end_s == resume_point(tokens, BEGIN)


def test_a_read_without_a_pair_is_one_segment_up_to_its_last_timestamp() -> None:
    (segment,) = split_at_timestamps(
        [at(0.0), 11, 12, at(3.4)], BEGIN, offset_s=10.0, window_s=30.0
    )
    assert (segment.start_s, segment.end_s) == (10.0, pytest.approx(13.4))


def test_a_read_with_no_time_past_its_start_spans_the_window() -> None:
    for tokens in ([at(0.0), 11, 12], [11, 12], []):
        (segment,) = split_at_timestamps(tokens, BEGIN, offset_s=10.0, window_s=7.5)
        assert (segment.start_s, segment.end_s, segment.tokens) == (10.0, 17.5, tuple(tokens))
