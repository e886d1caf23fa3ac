"""Cutting a long file into parts and joining the parts' transcripts.

The planner is fed speech probabilities directly (what Silero would say); the seams are
exercised with the tone-word recogniser, whose words are tied to the audio, so a part cut
through a word hears it the way a cut file would.
"""

from __future__ import annotations

import numpy as np
import pytest

from jamak.asr.fake import ToneWordsRecognizer
from jamak.asr.options import RecognitionOptions
from jamak.asr.parts import PartPlan, PartSettings, plan_from_cuts, plan_parts
from jamak.asr.recognizer import SAMPLE_RATE, Audio
from jamak.asr.seams import merge_parts, shifted, transcript_from_dict, transcript_to_dict
from jamak.transcript import Transcript
from tests.support.media import tone_words

FRAME_S = 0.032
SETTINGS = PartSettings(part_s=60.0, min_split_s=90.0, window_s=10.0, overlap_s=2.0)


def speech(duration_s: float, *silences: tuple[float, float]) -> np.ndarray:
    probabilities = np.full(round(duration_s / FRAME_S), 0.9, dtype=np.float32)
    for start_s, end_s in silences:
        probabilities[round(start_s / FRAME_S) : round(end_s / FRAME_S)] = 0.02
    return probabilities


def test_a_file_shorter_than_the_threshold_is_one_part() -> None:
    plan = plan_parts(speech(80.0), FRAME_S, 80.0, SETTINGS)

    assert len(plan.parts) == 1
    (part,) = plan.parts
    assert (part.read_start_s, part.read_end_s) == (0.0, 80.0)
    assert part.owns(0.0) and part.owns(80.0)


def test_cuts_go_to_the_longest_silence_near_each_target() -> None:
    # Near 60 s: a short pause at 58 s and a longer one at 66 s; near 126 s: one at 121 s.
    probabilities = speech(190.0, (58.0, 58.4), (66.0, 67.0), (121.0, 121.5))

    plan = plan_parts(probabilities, FRAME_S, 190.0, SETTINGS)

    cuts = [part.start_s for part in plan.parts[1:]]
    assert cuts == pytest.approx([66.5, 121.25], abs=FRAME_S)
    assert len(plan.parts) == 3  # 190 s in parts of about 60 s
    # Parts own the file between them with no gap, and read past each cut.
    assert [p.end_s for p in plan.parts[:-1]] == cuts
    # No word crosses a cut in a silence: the parts either side read into it, not past it.
    assert plan.parts[0].read_end_s == pytest.approx(67.0, abs=FRAME_S)
    assert plan.parts[1].read_start_s == pytest.approx(66.0, abs=FRAME_S)
    # A long silence: each reads 2 s into it, as far as across a cut through speech.
    plan = plan_parts(speech(190.0, (60.0, 70.0)), FRAME_S, 190.0, SETTINGS)
    assert plan.parts[1].start_s == pytest.approx(65.0, abs=FRAME_S)
    assert plan.parts[0].read_end_s == pytest.approx(67.0, abs=FRAME_S)
    assert plan.parts[1].read_start_s == pytest.approx(63.0, abs=FRAME_S)


def test_a_file_is_shared_equally_with_no_short_last_part() -> None:
    # 150 s with parts of about 60 s (70 s at most): three of 50 s, not 60, 60 and 30 (the
    # wait is the longest part's).
    plan = plan_parts(speech(150.0), FRAME_S, 150.0, SETTINGS)
    assert [p.start_s for p in plan.parts] == pytest.approx([0.0, 50.0, 100.0], abs=FRAME_S)
    # 140 s: two parts of 70 s fit.
    plan = plan_parts(speech(140.0), FRAME_S, 140.0, SETTINGS)
    assert [p.start_s for p in plan.parts] == pytest.approx([0.0, 70.0], abs=FRAME_S)


def test_cuts_stay_in_order_however_wide_their_search() -> None:
    # Targets 50 s apart, searched 40 s either side: a long pause at 71 s is in reach of
    # both, but each cut stays nearer its own target.
    wide = PartSettings(part_s=10.0, min_split_s=90.0, window_s=40.0, overlap_s=2.0)
    plan = plan_parts(speech(150.0, (70.0, 72.0), (110.0, 110.5)), FRAME_S, 150.0, wide)
    assert [p.start_s for p in plan.parts] == pytest.approx([0.0, 71.0, 110.25], abs=FRAME_S)


def test_continuous_speech_is_cut_at_its_quietest_frame() -> None:
    probabilities = speech(130.0)
    quietest = round(63.0 / FRAME_S)
    probabilities[quietest] = 0.4  # speech throughout, least sure here

    plan = plan_parts(probabilities, FRAME_S, 130.0, SETTINGS)

    # The middle of the quietest frame; both parts read 2 s past it.
    cut = (quietest + 0.5) * FRAME_S
    assert [p.start_s for p in plan.parts] == pytest.approx([0.0, cut])
    assert plan.parts[0].read_end_s == pytest.approx(cut + 2.0)
    assert plan.parts[1].read_start_s == pytest.approx(cut - 2.0)


def test_parts_start_reading_on_a_frame_of_the_detector() -> None:
    # So the plan's speech map, cut at that frame, is the map of the part's own audio.
    probabilities = speech(400.0, (66.0, 67.0), (130.3, 131.1), (199.0, 199.7))

    plan = plan_parts(probabilities, FRAME_S, 400.0, SETTINGS)

    assert len(plan.parts) >= 3
    for part in plan.parts[1:]:
        frames = part.read_start_s / FRAME_S
        assert frames == pytest.approx(round(frames), abs=1e-6)
        assert part.start_s - 2.0 - FRAME_S < part.read_start_s <= part.start_s


def test_the_plan_survives_storage() -> None:
    plan = plan_parts(speech(200.0, (66.0, 67.0)), FRAME_S, 200.0, SETTINGS)

    assert PartPlan.from_dict(plan.to_dict()) == plan


# --- seams -------------------------------------------------------------------------------

WORDS = [(1.0, 1.4, 300), (2.0, 2.6, 400), (9.7, 10.3, 500), (11.0, 11.5, 600), (19.0, 19.5, 700)]


def recognize_in_parts(audio: Audio, plan: PartPlan) -> Transcript:
    recognizer = ToneWordsRecognizer()
    parts = []
    for part in plan.parts:
        piece = audio[round(part.read_start_s * SAMPLE_RATE) : round(part.read_end_s * SAMPLE_RATE)]
        heard = recognizer.recognize(piece, options=RecognitionOptions())
        parts.append(shifted(heard, part.read_start_s))
    return merge_parts(plan, parts)


def said(transcript: Transcript) -> list[tuple[str, float, float]]:
    return [(w.text, round(w.start_s, 2), round(w.end_s, 2)) for w in transcript.words()]


def test_a_word_cut_by_a_seam_comes_out_once_with_its_own_times() -> None:
    audio = tone_words(20.0, WORDS)
    whole = ToneWordsRecognizer().recognize(audio, options=RecognitionOptions())
    # The cut at 10.0 s falls inside the word at 9.7-10.3 s; the one at 11.2 s inside 11.0-11.5.
    plan = plan_from_cuts([10.0, 11.2], 20.0, overlap_s=2.0)

    merged = recognize_in_parts(audio, plan)

    assert said(merged) == said(whole)
    assert [w.text for w in merged.words()] == [" w300", " w400", " w500", " w600", " w700"]
    assert merged.text == whole.text
    assert merged.duration_s == 20.0


def test_without_reading_past_the_cut_the_word_would_be_heard_twice() -> None:
    # Why parts overlap: with none, each side hears half of the cut word, and both halves
    # have their midpoint on their own side of the seam.
    audio = tone_words(20.0, WORDS)

    merged = recognize_in_parts(audio, plan_from_cuts([10.0], 20.0, overlap_s=0.0))

    assert [w.text for w in merged.words()].count(" w500") == 2


def test_the_language_is_the_one_heard_longest() -> None:
    audio = tone_words(20.0, WORDS)
    plan = plan_from_cuts([5.0], 20.0, overlap_s=1.0)
    recognizer = ToneWordsRecognizer()
    first = recognizer.recognize(
        audio[: 6 * SAMPLE_RATE], options=RecognitionOptions(language="de")
    )
    second = recognizer.recognize(audio[4 * SAMPLE_RATE :], options=RecognitionOptions())

    merged = merge_parts(plan, [first, shifted(second, 4.0)])

    assert merged.language == "en"  # 1.6 s of words in English, 1.0 s in German


def test_a_part_transcript_survives_storage() -> None:
    heard = ToneWordsRecognizer().recognize(tone_words(20.0, WORDS), options=RecognitionOptions())

    assert transcript_from_dict(transcript_to_dict(heard)) == heard


def test_a_silence_is_given_for_every_cut_or_none_at_all() -> None:
    with pytest.raises(ValueError, match="0 silences for 1 cuts"):
        plan_from_cuts([10.0], 20.0, overlap_s=2.0, quiet=[])
    plan = plan_from_cuts([10.0], 20.0, overlap_s=2.0, quiet=[(9.5, 10.4)])
    assert [(p.read_start_s, p.read_end_s) for p in plan.parts] == [(0.0, 10.4), (9.5, 20.0)]
