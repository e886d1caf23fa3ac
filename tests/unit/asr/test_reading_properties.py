"""The reading design holds for any file: random speech, pauses, early stops and loops.

A fake file is a list of words; the real planners cut its speech into windows, chains and
lanes, and a fake Whisper reads them (stopping early at random reach, looping on some
windows until penalised). Whatever the plan, every word is read into the transcript exactly
once, in order, and the text does not depend on the batch size or the number of workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jamak.asr.decoder import DecodedRead, DecodedSegment
from jamak.asr.keeping import Judge
from jamak.asr.reading import Schedule, read_chains, start_chains
from jamak.asr.spans import SpeechSpan
from jamak.asr.windows import Window, plan_windows, widen_windows
from jamak.transcript import Segment
from tests.unit.asr.fake_whisper import FakeDecoder, HeardEverywhere, SpokenWord, read_words

PROPERTY_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    database=None,  # keep no example database in the working tree
    suppress_health_check=[HealthCheck.too_slow],
)
PAD_S = 0.6  # the detector's padding around speech: more than a chain's 0.5 s remainder


@st.composite
def files(draw: st.DrawFn) -> list[SpokenWord]:
    count = draw(st.one_of(st.integers(1, 12), st.integers(40, 160)))
    gap_s = st.one_of(st.floats(0.35, 3.0), st.floats(3.0, 90.0))
    gaps = draw(st.lists(gap_s, min_size=count, max_size=count))
    words, start_s = [], 0.0
    for token, gap in enumerate(gaps, start=1):
        start_s += gap
        words.append(SpokenWord(token, round(start_s, 2)))
        start_s += 0.3
    return words


def _plan(words: Sequence[SpokenWord]) -> tuple[tuple[Window, ...], tuple[Window, ...]]:
    spans = [SpeechSpan(max(0.0, w.start_s - PAD_S), w.end_s + PAD_S) for w in words]
    speech = plan_windows(spans)
    duration_s = words[-1].end_s + 5.0
    return speech, widen_windows(speech, duration_s=duration_s, margin_s=30.0)


def _looping(window: Window) -> DecodedRead:
    segment = DecodedSegment(" la" * 60, window.start_s, window.start_s + 5.0, (1, 2, 3))
    return DecodedRead((segment,), (1, 2, 3), no_speech_prob=0.01, avg_logprob=-0.2)


def _transcribe(
    words: Sequence[SpokenWord], reach_s: float, loop_every: int, batch_size: int, parallel: int
) -> tuple[Segment, ...]:
    def script(window: Window, prompt: Sequence[int], penalty: float) -> DecodedRead:
        if penalty == 1.0 and loop_every and round(window.start_s * 50) % loop_every == 0:
            return _looping(window)
        return read_words(window, words, reach_s=reach_s)

    speech, context = _plan(words)
    return read_chains(
        start_chains(speech, context),
        FakeDecoder(script),
        Judge(HeardEverywhere(), 0.3),
        schedule=Schedule(batch_size=batch_size, parallel=parallel),
        initial_tokens=[],
        report_share=lambda share: None,
    )


readings = {
    "reach_s": st.floats(15.0, 30.0),
    "loop_every": st.sampled_from([0, 0, 3, 7]),
}


@PROPERTY_SETTINGS
@given(words=files(), **readings)
def test_every_word_is_read_into_the_transcript_exactly_once_in_order(
    words: list[SpokenWord], reach_s: float, loop_every: int
) -> None:
    segments = _transcribe(words, reach_s, loop_every, batch_size=8, parallel=1)
    assert [s.text for s in segments] == [w.text for w in words]
    assert all(a.end_s <= b.start_s for a, b in pairwise(segments))


@PROPERTY_SETTINGS
@given(
    words=files(),
    batch_size=st.integers(1, 6),
    parallel=st.integers(1, 3),
    **readings,
)
def test_the_text_does_not_depend_on_the_batch_size_or_the_workers(
    words: list[SpokenWord], reach_s: float, loop_every: int, batch_size: int, parallel: int
) -> None:
    alone = _transcribe(words, reach_s, loop_every, batch_size=1, parallel=1)
    assert _transcribe(words, reach_s, loop_every, batch_size, parallel) == alone
