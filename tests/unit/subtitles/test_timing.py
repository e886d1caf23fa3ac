"""Screen time: extended to be readable, drifting late under fast speech, never overlapping."""

from __future__ import annotations

import pytest

from jamak.subtitles import SubtitleRules, check_cues
from jamak.subtitles.timing import CueDraft, schedule

RULES = SubtitleRules()


def _draft(text: str, start_ms: int, end_ms: int) -> CueDraft:
    return CueDraft((text,), start_ms, end_ms)


def _spans(drafts: list[CueDraft], rules: SubtitleRules = RULES) -> list[tuple[float, float]]:
    cues = schedule(drafts, rules)
    assert check_cues(cues, rules) == []
    return [(cue.start_s, cue.end_s) for cue in cues]


def test_a_cue_that_is_long_enough_keeps_its_speech_times() -> None:
    assert _spans([_draft("Hello there.", 1000, 2500)]) == [(1.0, 2.5)]


def test_a_short_cue_extends_its_end_into_the_following_silence() -> None:
    assert _spans([_draft("Hi.", 1000, 1200), _draft("Bye.", 5000, 6000)])[0] == (1.0, 1.8)


def test_a_fast_cue_stays_long_enough_to_read() -> None:
    text = "x" * 40  # 2 s at 20 characters per second
    assert _spans([_draft(text, 0, 500)]) == [(0.0, 2.0)]


def test_then_its_start_moves_into_the_silence_before_it() -> None:
    spans = _spans([_draft("a", 0, 800), _draft("b", 2000, 2200), _draft("c", 2500, 3500)])
    assert spans[1] == (1.62, 2.42)  # ends min_gap before "c", starts 0.38 s early


def test_speech_faster_than_reading_drifts_late_and_resyncs_after_a_pause() -> None:
    text = "x" * 40  # each needs 2 s but is spoken in 0.5 s
    drafts = [_draft(text, i * 500, i * 500 + 500) for i in range(4)]
    drafts.append(_draft("Later.", 20_000, 21_000))
    spans = _spans(drafts)
    assert [start for start, _ in spans[:4]] == [0.0, 2.08, 4.16, 6.24]
    assert spans[4] == (20.0, 21.0)  # back in sync after the silence


def test_a_cue_never_outlasts_the_maximum_even_when_its_speech_does() -> None:
    assert _spans([_draft("Mmm", 0, 12_000)]) == [(0.0, 7.0)]


def test_overlapping_speech_never_gives_overlapping_cues() -> None:
    spans = _spans([_draft("first part", 0, 3000), _draft("second part", 2000, 4000)])
    assert spans[1][0] - spans[0][1] >= RULES.min_gap_s - 1e-9


@pytest.mark.parametrize("gap_s", [0.0, 0.25])
def test_the_gap_between_cues_follows_the_rule(gap_s: float) -> None:
    rules = SubtitleRules(min_gap_s=gap_s)
    spans = _spans([_draft("one", 0, 1000), _draft("two", 1000, 2000)], rules)
    assert spans[1][0] - spans[0][1] == pytest.approx(gap_s)


def test_times_are_whole_milliseconds() -> None:
    (span,) = _spans([_draft("x" * 33, 1234, 1300)])  # 1.65 s to read
    assert span == (1.234, 2.884)
