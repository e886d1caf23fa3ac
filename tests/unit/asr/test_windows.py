"""Speech spans → 30-second decoding windows."""

from jamak.asr.vad import SpeechSpan
from jamak.asr.windows import Window, next_read, plan_chains, plan_windows, widen_windows


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


def test_widening_reaches_into_the_quiet_on_both_sides_up_to_midway() -> None:
    windows = (Window(2.0, 5.0), Window(6.0, 10.0))
    assert widen_windows(windows, duration_s=20.0, margin_s=1.0) == (
        Window(1.0, 5.5),
        Window(5.5, 11.0),
    )
    assert widen_windows(windows, duration_s=20.0, margin_s=30.0) == (
        Window(0.0, 5.5),
        Window(5.5, 20.0),
    )


def test_widening_stops_at_the_ends_of_the_file_and_fills_the_room_before_first() -> None:
    assert widen_windows((Window(0.0, 3.0),), duration_s=3.4, margin_s=1.0) == (Window(0.0, 3.4),)
    full = (Window(10.0, 38.0),)
    assert widen_windows(full, duration_s=60.0, margin_s=5.0, max_window_s=30.0) == (
        Window(8.0, 38.0),
    )
    longest = (Window(0.0, 30.0),)
    assert widen_windows(longest, duration_s=60.0, margin_s=5.0) == longest


def test_a_read_is_a_whole_window_from_where_the_last_one_stopped() -> None:
    speech = (Window(1.0, 25.0), Window(40.0, 65.0))
    context = (Window(0.0, 32.5), Window(32.5, 70.0))
    assert next_read(0.0, speech, context, min_left_s=0.5) == Window(0.0, 30.0)
    # Whisper stopped at 22 s: the next read hears the cut-off sentence whole.
    assert next_read(22.0, speech, context, min_left_s=0.5) == Window(22.0, 52.0)


def test_a_read_skips_the_quiet_before_the_next_speech_and_the_chain_ends_with_it() -> None:
    speech = (Window(1.0, 25.0), Window(40.0, 65.0))
    context = (Window(0.0, 32.5), Window(32.5, 70.0))
    assert next_read(30.0, speech, context, min_left_s=0.5) == Window(32.5, 62.5)
    assert next_read(24.8, speech, context, min_left_s=0.5) == Window(32.5, 62.5)
    assert next_read(64.7, speech, context, min_left_s=0.5) is None
    assert next_read(70.0, speech, context, min_left_s=0.5) is None


def test_chains_cover_every_window_once_in_order() -> None:
    chains = plan_chains(45, chain_windows=6)
    assert [i for chain in chains for i in chain] == list(range(45))
    assert len(chains) == 8
    assert {len(chain) for chain in chains} <= {5, 6}


def test_a_short_file_is_one_chain_and_no_windows_no_chains() -> None:
    assert plan_chains(3, chain_windows=6) == (range(0, 3),)
    assert plan_chains(0, chain_windows=6) == ()
