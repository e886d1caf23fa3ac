"""The long recording: clips cycled to length, written as MP3, with a matching reference."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from bench.corpus import Clip
from bench.longform import GAP_S, build
from bench.workload import Item, Workload

from jamak.media import SAMPLE_RATE, decode_audio


def decoded_workload(folder: Path, seconds: dict[str, float]) -> Workload:
    rng = np.random.default_rng(0)
    items = []
    for name, length_s in seconds.items():
        path = folder / f"{name}.npy"
        np.save(path, rng.uniform(-0.1, 0.1, round(length_s * SAMPLE_RATE)).astype(np.float32))
        items.append(Item(name, folder / f"{name}.wav", path, length_s))
    return Workload("clips", tuple(items), 0.0)


def clip(name: str, language: str, reference: str = "", *, verified: bool = True) -> Clip:
    return Clip(name, Path(f"{name}.wav"), language, 2.0, reference, verified)


def test_clips_are_cycled_to_the_target_length_and_written_as_mp3(tmp_path: Path) -> None:
    clips = [clip("a", "en", "first words"), clip("quiet", "none"), clip("b", "en", "second")]
    workload = decoded_workload(tmp_path, {"a": 2.0, "quiet": 1.0, "b": 2.0})

    recording = build(clips, workload, target_s=10.0, path=tmp_path / "long.mp3")

    # a, quiet, b, a: 2+1+2+2 s of clips and a gap after each, the first length past 10 s.
    assert recording.clip_count == 4
    assert recording.duration_s == pytest.approx(7.0 + 4 * GAP_S)
    assert recording.reference == "first words second first words"
    assert recording.language == "en"
    decoded = decode_audio(recording.path)
    assert decoded.duration_s == pytest.approx(recording.duration_s, abs=0.1)


def test_only_one_speech_language_and_only_verified_references_go_in(tmp_path: Path) -> None:
    clips = [
        clip("en1", "en", "hello"),
        clip("de1", "de", "hallo"),
        clip("guess", "en", "machine words", verified=False),
        clip("noise", "none"),
    ]
    workload = decoded_workload(tmp_path, {"en1": 1.0, "de1": 1.0, "guess": 1.0, "noise": 1.0})

    recording = build(clips, workload, target_s=3.0, path=tmp_path / "long.mp3")

    assert recording.clip_count == 2  # en1 and noise, with their gaps: 4 s
    assert recording.reference == "hello"
