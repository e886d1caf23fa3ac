"""Word times moved onto the voice: starts out of silences, ends with the voice, text kept."""

from __future__ import annotations

import itertools

import numpy as np

from jamak.asr.voicing import HOP_S, Region, Voicing
from jamak.asr.word_edges import ALIGNMENT_LEAD_S, refine_segments
from jamak.transcript import Segment, Word


def _segment(*words: tuple[str, float, float]) -> Segment:
    """A segment of words at these times once the alignment's lead is taken off (Whisper
    writes them ``ALIGNMENT_LEAD_S`` earlier)."""
    timed = tuple(
        Word(a - ALIGNMENT_LEAD_S, b - ALIGNMENT_LEAD_S, text, 0.9) for text, a, b in words
    )
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
    refined = refine_segments(segments, _voicing(Region(1.0, 1.8)))
    assert _times(refined)[:2] == [(1.0, 1.2), (1.25, 1.5)]


def test_the_first_word_of_a_stretch_starts_with_its_voice_when_whisper_put_it_late() -> None:
    # The voice comes in at 0.9 s; Whisper starts "a" 0.1 s later. Words after it keep
    # their times.
    segments = (_segment((" a", 1.0, 1.2), (" b", 1.25, 1.5), (" c", 1.55, 1.8)),)
    refined = refine_segments(segments, _voicing(Region(0.9, 1.8)))
    assert _times(refined)[:2] == [(0.9, 1.2), (1.25, 1.5)]


def test_a_word_well_into_a_stretch_of_voice_is_not_pulled_back() -> None:
    # 0.4 s of voice before "well": a sound Whisper did not write, not a late word.
    segments = (_segment((" well", 1.3, 1.6), (" then", 1.6, 1.8)),)
    refined = refine_segments(segments, _voicing(Region(0.9, 1.8)))
    assert _times(refined)[0][0] == 1.3


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


def test_without_voice_words_only_lose_the_alignments_lead() -> None:
    segments = (_segment((" hmm", 0.2, 0.6), (" yes", 0.6, 0.9)),)
    assert _times(refine_segments(segments, _voicing())) == [(0.2, 0.6), (0.6, 0.9)]
    whisper = _times(segments)
    assert whisper == [(0.18, 0.58), (0.58, 0.88)]  # as Whisper aligned them: ahead


def test_a_word_in_a_silence_that_is_not_quiet_stays_where_whisper_heard_it() -> None:
    # "speech" whispered at 1.86 s, too quiet for the detector, which resumes at 2.56 s.
    segments = (_segment((" no", 1.2, 1.6), (" speech", 1.86, 2.3), (" whatsoever", 2.3, 2.8)),)
    voicing = _voicing(Region(0.6, 1.7), Region(2.56, 2.9), audible=(1.85, 2.56))
    assert _times(refine_segments(segments, voicing))[1:] == [(1.86, 2.3), (2.3, 2.8)]


def test_a_word_in_a_quiet_silence_moves_to_the_voice() -> None:
    segments = (_segment((" no", 1.2, 1.6), (" speech", 1.86, 2.3), (" whatsoever", 2.3, 2.8)),)
    voicing = _voicing(Region(0.6, 1.7), Region(2.56, 2.9))
    assert _times(refine_segments(segments, voicing))[1][0] == 2.56


def _behind_a_voice(regions: tuple[Region, ...], voice: list[tuple[float, float]]) -> Voicing:
    """Talk behind the speaker all through ``regions`` (12 dB above the quiet, which the
    detector calls speech), the speaker's own voice 30 dB above it in ``voice``."""
    above_floor_db = np.zeros(1000)
    for region in regions:
        above_floor_db[round(region.start_s / HOP_S) : round(region.end_s / HOP_S)] = 12.0
    for start, end in voice:
        above_floor_db[round(start / HOP_S) : round(end / HOP_S)] = 30.0
    return Voicing(regions, above_floor_db, foreground_db=20.0)


def test_a_word_after_a_pause_filled_with_talk_behind_starts_with_the_voice() -> None:
    # The detector hears the background talk as speech from 0.5 s to 4.0 s; the speaker says
    # "rain." at 0.6-1.0 s and "and snow" from 2.8 s. Whisper stretches "and" over the pause.
    segments = (_segment((" rain.", 0.6, 1.0)), _segment((" and", 1.3, 3.0), (" snow", 3.0, 3.4)))
    voicing = _behind_a_voice((Region(0.5, 4.0),), [(0.6, 1.0), (2.8, 3.4)])
    assert _times(refine_segments(segments, voicing))[1] == (2.8, 3.0)


def test_words_of_ordinary_length_over_quiet_sound_are_taken_as_quietly_spoken() -> None:
    # A speaker mumbles "so this is the" (under the file's loud level) before a stressed
    # "sick corpus": words of ordinary length are not misplaced words, whatever the level.
    segments = (
        _segment((" So", 1.0, 1.3), (" this", 1.3, 1.5), (" is", 1.5, 1.7), (" the", 1.7, 1.9)),
        _segment((" sick", 1.9, 2.2), (" corpus.", 2.2, 2.7)),
    )
    voicing = _behind_a_voice((Region(1.0, 2.8),), [(2.0, 2.7)])
    assert [start for start, _ in _times(refine_segments(segments, voicing))[:4]] == [
        1.0,
        1.3,
        1.5,
        1.7,
    ]


def test_a_short_quiet_opening_is_the_word_itself() -> None:
    # A soft first consonant (0.1 s under the voice) is no pause: the word keeps its start.
    segments = (_segment((" rain.", 0.6, 1.0)), _segment((" so", 2.7, 3.0), (" on", 3.0, 3.4)))
    voicing = _behind_a_voice((Region(0.5, 4.0),), [(0.6, 1.0), (2.8, 3.4)])
    assert _times(refine_segments(segments, voicing))[1][0] == 2.7


def test_a_click_in_the_talk_behind_is_not_the_voice_coming_in() -> None:
    segments = (_segment((" rain.", 0.6, 1.0)), _segment((" and", 1.3, 3.0), (" snow", 3.0, 3.4)))
    voicing = _behind_a_voice((Region(0.5, 4.0),), [(0.6, 1.0), (1.8, 1.82), (2.8, 3.4)])
    assert _times(refine_segments(segments, voicing))[1][0] == 2.8


def test_a_word_pinned_after_the_next_words_is_put_back_in_order() -> None:
    # A read that stopped early aligned its last word, "the", to the window's end (14.66 s),
    # after the next read's "lofty air" (12.36 s): "the" moves, not every word after it.
    segments = (
        _segment((" roof,", 9.88, 10.1), (" the", 14.66, 14.66)),
        _segment((" lofty", 12.36, 12.74), (" air.", 12.74, 13.1)),
    )
    times = _times(refine_segments(segments, _voicing()))
    assert times[0] == (9.88, 10.1)
    assert times[2:] == [(12.36, 12.74), (12.74, 13.1)]
    assert times[1][0] <= 12.36
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(times))


def test_words_whisper_put_together_in_the_talk_behind_move_together() -> None:
    # "Glue the sheet" heard as "Blue, the sheet", both first words drawn out over the
    # pause; the speaker comes in at 5.04 s, during "the".
    segments = (
        _segment((" The", 0.6, 0.8), (" rain", 0.8, 1.0), (" fell.", 1.0, 1.2)),
        _segment((" Blue,", 4.4, 4.88), (" the", 4.88, 5.36), (" sheet", 5.36, 5.56)),
    )
    voicing = _behind_a_voice((Region(0.5, 6.0),), [(0.6, 1.2), (5.04, 5.6)])
    times = _times(refine_segments(segments, voicing))
    assert times[3][0] == 5.04
    assert 5.04 < times[4][0] < 5.36 and times[5][0] == 5.36
    assert times[3][1] > times[3][0] + 0.1  # said until the next word, not squeezed to nothing
