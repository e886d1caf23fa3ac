"""The reading design without a model: where reads resume, what they carry, which run."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from jamak.asr.decoder import DecodedRead, DecodedSegment, SecondLook
from jamak.asr.keeping import Judge, Outcome
from jamak.asr.reading import (
    CHAIN_WINDOWS,
    MAX_READS_PER_WINDOW,
    Chain,
    Schedule,
    batches_of,
    opening_steps,
    read_chains,
    start_chains,
    steps_for_free_workers,
)
from jamak.asr.windows import Window
from jamak.transcript import Segment
from tests.unit.asr.fake_whisper import (
    FakeDecoder,
    HeardEverywhere,
    SpokenWord,
    read_words,
    timestamp,
)

JUDGE = Judge(HeardEverywhere(), 0.3)


def _read(
    speech: Sequence[Window],
    decoder: FakeDecoder,
    *,
    context: Sequence[Window] | None = None,
    batch_size: int = 1,
    initial: Sequence[int] = (),
    parallel: int = 1,
    shares: list[float] | None = None,
    second_look: SecondLook | None = None,
) -> tuple[Segment, ...]:
    return read_chains(
        start_chains(speech, speech if context is None else context),
        decoder,
        JUDGE,
        schedule=Schedule(batch_size=batch_size, parallel=parallel),
        initial_tokens=initial,
        report_share=(shares if shares is not None else []).append,
        second_look=second_look,
    )


def test_a_chain_first_reads_a_full_window_from_its_widened_start() -> None:
    chain = Chain.start([Window(5.0, 12.0)], [Window(2.0, 40.0)])
    assert chain.reading == Window(2.0, 32.0)


def test_a_read_resumes_where_whisper_stopped() -> None:
    chain = Chain.start([Window(0.0, 25.0)], [Window(0.0, 25.0)])
    chain = chain.advanced(Outcome((), (), resume_s=7.0))
    assert chain.seek_s == 7.0
    assert chain.reading == Window(7.0, 25.0)


def test_a_finished_read_skips_the_non_speech_before_the_next_planned_window() -> None:
    speech = [Window(0.0, 10.0), Window(45.0, 50.0)]
    chain = Chain.start(speech, [Window(0.0, 12.0), Window(43.0, 52.0)])
    chain = chain.advanced(Outcome((), ()))
    assert chain.reading == Window(43.0, 52.0)


def test_a_chain_ends_when_less_than_half_a_second_of_its_speech_is_left() -> None:
    chain = Chain.start([Window(0.0, 10.0)], [Window(0.0, 10.0)])
    assert chain.advanced(Outcome((), (), resume_s=9.6)).finished
    assert not chain.advanced(Outcome((), (), resume_s=9.4)).finished


def test_an_advanced_finished_chain_is_a_bug() -> None:
    chain = Chain.start([Window(0.0, 10.0)], [Window(0.0, 10.0)]).advanced(Outcome((), ()))
    with pytest.raises(RuntimeError):
        chain.advanced(Outcome((), ()))


def _tokens(read: DecodedRead) -> list[int]:
    return [token for segment in read.segments for token in segment.tokens]


def test_the_next_read_carries_the_kept_text_as_its_prompt() -> None:
    words = [SpokenWord(token, 0.5 * token) for token in range(1, 50)]
    # Whisper stops after 12 s of each read, so the words take several reads.
    decoder = FakeDecoder(lambda window, prompt, _: read_words(window, words, reach_s=12.0))
    _read([Window(0.0, 30.0)], decoder, initial=[7, 7])
    (first_window,), (first_prompt,) = decoder.calls[0]
    (second_window,), (second_prompt,) = decoder.calls[1]
    assert first_prompt == (7, 7)
    kept = _tokens(read_words(first_window, words, reach_s=12.0))
    assert len(kept) == 69  # 23 words
    assert second_prompt == (7, 7, *kept[-64:])  # the longest fixed length the text reaches
    assert second_window.start_s == pytest.approx(11.8)  # the last complete word's end


def _looping(window: Window) -> DecodedRead:
    text = " la" * 60
    segment = DecodedSegment(text, window.start_s, window.start_s + 5.0, (1, 2, 3))
    return DecodedRead((segment,), (1, 2, 3), no_speech_prob=0.01, avg_logprob=-0.2)


def test_after_a_read_that_looped_the_next_read_starts_afresh() -> None:
    words = [SpokenWord(token, 1.0 * token) for token in range(1, 30)]

    def script(window: Window, prompt: Sequence[int], penalty: float) -> DecodedRead:
        if window.start_s == 0.0 and penalty == 1.0:
            return _looping(window)
        return read_words(window, words, reach_s=10.0)

    decoder = FakeDecoder(script)
    _read([Window(0.0, 30.0)], decoder, initial=[7])
    assert decoder.penalties == [1.2]  # the first penalty cured it: no second attempt
    assert decoder.calls[1][1] == ((7,),)  # no text of the troubled read in the prompt
    assert decoder.calls[2][1][0][1:] != ()  # later reads carry text again


def test_a_refrain_that_the_prompt_already_says_is_read_again_and_written() -> None:
    """Prompted with a refrain, the fake (like Whisper) passes over the refrain said again."""
    refrain = [SpokenWord(token, 0.0) for token in range(1, 9)]
    words = [
        SpokenWord(word.token, 10.0 * verse + 1.0 * i + 0.5)
        for verse in range(5)
        for i, word in enumerate(refrain)
    ]

    def script(window: Window, prompt: Sequence[int], penalty: float) -> DecodedRead:
        heard = [word for word in words if word.token not in prompt]
        return read_words(window, heard, reach_s=12.0)

    decoder = FakeDecoder(script)
    segments = _read([Window(0.0, 50.0)], decoder, initial=[99])
    assert [s.start_s for s in segments] == [word.start_s for word in words]
    prompts = [prompt for _, (prompt,) in decoder.calls]
    assert (99,) in prompts[1:]  # some window was read again with the caller's prompt alone


def test_a_chain_that_keeps_stopping_early_is_stopped() -> None:
    def script(window: Window, prompt: Sequence[int], penalty: float) -> DecodedRead:
        # one short segment and an unfinished one, again and again
        tokens = (timestamp(0.0), 1, timestamp(0.1), timestamp(0.1), 2)
        segment = DecodedSegment(" a", window.start_s, window.start_s + 0.1, tokens[:3])
        return DecodedRead((segment,), tokens, 0.01, -0.2)

    decoder = FakeDecoder(script)
    speech = [Window(0.0, 20.0), Window(21.0, 40.0)]
    _read(speech, decoder)
    assert len(decoder.calls) == MAX_READS_PER_WINDOW * len(speech)


def _windows(count: int) -> list[Window]:
    return [Window(40.0 * i, 40.0 * i + 20.0) for i in range(count)]


@pytest.mark.parametrize(
    ("chains", "batch_size", "parallel", "first", "later"),
    [
        (2, 8, 1, 2, 2),  # one worker: every chain in one batch
        (2, 8, 2, 1, 1),  # a chain per worker when there are chains enough
        (5, 8, 2, 3, 2),  # five on two workers: rounded up first, then down
        (13, 4, 3, 4, 4),  # never past the batch size
        (1, 8, 4, 1, 1),
    ],
)
def test_a_step_reads_a_fair_share_of_the_chains(
    chains: int, batch_size: int, parallel: int, first: int, later: int
) -> None:
    schedule = Schedule(batch_size=batch_size, parallel=parallel)
    assert (schedule.first_step(chains), schedule.step(chains)) == (first, later)


def test_the_chains_cover_the_windows_in_order() -> None:
    speech = _windows(2 * CHAIN_WINDOWS + 3)
    chains = start_chains(speech, speech)
    assert len(chains) == 3
    assert [w for chain in chains for w in chain.speech] == speech


def test_the_reading_opens_with_the_first_chains_then_a_share_of_the_rest_per_worker() -> None:
    speech = _windows(12)
    chains = start_chains(speech, speech)
    one, two = Schedule(batch_size=8, parallel=1), Schedule(batch_size=8, parallel=2)
    assert batches_of(chains, opening_steps(chains, one)) == (
        (Window(0.0, 30.0), Window(240.0, 270.0)),
    )
    assert batches_of(chains, opening_steps(chains, two)) == (
        (Window(0.0, 30.0),),
        (Window(240.0, 270.0),),
    )
    five = start_chains(_windows(5 * CHAIN_WINDOWS), _windows(5 * CHAIN_WINDOWS))
    assert opening_steps(five, Schedule(batch_size=8, parallel=2)) == ([0, 1, 2], [3, 4])
    assert opening_steps(five, Schedule(batch_size=8, parallel=4)) == ([0, 1], [2], [3], [4])


def _read_up_to(chain: Chain, seek_s: float) -> Chain:
    assert chain.reading is not None
    return chain.advanced(Outcome((), (), resume_s=seek_s - chain.reading.start_s))


def test_a_free_worker_takes_the_waiting_chains_with_the_most_audio_left() -> None:
    speech = _windows(5 * CHAIN_WINDOWS)
    chains = list(start_chains(speech, speech))  # five chains of 400 s each
    chains[1] = _read_up_to(chains[1], chains[1].seek_s + 25.0)
    chains[2] = _read_up_to(chains[2], chains[2].seek_s + 5.0)
    schedule = Schedule(batch_size=8, parallel=2)
    # Chains 3 and 4 are being read; the next free worker takes two of the three waiting.
    assert steps_for_free_workers(chains, {3, 4}, 1, schedule) == [[0, 2]]
    # A chain is not tied to the worker that read it last: here both workers are free.
    assert steps_for_free_workers(chains, set(), 2, schedule) == [[0, 3], [4, 2]]


def test_at_the_end_each_chain_left_has_a_worker_of_its_own() -> None:
    speech = _windows(3 * CHAIN_WINDOWS)
    chains = list(start_chains(speech, speech))
    chains[0] = _read_up_to(chains[0], chains[0].context[-1].end_s)
    assert chains[0].finished
    assert steps_for_free_workers(chains, set(), 2, Schedule(batch_size=8, parallel=2)) == [
        [1],
        [2],
    ]
    assert steps_for_free_workers(chains, {1}, 1, Schedule(batch_size=8, parallel=2)) == [[2]]


def test_chains_read_side_by_side_and_report_their_progress() -> None:
    speech = _windows(4 * CHAIN_WINDOWS - 6)  # four chains
    words = [SpokenWord(i, w.start_s + 1.0) for i, w in enumerate(speech, start=1)]
    decoder = FakeDecoder(lambda window, prompt, _: read_words(window, words))
    shares: list[float] = []
    segments = _read(speech, decoder, batch_size=2, parallel=2, shares=shares)
    assert [s.text for s in segments] == [w.text for w in words]  # file order
    assert max(len(windows) for windows, _ in decoder.calls) == 2
    assert shares == sorted(shares)
    assert shares[-1] == pytest.approx(1.0)


def test_only_the_reads_picked_for_a_second_look_are_replaced_by_the_beam_search() -> None:
    speech = _windows(4)
    greedy_words = [SpokenWord(i, w.start_s + 1.0) for i, w in enumerate(speech, start=1)]
    beam_words = [SpokenWord(i + 100, w.start_s + 1.0) for i, w in enumerate(speech, start=1)]
    doubtful = {speech[1].start_s, speech[3].start_s}

    def greedy(window: Window, prompt: Sequence[int], _: float) -> DecodedRead:
        read = read_words(window, greedy_words)
        unsure = window.start_s in doubtful
        return DecodedRead(
            read.segments, read.tokens, read.no_speech_prob, -2.0 if unsure else -0.1
        )

    decoder = FakeDecoder(greedy, searched=lambda window, _, __: read_words(window, beam_words))
    segments = _read(
        speech, decoder, batch_size=4, second_look=lambda read, _, __: read.avg_logprob < -1.0
    )
    assert [s.text for s in segments] == [" w1", " w102", " w3", " w104"]
    assert [w.start_s for w in decoder.looked_again] == sorted(doubtful)


def test_without_a_second_look_nothing_is_read_twice() -> None:
    speech = _windows(3)
    words = [SpokenWord(i, w.start_s + 1.0) for i, w in enumerate(speech, start=1)]
    decoder = FakeDecoder(
        lambda window, _, __: read_words(window, words),
        searched=lambda window, _, __: pytest.fail("searched without a second look"),
    )
    segments = _read(speech, decoder, batch_size=4)
    assert [s.text for s in segments] == [w.text for w in words]
    assert decoder.looked_again == []


def test_no_speech_is_no_reads() -> None:
    decoder = FakeDecoder(lambda window, _, __: pytest.fail("read without speech"))
    assert _read([], decoder, parallel=2) == ()
    assert decoder.calls == []
