"""Which greedy reads are searched again by beam: the decoder's own doubt, nothing else."""

from __future__ import annotations

from dataclasses import replace

import pytest

from jamak.asr.decoder import DecodedRead, DecodedSegment
from jamak.asr.doubt import (
    BEAM_EXTRA_TOKENS,
    COPIED_RUN_TOKENS,
    DOUBTFUL_GREEDY_AVG_LOGPROB,
    agree,
    beam_read_stands,
    beam_token_limit,
    worth_a_beam,
)
from jamak.asr.hallucinations import MAX_COMPRESSION_RATIO, NO_SPEECH_PROB
from jamak.asr.keeping import Judge, compression_ratio
from tests.unit.asr.fake_whisper import HeardEverywhere, HeardNowhere

TIMESTAMP_BEGIN = 50_000  # the first timestamp token of these reads
HEARD = Judge(HeardEverywhere(), 0.3)


def _never_asked() -> DecodedRead:
    raise AssertionError("read again without a prompt, though nothing was copied")


def _read(text: str, avg_logprob: float) -> DecodedRead:
    tokens = tuple(range(1, 1 + max(1, len(text.split()))))
    segment = DecodedSegment(text, 0.0, 5.0, tokens)
    return DecodedRead((segment,), tokens, no_speech_prob=0.05, avg_logprob=avg_logprob)


def test_a_confident_read_is_kept_as_the_greedy_search_wrote_it() -> None:
    read = _read(" The birch canoe slid on the smooth planks.", -0.2)
    assert not worth_a_beam(read, (), _never_asked, timestamp_begin=TIMESTAMP_BEGIN, judge=HEARD)


def test_a_read_with_close_calls_is_searched_again() -> None:
    just_under = DOUBTFUL_GREEDY_AVG_LOGPROB - 0.01
    assert worth_a_beam(
        _read(" The birch canoe slid on the smooth planks.", just_under),
        (),
        _never_asked,
        timestamp_begin=TIMESTAMP_BEGIN,
        judge=HEARD,
    )


def test_a_read_that_loops_is_searched_again_however_sure_the_decoder_is() -> None:
    assert worth_a_beam(
        _read(" I'm sorry." * 40, -0.05),
        (),
        _never_asked,
        timestamp_begin=TIMESTAMP_BEGIN,
        judge=HEARD,
    )


def test_a_sentence_said_again_where_speech_was_heard_is_no_loop_to_search_again() -> None:
    sentence = (
        " And so my fellow Americans, ask not what your country can do for you,"
        " ask what you can do for your country."
    )
    said_twice = _read(sentence * 2, -0.2)
    assert compression_ratio(said_twice.segments[0].text) > MAX_COMPRESSION_RATIO
    unheard = Judge(HeardNowhere(), 0.3)
    assert not worth_a_beam(
        said_twice, (), _never_asked, timestamp_begin=TIMESTAMP_BEGIN, judge=HEARD
    )
    assert worth_a_beam(
        said_twice, (), _never_asked, timestamp_begin=TIMESTAMP_BEGIN, judge=unheard
    )


def test_a_loop_where_the_decoder_hears_no_speech_goes_straight_to_the_penalised_retries() -> None:
    """Over music the beam loops as the greedy read did; the retries under a repetition
    penalty (jamak.asr.keeping.settle) read every looping read anyway."""
    looping = _read(" I'm going to the beach." * 20, -0.3)
    unheard = replace(looping, no_speech_prob=NO_SPEECH_PROB + 0.01)
    at_the_bar = replace(looping, no_speech_prob=NO_SPEECH_PROB)
    assert not worth_a_beam(unheard, (), _never_asked, timestamp_begin=TIMESTAMP_BEGIN, judge=HEARD)
    assert worth_a_beam(at_the_bar, (), _never_asked, timestamp_begin=TIMESTAMP_BEGIN, judge=HEARD)


def test_a_beam_search_may_write_a_little_more_than_its_greedy_read() -> None:
    """Speech the greedy read stopped short of, not pages more (jamak.asr.doubt)."""
    assert beam_token_limit(40) == 40 + BEAM_EXTRA_TOKENS
    assert beam_token_limit(7) > 40  # the most measured: a beam of 40 tokens, its greedy read 7


def test_a_beam_search_that_ended_of_itself_replaces_its_greedy_read() -> None:
    ended = (50_000, 7, 8, 9, 50_050)  # one segment, closed: the window read to its end
    assert beam_read_stands(ended, limit=40, timestamp_begin=TIMESTAMP_BEGIN)


def test_a_beam_search_stopped_at_its_limit_stands_only_on_a_whole_segment() -> None:
    """Stopped mid-segment after a whole one, reading goes on from that segment's end;
    stopped with nothing whole, the greedy read is all there is to keep."""
    limit = 8
    on_a_segment = (50_000, 7, 8, 50_050, 50_050, 9, 10, 11)  # a pair closes and opens
    nothing_whole = (50_000, 7, 8, 9, 10, 11, 12, 13)  # one segment that never closes
    assert len(on_a_segment) == len(nothing_whole) == limit
    assert beam_read_stands(on_a_segment, limit, timestamp_begin=TIMESTAMP_BEGIN)
    assert not beam_read_stands(nothing_whole, limit, timestamp_begin=TIMESTAMP_BEGIN)


def test_doubt_alone_is_searched_again_where_the_decoder_hears_no_speech() -> None:
    """The exception is for loops only: a doubtful read that does not loop may be quiet
    speech, and the beam may write it better."""
    quiet = replace(_read(" Thou art the beauty of the world.", -0.9), no_speech_prob=0.82)
    assert worth_a_beam(quiet, (), _never_asked, timestamp_begin=TIMESTAMP_BEGIN, judge=HEARD)


def test_an_empty_read_has_nothing_to_search_for() -> None:
    assert not worth_a_beam(
        DecodedRead((), (), no_speech_prob=0.9, avg_logprob=-3.0),
        (),
        _never_asked,
        timestamp_begin=TIMESTAMP_BEGIN,
        judge=HEARD,
    )


def _timed(
    text_tokens: tuple[int, ...], avg_logprob: float = -0.1, text: str = " words"
) -> DecodedRead:
    """One segment: an opening and a closing timestamp (from 50 000 up) around the text."""
    tokens = (50_000, *text_tokens, 50_100)
    segment = DecodedSegment(text, 0.0, 2.0, tokens)
    return DecodedRead((segment,), tokens, no_speech_prob=0.05, avg_logprob=avg_logprob)


BEFORE = " So long lives this, and this gives life to thee."
COUPLET = " So long as men can breathe or eyes can see,"


def test_a_read_copying_its_prompt_where_the_audio_alone_says_otherwise_is_searched_again() -> None:
    prompt = (50_010, *range(100, 120), 50_090)  # the text before, with its timestamps
    copied = _timed(tuple(range(105, 105 + COPIED_RUN_TOKENS)), text=BEFORE)
    heard = _timed(tuple(range(300, 312)), text=COUPLET)  # what the greedy read replaced
    assert worth_a_beam(copied, prompt, lambda: heard, timestamp_begin=TIMESTAMP_BEGIN, judge=HEARD)


def test_a_run_the_audio_says_again_without_a_prompt_is_a_speaker_repeating_it() -> None:
    prompt = (50_010, *range(100, 120), 50_090)
    copied = _timed(tuple(range(105, 105 + COPIED_RUN_TOKENS)), text=BEFORE)
    asked: list[int] = []

    def unprompted() -> DecodedRead:
        # Other tokens, casing and punctuation; the same words.
        asked.append(1)
        return _timed(
            tuple(range(400, 413)), text=" so long lives this and this gives life to thee"
        )

    assert not worth_a_beam(
        copied, prompt, unprompted, timestamp_begin=TIMESTAMP_BEGIN, judge=HEARD
    )
    assert asked == [1]


@pytest.mark.parametrize(
    ("ours", "theirs", "same"),
    [
        (
            " The quick brown fox jumps over the lazy dog.",
            " the quick brown fox jump over the lazy nog",
            True,
        ),
        (
            " My sister plays the piano every evening.",
            " Seven ships sailed across the northern sea.",
            False,
        ),
        (" 오늘은 날씨가 좋네요.", " 오늘은 날씨가 좋네요", True),
        (" 오늘은 날씨가 좋네요.", " 내일 회의는 세 시에 시작합니다.", False),
        # The prompted read skipped a sentence said again: a third of what was heard.
        (" It runs back home. It runs back home.", " It runs back home. " * 3, False),
        ("", "", True),
        (" Words.", "", False),
    ],
)
def test_two_reads_agree_when_their_letters_line_up(ours: str, theirs: str, same: bool) -> None:
    assert agree(_timed((1,), text=ours), _timed((2,), text=theirs)) is same


def test_a_doubtful_read_is_searched_again_without_reading_it_unprompted_first() -> None:
    prompt = tuple(range(100, 120))
    copied = _timed(tuple(range(105, 105 + COPIED_RUN_TOKENS)), avg_logprob=-0.9)
    assert worth_a_beam(copied, prompt, _never_asked, timestamp_begin=TIMESTAMP_BEGIN, judge=HEARD)


def test_a_phrase_shorter_than_the_run_may_come_again() -> None:
    prompt = tuple(range(100, 120))
    echoed = _timed((*range(105, 105 + COPIED_RUN_TOKENS - 1), 7, 8, 9))
    assert not worth_a_beam(
        echoed, prompt, _never_asked, timestamp_begin=TIMESTAMP_BEGIN, judge=HEARD
    )
