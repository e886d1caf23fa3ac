"""Which greedy reads are searched again by beam: the decoder's own doubt, nothing else."""

from __future__ import annotations

from jamak.asr.decoder import DecodedRead, DecodedSegment
from jamak.asr.doubt import COPIED_RUN_TOKENS, DOUBTFUL_GREEDY_AVG_LOGPROB, worth_a_beam

TIMESTAMP_BEGIN = 50_000  # the first timestamp token of these reads


def _read(text: str, avg_logprob: float) -> DecodedRead:
    tokens = tuple(range(1, 1 + max(1, len(text.split()))))
    segment = DecodedSegment(text, 0.0, 5.0, tokens)
    return DecodedRead((segment,), tokens, no_speech_prob=0.05, avg_logprob=avg_logprob)


def test_a_confident_read_is_kept_as_the_greedy_search_wrote_it() -> None:
    read = _read(" The birch canoe slid on the smooth planks.", -0.2)
    assert not worth_a_beam(read, (), timestamp_begin=TIMESTAMP_BEGIN)


def test_a_read_with_close_calls_is_searched_again() -> None:
    just_under = DOUBTFUL_GREEDY_AVG_LOGPROB - 0.01
    assert worth_a_beam(
        _read(" The birch canoe slid on the smooth planks.", just_under),
        (),
        timestamp_begin=TIMESTAMP_BEGIN,
    )


def test_a_read_that_loops_is_searched_again_however_sure_the_decoder_is() -> None:
    assert worth_a_beam(_read(" I'm sorry." * 40, -0.05), (), timestamp_begin=TIMESTAMP_BEGIN)


def test_an_empty_read_has_nothing_to_search_for() -> None:
    assert not worth_a_beam(
        DecodedRead((), (), no_speech_prob=0.9, avg_logprob=-3.0),
        (),
        timestamp_begin=TIMESTAMP_BEGIN,
    )


def _timed(text_tokens: tuple[int, ...], avg_logprob: float = -0.1) -> DecodedRead:
    """One segment: an opening and a closing timestamp (from 50 000 up) around the text."""
    tokens = (50_000, *text_tokens, 50_100)
    segment = DecodedSegment(" words", 0.0, 2.0, tokens)
    return DecodedRead((segment,), tokens, no_speech_prob=0.05, avg_logprob=avg_logprob)


def test_a_confident_read_that_copies_a_run_of_its_prompt_is_searched_again() -> None:
    prompt = (50_010, *range(100, 120), 50_090)  # the text before, with its timestamps
    copied = _timed(tuple(range(105, 105 + COPIED_RUN_TOKENS)))
    assert worth_a_beam(copied, prompt, timestamp_begin=TIMESTAMP_BEGIN)


def test_a_phrase_shorter_than_the_run_may_come_again() -> None:
    prompt = tuple(range(100, 120))
    echoed = _timed((*range(105, 105 + COPIED_RUN_TOKENS - 1), 7, 8, 9))
    assert not worth_a_beam(echoed, prompt, timestamp_begin=TIMESTAMP_BEGIN)
