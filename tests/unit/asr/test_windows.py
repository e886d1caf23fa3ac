"""Speech spans → 30-second decoding windows."""

from jamak.asr.vad import SpeechSpan
from jamak.asr.windows import Window, plan_chains, plan_windows, widen_windows


def test_no_speech_gives_no_windows() -> None:
    assert plan_windows(()) == ()


def test_close_spans_share_a_window_with_the_silence_between_them() -> None:
    spans = (SpeechSpan(1.0, 5.0), SpeechSpan(6.0, 12.0), SpeechSpan(14.0, 20.0))
    assert plan_windows(spans) == (Window(1.0, 20.0),)


def test_a_window_never_exceeds_its_length_and_never_cuts_a_span() -> None:
    spans = tuple(SpeechSpan(i * 10.0, i * 10.0 + 8.0) for i in range(7))
    windows = plan_windows(spans, max_window_s=30.0)
    assert all(w.duration_s <= 30.0 for w in windows)
    starts = {s.start_s for s in spans}
    ends = {s.end_s for s in spans}
    assert all(w.start_s in starts and w.end_s in ends for w in windows)
    assert windows[0] == Window(0.0, 28.0)
    assert windows[-1].end_s == 68.0


def test_a_span_longer_than_a_window_is_cut_into_equal_pieces() -> None:
    windows = plan_windows((SpeechSpan(0.0, 75.0),), max_window_s=30.0)
    assert len(windows) == 3
    assert all(abs(w.duration_s - 25.0) < 1e-9 for w in windows)
    assert windows[0].start_s == 0.0 and windows[-1].end_s == 75.0


def test_widening_moves_only_ends_and_stops_midway_to_the_next_window() -> None:
    windows = (Window(1.0, 5.0), Window(6.0, 10.0))
    widened = widen_windows(windows, duration_s=20.0, margin_s=1.0)
    assert widened == (Window(1.0, 5.5), Window(6.0, 11.0))


def test_widening_stops_at_the_end_of_the_file_and_at_the_window_length() -> None:
    assert widen_windows((Window(0.0, 3.0),), duration_s=3.4, margin_s=1.0) == (Window(0.0, 3.4),)
    full = (Window(0.0, 29.5),)
    assert widen_windows(full, duration_s=60.0, margin_s=1.0, max_window_s=30.0) == (
        Window(0.0, 30.0),
    )


def test_chains_cover_every_window_once_in_order() -> None:
    chains = plan_chains(45, chain_windows=6)
    assert [i for chain in chains for i in chain] == list(range(45))
    assert len(chains) == 8
    assert {len(chain) for chain in chains} <= {5, 6}


def test_a_short_file_is_one_chain_and_no_windows_no_chains() -> None:
    assert plan_chains(3, chain_windows=6) == (range(0, 3),)
    assert plan_chains(0, chain_windows=6) == ()
