"""Which text a read leaves, and when a window is read again: the decisions on typed reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from faster_whisper.transcribe import get_compression_ratio

from jamak.asr.decoder import DecodedRead, DecodedSegment, DecodedWord
from jamak.asr.hallucinations import (
    MAX_COMPRESSION_RATIO,
    RUNAWAY_COMPRESSION_RATIO,
    SPOKEN_REPEAT_SHARE,
)
from jamak.asr.keeping import (
    RETRY_REPETITION_PENALTIES,
    SKIPPED_SPEECH_S,
    WORD_REACH_S,
    Judge,
    Outcome,
    compression_ratio,
    settle,
    unwritten_s,
)
from jamak.asr.windows import Window
from tests.unit.asr.fake_whisper import (
    FakeDecoder,
    HeardEverywhere,
    HeardNowhere,
    timestamp,
)

WINDOW = Window(10.0, 40.0)
HEARD = Judge(HeardEverywhere(), 0.3)
UNHEARD = Judge(HeardNowhere(), 0.3)


def _segment(text: str, start_s: float = 11.0, words: Sequence[str] = ()) -> DecodedSegment:
    spoken = tuple(
        DecodedWord(word, start_s + i * 0.3, start_s + (i + 1) * 0.3, 0.9)
        for i, word in enumerate(words)
    )
    tokens = (timestamp(start_s - WINDOW.start_s), 1, timestamp(start_s + 1 - WINDOW.start_s))
    return DecodedSegment(text, start_s, start_s + 1.0, tokens, spoken)


def _read(*segments: DecodedSegment, no_speech: float = 0.01, logprob: float = -0.2) -> DecodedRead:
    tokens = tuple(token for segment in segments for token in segment.tokens)
    return DecodedRead(segments, tokens, no_speech_prob=no_speech, avg_logprob=logprob)


def _settle(
    read: DecodedRead, judge: Judge = HEARD, retry: DecodedRead | None = None
) -> tuple[Outcome, FakeDecoder]:
    decoder = FakeDecoder(lambda window, prompt, penalty: retry or read)
    outcome = settle(decoder, WINDOW, [5], read, judge)
    return outcome, decoder


def test_clean_text_is_kept_cleaned_with_its_tokens_for_the_next_prompt() -> None:
    segment = _segment(" Hello\ufffd there.", words=[" Hello\ufffd", " \u200b", " there."])
    outcome, decoder = _settle(_read(segment))
    (kept,) = outcome.segments
    assert kept.text == " Hello there."
    assert [w.text for w in kept.words] == [" Hello", " there."]  # a word cleaned to nothing goes
    assert (kept.start_s, kept.end_s) == (11.0, 11.9)
    assert outcome.tokens == segment.tokens
    assert not outcome.reset
    assert decoder.penalties == []  # no loop, no second read


def test_blank_annotations_and_whisper_s_silence_are_not_kept() -> None:
    read = _read(_segment(" \u200b"), _segment(" [Music]", 13.0), _segment(" Speech.", 15.0))
    assert [s.text for s in _settle(read)[0].segments] == [" Speech."]
    silent = _read(_segment(" Speech."), no_speech=0.7, logprob=-1.2)
    assert _settle(silent)[0].segments == ()


def test_unheard_text_goes_only_when_the_decoder_doubts_it_too() -> None:
    confident = _read(_segment(" Whispered words.", words=[" Whispered", " words."]))
    assert len(_settle(confident, UNHEARD)[0].segments) == 1
    doubtful = _read(_segment(" Whispered words."), no_speech=0.4)
    assert _settle(doubtful, UNHEARD)[0].segments == ()
    assert len(_settle(doubtful, HEARD)[0].segments) == 1


@dataclass(frozen=True)
class HeardUntil:
    """A detector that heard every span starting before ``until_s``, and nothing after."""

    until_s: float

    def heard_share(self, spans: Sequence[tuple[float, float]], threshold: float) -> float:
        return 1.0 if spans and spans[0][0] < self.until_s else 0.0

    def heard_s(self, spans: Sequence[tuple[float, float]], threshold: float) -> float:
        return sum(end_s - start_s for start_s, end_s in spans if start_s < self.until_s)


def test_unheard_text_in_a_read_with_heard_speech_is_judged_on_its_own_doubts() -> None:
    """Whisper's no-speech figure is about the window: in a read whose first sentence the
    detector heard, a confident sentence it missed (falsetto, whispering) stays."""
    spoken = _segment(" Montreal forced.", 11.0, words=[" Montreal", " forced."])
    falsetto = _segment(" Very high pitched!", 15.0, words=[" Very", " high", " pitched!"])
    read = _read(spoken, falsetto, no_speech=0.44, logprob=-0.41)
    first_heard = Judge(HeardUntil(12.0), 0.3)
    assert [s.text for s in _settle(read, first_heard)[0].segments] == [
        " Montreal forced.",
        " Very high pitched!",
    ]
    # alone in its read, the same figure is doubt enough
    assert _settle(_read(falsetto, no_speech=0.44, logprob=-0.41), first_heard)[0].segments == ()


def test_words_aligned_into_no_time_are_not_kept_though_the_detector_heard_speech() -> None:
    said = " Seven ships sailed across the northern sea at dawn."
    squeezed = DecodedSegment(
        said,
        14.0,
        14.0,
        (timestamp(4.0), 1, timestamp(4.0)),
        tuple(DecodedWord(f" {word}", 14.0, 14.0, 0.9) for word in said.split()),
    )
    spoken = _segment(" My sister plays the piano.", 15.0, words=said.split()[:5])
    outcome, _ = _settle(_read(squeezed, spoken))
    assert [s.text for s in outcome.segments] == [" My sister plays the piano."]
    assert outcome.tokens == spoken.tokens  # nor is it the next read's prompt


def test_pace_is_judged_by_words_as_written_not_by_the_pieces_aligned() -> None:
    """Japanese read fast: Whisper aligns word pieces, 12 of them in 0.6 s here; as written
    it is one word, and a language without spaces is not judged by pace at all."""
    text = "読むべき本はまだまだいっぱい残っています"
    pieces = [
        "読",
        "む",
        "べき",
        "本",
        "は",
        "まだ",
        "まだ",
        "いっぱい",
        "残",
        "って",
        "い",
        "ます",
    ]
    fast = DecodedSegment(
        text,
        20.0,
        21.0,
        (timestamp(10.0), 1, timestamp(11.0)),
        tuple(
            DecodedWord(piece, 20.0 + i * 0.05, 20.05 + i * 0.05, 0.9)
            for i, piece in enumerate(pieces)
        ),
    )
    outcome, _ = _settle(_read(fast))
    assert [s.text for s in outcome.segments] == [text]


def test_a_read_resumes_at_the_end_of_its_last_complete_segment() -> None:
    finished = _read(_segment(" One."))
    assert _settle(finished)[0].resume_s is None
    segment = _segment(" One.")
    stopped = DecodedRead((segment,), (*segment.tokens, timestamp(2.0), 2), 0.01, -0.2)
    outcome = _settle(stopped)[0]
    assert outcome.resume_s == pytest.approx(2.0)  # 11 s to 12 s, in a window from 10 s


def _looping(repeats: int) -> DecodedRead:
    return _read(_segment(" la" * repeats))


def test_a_looping_read_is_read_again_penalised_and_the_next_read_starts_afresh() -> None:
    assert compression_ratio(" la" * 60) > MAX_COMPRESSION_RATIO
    cured = _read(_segment(" The words."))
    outcome, decoder = _settle(_looping(60), retry=cured)
    assert [s.text for s in outcome.segments] == [" The words."]
    assert decoder.penalties == [RETRY_REPETITION_PENALTIES[0]]
    assert outcome.reset


@dataclass(frozen=True)
class HeardPartly:
    """A detector that heard ``share`` of any time as speech."""

    share: float

    def heard_share(self, spans: Sequence[tuple[float, float]], threshold: float) -> float:
        return self.share

    def heard_s(self, spans: Sequence[tuple[float, float]], threshold: float) -> float:
        return self.share * sum(end_s - start_s for start_s, end_s in spans)


def test_of_reads_that_all_loop_the_least_repetitive_is_kept_unless_it_runs_away() -> None:
    repetitive = _looping(12)
    assert MAX_COMPRESSION_RATIO < compression_ratio(" la" * 12) <= RUNAWAY_COMPRESSION_RATIO
    # heard too little to be a speaker's repetition, enough to keep after a loop
    half_heard = Judge(HeardPartly(SPOKEN_REPEAT_SHARE - 0.1), 0.3)
    outcome, decoder = _settle(_looping(60), half_heard, retry=repetitive)
    assert decoder.penalties == list(RETRY_REPETITION_PENALTIES)
    assert [s.text for s in outcome.segments] == [" la" * 12]  # a speaker repeating a word
    assert outcome.reset

    runaway, decoder = _settle(_looping(60), half_heard, retry=_looping(40))
    assert runaway.segments == runaway.tokens == ()
    assert runaway.reset
    assert runaway.resume_s is None


def test_text_said_again_where_the_detector_heard_speech_is_kept_as_it_was_read() -> None:
    """Not a loop: read again under penalties, a refrain comes back in capitals or as a
    sentence never said."""
    line = " And so my fellow Americans, ask not what your country can do for you,"
    refrain = _read(_segment(line), _segment(line, 13.0), _segment(line, 16.0))
    assert MAX_COMPRESSION_RATIO < compression_ratio(line * 3) <= RUNAWAY_COMPRESSION_RATIO
    outcome, decoder = _settle(refrain, Judge(HeardPartly(SPOKEN_REPEAT_SHARE), 0.3))
    assert decoder.penalties == []
    assert [s.text for s in outcome.segments] == [line] * 3
    assert not outcome.reset
    # where the detector heard too little of it, it is a loop
    half_heard = Judge(HeardPartly(SPOKEN_REPEAT_SHARE - 0.1), 0.3)
    assert _settle(refrain, half_heard)[1].penalties == list(RETRY_REPETITION_PENALTIES)


@pytest.mark.parametrize(
    "text", ["", " la" * 30, " Hello there.", "日本語のテキスト", " 4,4,4,4,4"]
)
def test_repetition_is_measured_as_whisper_measures_it(text: str) -> None:
    assert compression_ratio(text) == get_compression_ratio(text)


def _words_at(*starts: float) -> DecodedRead:
    """A read of WINDOW writing one word at each of ``starts`` (seconds into the file)."""
    return _read(*(_segment(f" w{i}.", start_s, [f" w{i}."]) for i, start_s in enumerate(starts)))


def test_unwritten_speech_is_heard_speech_out_of_reach_of_every_word_written() -> None:
    read = _words_at(11.0, 12.0, 20.0)  # words end 0.3 s after they start
    # heard everywhere: 10-10 s and 13.3-19 s, then 21.3 s to the window's end at 40 s
    assert unwritten_s(read, WINDOW, None, HEARD) == pytest.approx(5.7 + 18.7)
    assert unwritten_s(read, WINDOW, 11.0, HEARD) == pytest.approx(5.7)  # stopped at 21 s
    assert unwritten_s(read, WINDOW, None, UNHEARD) == 0.0
    assert unwritten_s(_read(), WINDOW, None, HEARD) == pytest.approx(30.0)
    assert WORD_REACH_S == 1.0


def _settle_afresh(
    read: DecodedRead, again: DecodedRead, judge: Judge = HEARD
) -> tuple[Outcome, FakeDecoder]:
    """``read`` was prompted with earlier text ([5]); read without it ([9]), it is ``again``."""
    decoder = FakeDecoder(lambda window, prompt, penalty: again if tuple(prompt) == (9,) else read)
    outcome = settle(decoder, WINDOW, [9, 5], read, judge, fresh_prompt=[9])
    return outcome, decoder


def test_a_read_that_left_out_heard_speech_is_read_again_without_its_earlier_text() -> None:
    skipping = _words_at(11.0, 18.0)
    stopped = (*skipping.tokens, timestamp(9.0), 9)  # Whisper stopped at 19 s
    skipping = DecodedRead(skipping.segments, stopped, 0.01, -0.2)
    assert unwritten_s(skipping, WINDOW, 9.0, HEARD) >= SKIPPED_SPEECH_S  # 12.3-17 s
    full = _words_at(11.0, 12.5, 14.0, 15.5, 17.0, 18.0)
    full = DecodedRead(full.segments, (*full.tokens, timestamp(9.0), 9), 0.01, -0.2)

    outcome, decoder = _settle_afresh(skipping, full)

    assert [call[1] for call in decoder.calls] == [((9,),)]  # once, with the caller's prompt
    assert [s.text for s in outcome.segments] == [f" w{i}." for i in range(6)]
    assert outcome.resume_s == pytest.approx(9.0)  # where the read again stopped
    assert outcome.reset  # and the read after it starts afresh too


def test_a_read_again_that_writes_no_more_of_the_speech_leaves_the_first_read() -> None:
    skipping = _words_at(11.0, 18.0, 24.0, 30.0, 36.0)
    outcome, decoder = _settle_afresh(skipping, _words_at(11.0, 18.0, 25.0, 39.0))
    assert len(decoder.calls) == 1
    assert [s.text for s in outcome.segments] == [f" w{i}." for i in range(5)]
    assert not outcome.reset


def test_a_read_that_writes_the_speech_heard_is_not_read_again() -> None:
    steady = _words_at(*(10.5 + 2 * i for i in range(15)))  # a word every 2 s to the end
    outcome, decoder = _settle_afresh(steady, _words_at(11.0))
    assert decoder.calls == []
    assert len(outcome.segments) == 15
    # nor one without earlier text in its prompt, whatever it left out
    decoder = FakeDecoder(lambda window, prompt, penalty: pytest.fail("read again"))
    assert settle(decoder, WINDOW, [9], _words_at(11.0), HEARD, fresh_prompt=None).segments
    # nor where the detector heard nothing it left out
    assert _settle_afresh(_words_at(11.0), _words_at(11.0, 20.0), UNHEARD)[1].calls == []
