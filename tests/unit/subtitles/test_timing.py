"""Screen time: with the voice (lead-out, chained cues, frames), extended to be readable,
drifting late under fast speech, never overlapping."""

from __future__ import annotations

import pytest

from jamak.subtitles import SubtitleRules, check_cues
from jamak.subtitles.rules import for_frame_rate
from jamak.subtitles.timing import CueDraft, schedule

RULES = SubtitleRules()
PLAIN = SubtitleRules(lead_out_s=0.0, chain_gap_s=0.0)  # speech times only


def _draft(text: str, start_ms: int, end_ms: int) -> CueDraft:
    return CueDraft((text,), start_ms, end_ms)


def _spans(drafts: list[CueDraft], rules: SubtitleRules = RULES) -> list[tuple[float, float]]:
    cues = schedule(drafts, rules)
    assert check_cues(cues, rules) == []
    return [(cue.start_s, cue.end_s) for cue in cues]


def test_a_cue_that_is_long_enough_keeps_its_speech_times() -> None:
    assert _spans([_draft("Hello there.", 1000, 2500)], PLAIN) == [(1.0, 2.5)]


def test_a_cue_starts_at_its_first_word_and_stays_the_lead_out_after_its_last() -> None:
    assert _spans([_draft("Hello there.", 1000, 2500)]) == [(1.0, 3.0)]


def test_the_lead_out_gives_way_to_the_next_cue() -> None:
    spans = _spans([_draft("Hello there.", 1000, 2500), _draft("Bye now.", 2700, 3700)])
    assert spans == [(1.0, 2.62), (2.7, 4.2)]


def test_the_lead_out_never_passes_the_maximum_duration() -> None:
    assert _spans([_draft("Hello there.", 0, 6800)]) == [(0.0, 7.0)]


def test_a_short_gap_is_closed_to_the_minimum_gap() -> None:
    spans = _spans([_draft("Hello there.", 1000, 2500), _draft("Bye now.", 3400, 4400)])
    assert spans[0] == (1.0, 3.32)  # lead-out to 3.0 left 0.4 s empty: chained
    assert spans[1][0] == 3.4


def test_a_long_gap_stays_open() -> None:
    spans = _spans([_draft("Hello there.", 1000, 2500), _draft("Bye now.", 4000, 5000)])
    assert spans[0] == (1.0, 3.0)


def test_cue_times_fall_on_the_frames_of_a_video() -> None:
    rules = for_frame_rate(RULES, 30.0)
    drafts = [_draft("Hello there.", 1010, 2490), _draft("Bye now.", 3003, 4000)]
    spans = _spans(drafts, rules)
    frames = [t * 30 for span in spans for t in span]
    assert all(abs(f - round(f)) < 0.031 for f in frames), frames  # whole ms of a frame
    assert spans[0][0] <= 1.01 and spans[1][0] <= 3.003  # never after the first word
    assert spans[1][0] - spans[0][1] == pytest.approx(2 / 30, abs=0.001)  # chained: 2 frames


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
    assert spans[4] == (20.0, 21.5)  # back in sync after the silence


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
