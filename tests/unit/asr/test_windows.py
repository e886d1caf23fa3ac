"""Speech spans → 30-second decoding windows, and their times back in the file."""

from jamak.asr.vad import SpeechSpan
from jamak.asr.windows import Window, plan_windows, widen_windows


def test_no_speech_gives_no_windows() -> None:
    assert plan_windows(()) == ()


def test_close_spans_share_a_window_with_the_short_silences_between_them() -> None:
    spans = (SpeechSpan(1.0, 5.0), SpeechSpan(5.5, 12.0), SpeechSpan(12.8, 20.0))
    assert plan_windows(spans, max_gap_s=1.0) == (Window.covering(1.0, 20.0),)


def test_a_long_silence_is_shortened_keeping_both_of_its_ends() -> None:
    spans = (SpeechSpan(0.0, 4.0), SpeechSpan(10.0, 12.0))
    (window,) = plan_windows(spans, max_gap_s=1.0)
    assert window.pieces == ((0.0, 4.5), (9.5, 12.0))
    assert window.duration_s == 7.0
    # Window time maps back to the file piece by piece.
    assert window.file_time(2.0) == 2.0
    assert window.file_time(4.5) == 4.5
    assert window.file_time(5.0) == 10.0
    assert window.file_time(99.0) == 12.0


def test_shortened_silences_fit_more_speech_into_a_window() -> None:
    spans = tuple(SpeechSpan(i * 10.0, i * 10.0 + 6.0) for i in range(7))
    assert len(plan_windows(spans, max_window_s=30.0, max_gap_s=30.0)) == 3
    assert len(plan_windows(spans, max_window_s=30.0, max_gap_s=1.0)) == 2


def test_a_window_never_exceeds_its_length_and_never_cuts_a_span() -> None:
    spans = tuple(SpeechSpan(i * 10.0, i * 10.0 + 8.0) for i in range(7))
    windows = plan_windows(spans, max_window_s=30.0)
    assert all(w.duration_s <= 30.0 for w in windows)
    for span in spans:
        holders = [
            w for w in windows if any(a <= span.start_s and span.end_s <= b for a, b in w.pieces)
        ]
        assert len(holders) == 1
    assert windows[0].start_s == 0.0
    assert windows[-1].end_s == 68.0


def test_a_span_longer_than_a_window_is_cut_into_equal_pieces() -> None:
    windows = plan_windows((SpeechSpan(0.0, 75.0),), max_window_s=30.0)
    assert len(windows) == 3
    assert all(abs(w.duration_s - 25.0) < 1e-9 for w in windows)


def test_widening_moves_only_ends_and_stops_midway_to_the_next_window() -> None:
    windows = (Window.covering(1.0, 5.0), Window.covering(6.0, 10.0))
    widened = widen_windows(windows, duration_s=20.0, margin_s=1.0)
    assert widened == (Window.covering(1.0, 5.5), Window.covering(6.0, 11.0))


def test_widening_stops_at_the_end_of_the_file_and_at_the_window_length() -> None:
    short = (Window.covering(0.0, 3.0),)
    assert widen_windows(short, duration_s=3.4, margin_s=1.0) == (Window.covering(0.0, 3.4),)
    full = (Window(((0.0, 10.0), (20.0, 39.5))),)
    assert widen_windows(full, duration_s=60.0, margin_s=1.0, max_window_s=30.0) == (
        Window(((0.0, 10.0), (20.0, 40.0))),
    )
