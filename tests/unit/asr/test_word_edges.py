"""Word times moved onto the voice: starts out of silences, ends with the voice, text kept."""

from __future__ import annotations

import itertools

import numpy as np

from jamak.asr.voicing import HOP_S, Region, Voicing
from jamak.asr.word_edges import refine_segments
from jamak.transcript import Segment, Word


def _segment(*words: tuple[str, float, float]) -> Segment:
    timed = tuple(Word(a, b, text, 0.9) for text, a, b in words)
    return Segment(timed[0].start_s, timed[-1].end_s, "".join(w.text for w in timed), timed)


def _voicing(*regions: Region, audible: tuple[float, float] | None = None) -> Voicing:
    """Regions of voice; every 10 ms frame at the file's quiet but those of ``audible``
    (30 dB above it, as a whisper in a quiet room)."""
    above_floor_db = np.zeros(1000)
    if audible is not None:
        above_floor_db[round(audible[0] / HOP_S) : round(audible[1] / HOP_S)] = 30.0
    return Voicing(tuple(regions), above_floor_db)


def _times(segments: tuple[Segment, ...]) -> list[tuple[float, float]]:
    return [(round(w.start_s, 3), round(w.end_s, 3)) for s in segments for w in s.words]


def test_the_first_word_no_longer_absorbs_the_quiet_before_it() -> None:
    # "Scientists" spoken at 1.38 s, placed by Whisper at 0.00 s.
    segments = (_segment((" Scientists", 0.0, 1.9), (" found", 1.9, 2.3)),)
    refined = refine_segments(segments, _voicing(Region(1.38, 2.4)))
    assert _times(refined) == [(1.38, 1.9), (1.9, 2.4)]
    assert refined[0].start_s == 1.38 and refined[0].end_s == 2.4


def test_a_word_after_a_pause_starts_at_the_onset_not_in_the_pause() -> None:
    # "and" placed 1.8 s early, bridging a silence the detector found.
    segments = (_segment((" rain.", 0.5, 1.0), (" and", 1.2, 3.1), (" snow", 3.1, 3.5)),)
    refined = refine_segments(segments, _voicing(Region(0.5, 1.05), Region(3.0, 3.6)))
    assert _times(refined) == [(0.5, 1.05), (3.0, 3.1), (3.1, 3.6)]


def test_words_placed_together_in_a_silence_move_together_and_keep_their_order() -> None:
    segments = (_segment((" one", 1.0, 1.2), (" two", 1.2, 1.4), (" three", 2.1, 2.5)),)
    refined = refine_segments(segments, _voicing(Region(2.0, 2.6)))
    times = _times(refined)
    assert times[0][0] == 2.0
    assert all(a[0] < b[0] for a, b in itertools.pairwise(times))
    assert all(start >= 2.0 for start, _ in times)


def test_an_early_word_end_is_extended_to_the_end_of_the_voice() -> None:
    segments = (_segment((" hello", 1.0, 1.3), (" there", 1.3, 1.6)),)
    refined = refine_segments(segments, _voicing(Region(1.0, 2.0)))
    assert _times(refined) == [(1.0, 1.3), (1.3, 2.0)]


def test_a_word_end_that_runs_into_the_silence_is_pulled_back() -> None:
    segments = (_segment((" hello", 1.0, 2.9), (" again", 3.0, 3.4)),)
    refined = refine_segments(segments, _voicing(Region(1.0, 1.5), Region(3.0, 3.5)))
    assert _times(refined) == [(1.0, 1.5), (3.0, 3.5)]


def test_words_inside_continuous_speech_keep_their_times() -> None:
    segments = (_segment((" a", 1.0, 1.2), (" b", 1.25, 1.5), (" c", 1.55, 1.8)),)
    refined = refine_segments(segments, _voicing(Region(0.9, 1.8)))
    assert _times(refined)[:2] == [(1.0, 1.2), (1.25, 1.5)]


def test_text_and_segment_structure_never_change() -> None:
    segments = (
        _segment((" First", 0.0, 0.5), (" part.", 0.5, 1.0)),
        Segment(1.0, 2.0, " no words here"),
        _segment((" Second", 1.5, 4.0), (" part.", 4.0, 4.5)),
    )
    refined = refine_segments(segments, _voicing(Region(0.3, 1.1), Region(3.8, 4.6)))
    assert [s.text for s in refined] == [s.text for s in segments]
    assert [[w.text for w in s.words] for s in refined] == [
        [w.text for w in s.words] for s in segments
    ]
    assert refined[1] == segments[1]
    assert refined[2].start_s == refined[2].words[0].start_s == 3.8


def test_without_voice_nothing_moves() -> None:
    segments = (_segment((" hmm", 0.2, 0.6)),)
    assert refine_segments(segments, _voicing()) == segments


def test_a_word_in_a_silence_that_is_not_quiet_stays_where_whisper_heard_it() -> None:
    # "speech" whispered at 1.86 s, too quiet for the detector, which resumes at 2.56 s.
    segments = (_segment((" no", 1.2, 1.6), (" speech", 1.86, 2.3), (" whatsoever", 2.3, 2.8)),)
    voicing = _voicing(Region(0.6, 1.7), Region(2.56, 2.9), audible=(1.85, 2.56))
    assert _times(refine_segments(segments, voicing))[1:] == [(1.86, 2.3), (2.3, 2.8)]


def test_a_word_in_a_quiet_silence_moves_to_the_voice() -> None:
    segments = (_segment((" no", 1.2, 1.6), (" speech", 1.86, 2.3), (" whatsoever", 2.3, 2.8)),)
    voicing = _voicing(Region(0.6, 1.7), Region(2.56, 2.9))
    assert _times(refine_segments(segments, voicing))[1][0] == 2.56
