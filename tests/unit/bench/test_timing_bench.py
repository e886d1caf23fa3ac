"""The timing benchmark's ground truth and its scoring, on espeak-ng speech it builds."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from bench.timing.score import Tally
from bench.timing.systems import HypCue, HypWord, Output
from bench.timing.truth import Clip, synthesized

from jamak.media import decode_audio


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Clip:
    (made,) = synthesized(tmp_path_factory.mktemp("timing"), files=1, per_file=3)
    return made


def test_sentences_are_apart_by_the_pauses_and_words_lie_on_the_sound(clip: Clip) -> None:
    gaps = [b[0] - a[1] for a, b in itertools.pairwise(clip.utterances)]
    assert len(clip.utterances) == 3 and all(0.55 <= gap <= 2.6 for gap in gaps), gaps
    assert clip.utterances[0][0] >= 1.0  # a quiet lead before the first word
    audio = decode_audio(clip.path).samples
    for word in clip.words:
        assert any(a <= word.start_s < word.end_s <= b + 1e-3 for a, b in clip.utterances)
        sound = audio[round(word.start_s * 16_000) : round(word.end_s * 16_000)]
        assert float(np.max(np.abs(sound))) > 0.01, word  # the word is there to hear
    assert sum(word.after_pause for word in clip.words) == 3


def _output(clip: Clip, shift_s: float, lead_out_s: float) -> Output:
    words = tuple(HypWord(" " + w.text, w.start_s + shift_s, w.end_s) for w in clip.words)
    firsts = [i for i, w in enumerate(clip.words) if w.after_pause] + [len(words)]
    cues = tuple(
        HypCue(words[a].start_s, words[b - 1].end_s + lead_out_s, a, b - 1)
        for a, b in itertools.pairwise(firsts)
    )
    return Output(clip.reference, words, cues, violations=0)


def test_the_truth_itself_scores_perfectly(clip: Clip) -> None:
    tally = Tally()
    tally.add(clip, _output(clip, 0.0, 0.3))
    row = tally.row()
    assert row["word_start_median_abs_ms"] == 0 and row["first_word_median_ms"] == 0
    assert row["cue_start_ok_pct"] == 100 and row["cue_end_at_or_after_pct"] == 100
    assert row["cues_over_no_speech"] == 0 and row["wer_pct"] == 0


def test_early_words_and_cues_that_end_with_the_voice_early_are_caught(clip: Clip) -> None:
    tally = Tally()
    tally.add(clip, _output(clip, -0.4, -0.2))
    row = tally.row()
    assert row["word_start_median_ms"] == -400 and row["word_start_within_200ms_pct"] == 0
    assert row["cue_start_ok_pct"] == 0 and row["cue_end_at_or_after_pct"] == 0
