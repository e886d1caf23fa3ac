"""The timing benchmark's ground truth and its scoring, on espeak-ng speech it builds."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from bench.timing.score import Tally, normalise
from bench.timing.speech import _word_starts
from bench.timing.systems import HypCue, HypWord, Output
from bench.timing.truth import Clip, TruthWord, synthesized

from jamak.media import decode_audio


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Clip]:
    made = synthesized(tmp_path_factory.mktemp("timing"), files=1, per_file=3)
    return {clip.language: clip for clip in made}


@pytest.fixture(params=["en", "ko"])
def clip(request: pytest.FixtureRequest, clips: dict[str, Clip]) -> Clip:
    return clips[request.param]


def test_sentences_are_apart_by_the_pauses_and_words_lie_on_the_sound(clip: Clip) -> None:
    gaps = [b[0] - a[1] for a, b in itertools.pairwise(clip.utterances)]
    assert len(clip.utterances) == 3 and all(0.29 <= gap <= 3.05 for gap in gaps), gaps
    assert clip.utterances[0][0] >= 1.0  # a quiet lead before the first word
    audio = decode_audio(clip.path).samples
    for word in clip.words:
        assert any(a <= word.start_s < word.end_s <= b + 1e-3 for a, b in clip.utterances)
        sound = audio[round(word.start_s * 16_000) : round(word.end_s * 16_000)]
        assert float(np.max(np.abs(sound))) > 0.01, word  # the word is there to hear
    assert sum(word.after_pause for word in clip.words) == 3
    assert all(word.start_known for word in clip.words if word.after_pause)


def test_every_written_word_is_kept_in_order_timed_or_not(clip: Clip) -> None:
    assert [w.text for w in clip.words] == clip.reference.split()
    assert sum(w.start_known for w in clip.words) >= 0.7 * len(clip.words)
    starts = [w.start_s for w in clip.words]
    assert starts == sorted(starts)


_BUILD = """
import hashlib, sys
from pathlib import Path
from bench.timing.truth import BACKGROUNDS, synthesized
clips = synthesized(Path(sys.argv[1]), files=len(BACKGROUNDS), per_file=1)
audio = hashlib.sha256(b"".join(c.path.read_bytes() for c in clips)).hexdigest()
print(audio, hashlib.sha256(repr([c.words for c in clips]).encode()).hexdigest())
print(" ".join(c.name for c in clips))
"""


def test_the_set_is_built_the_same_by_every_process_with_its_conditions(tmp_path: Path) -> None:
    # espeak-ng keeps some state from sentence to sentence, so the same files are built in
    # a fresh process (as the benchmark does), not twice in one.
    def build(folder: str) -> list[str]:
        run = subprocess.run(
            [sys.executable, "-c", _BUILD, str(tmp_path / folder)],
            capture_output=True,
            text=True,
            check=True,
            env=os.environ | {"PYTHONPATH": os.pathsep.join(sys.path)},
        )
        return run.stdout.splitlines()

    first, again = build("a"), build("b")
    assert first[0] == again[0]
    for part in ("clean", "white6dB", "white30dB", "tones15dB", "babble15dB", "ko_f3", "en-us"):
        assert part in first[1], part


def test_korean_word_events_count_characters_and_joined_words_have_no_start() -> None:
    text = "날씨가 좋아서 우리는 산책했다."
    # espeak-ng's events: (1-based character position, length, sample); 날씨가 is joined
    # to 좋아서 (one event, at 좋아서), the closing full stop has one of its own.
    events = [(5, 3, 100), (9, 3, 200), (13, 4, 300), (17, 1, 400)]
    words, starts = _word_starts(text, events)
    assert words == ("날씨가", "좋아서", "우리는", "산책했다.")
    assert starts == (None, 100, 200, 300)


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
    assert row["cues_over_no_speech"] == 0 and row["wer_pct"] == 0 and row["cer_pct"] == 0
    assert row["cue_starts_scored"] == 3 and row["words_scored"] > 0


def test_early_words_and_cues_that_end_with_the_voice_early_are_caught(clip: Clip) -> None:
    tally = Tally()
    tally.add(clip, _output(clip, -0.4, -0.2))
    row = tally.row()
    assert row["word_start_median_ms"] == -400 and row["word_start_within_200ms_pct"] == 0
    assert row["cue_start_ok_pct"] == 0 and row["cue_end_at_or_after_pct"] == 0


def test_cues_that_open_and_close_utterances_are_scored_even_when_misheard(clip: Clip) -> None:
    right = _output(clip, 0.0, 0.3)
    misheard = tuple(
        HypWord(" xq", w.start_s, w.end_s) if t.after_pause else w
        for w, t in zip(right.words, clip.words, strict=True)
    )
    tally = Tally()
    tally.add(clip, Output(right.text, misheard, right.cues, 0))
    row = tally.row()
    assert row["cue_starts_scored"] == 3 and row["cue_starts_by_utterance"] == 3
    assert row["cue_start_ok_pct"] == 100 and row["cue_ends_by_utterance"] == 0


def _korean_clip(words: list[TruthWord]) -> Clip:
    text = " ".join(w.text for w in words)
    return Clip("ko", Path(__file__), text, tuple(words), ((1.0, 3.0),), language="ko")


def test_korean_words_pair_by_eojeol_with_punctuation_ignored_and_unknown_times_unscored() -> None:
    truth = [
        TruthWord("날씨가", 1.0, 1.5, True),
        TruthWord("좋아서", 1.5, 2.0, False),
        TruthWord("우리는", 2.0, 2.5, False, end_known=False),
        TruthWord("산책했다.", 2.0, 3.0, False, start_known=False),
    ]
    hyp = (
        HypWord(" 날씨가", 1.0, 1.5),
        HypWord(" 좋아서,", 1.55, 2.0),  # Whisper's comma: the same word
        HypWord(" 우리는", 2.0, 2.5),
        HypWord(" 산책했다.", 2.7, 3.0),  # espeak-ng gave no start: not scored
    )
    tally = Tally()
    tally.add(
        _korean_clip(truth),
        Output(
            "날씨가 좋아서, 우리는 산책했다.",
            hyp,
            (
                HypCue(0.9, 2.5, 0, 2),  # ends with 우리는, whose end is unknown: not scored
                HypCue(2.7, 3.5, 3, 3),  # starts with 산책했다, whose start is unknown: not scored
            ),
            0,
        ),
    )
    row = tally.row()
    assert row["words_scored"] == 2 and row["word_start_median_ms"] == 25
    assert row["cue_starts_scored"] == 1 and row["cue_ends_scored"] == 1
    assert row["wer_pct"] == 0 and row["cer_pct"] == 0


def test_korean_is_normalised_without_the_english_rules() -> None:
    assert (
        normalise("오늘 아침에, 시장에서 사과를 샀어요!", "ko")
        == "오늘 아침에 시장에서 사과를 샀어요"
    )
    assert normalise("Mr. Smith   walked.", "en") == "mister smith walked"
