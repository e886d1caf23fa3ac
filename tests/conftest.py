"""Fixtures shared by every test suite: generated media and the shared evaluation clips.

Only shared fixtures belong here; a suite's own fixtures live in its folder. Generated media
is built once per session in a temporary folder and must not be modified by tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from jamak.asr.kernels import CpuChoices
from jamak.asr.registry import ModelRegistry
from jamak.settings import Settings
from tests.support import eval as shared_eval
from tests.support.eval import EvalClip
from tests.support.matrix import (
    MediaCase,
    SpeechClip,
    build_bad_files,
    build_media_matrix,
    make_speech,
)

ENGLISH_TEXT = "The quick brown fox jumps over the lazy dog. Then it runs back home."
KOREAN_TEXT = "안녕하세요. 오늘 날씨가 정말 좋네요."


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def speech_wav(media_dir: Path) -> SpeechClip:
    """A short English sentence (about 4 s) spoken by espeak-ng, with its text."""
    return make_speech(ENGLISH_TEXT, media_dir / "english.wav", voice="en-us", language="en")


@pytest.fixture(scope="session")
def korean_speech_wav(media_dir: Path) -> SpeechClip:
    return make_speech(KOREAN_TEXT, media_dir / "korean.wav", voice="ko", language="ko")


@pytest.fixture(scope="session")
def media_matrix(speech_wav: SpeechClip, media_dir: Path) -> dict[str, MediaCase]:
    """``speech_wav`` in every container jamak supports, keyed by suffix ("mp3", "mkv", ...)."""
    out_dir = media_dir / "matrix"
    out_dir.mkdir()
    return build_media_matrix(speech_wav, out_dir)


@pytest.fixture(scope="session")
def bad_files(speech_wav: SpeechClip, media_dir: Path) -> dict[str, Path]:
    """Unusable inputs: random_bytes, png_as_mp4, bmp_as_mp4, text_as_mp4, empty,
    truncated_mp4, video_without_audio, no_samples_wav."""
    out_dir = media_dir / "bad"
    out_dir.mkdir()
    return build_bad_files(speech_wav, out_dir)


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    """``<repo>/../shared/eval``; skips the test, saying why, when it is not there."""
    directory = shared_eval.eval_dir()
    if directory is None:
        pytest.skip("../shared/eval (real evaluation clips) is not present beside the repository")
    return directory


@pytest.fixture(scope="session")
def eval_clips(eval_dir: Path) -> dict[str, EvalClip]:
    """The shared evaluation clips by short name (see tests.support.eval.EvalClip)."""
    return shared_eval.read_manifest(eval_dir)


@pytest.fixture(scope="session")
def model_registry() -> Iterator[ModelRegistry]:
    """Real Whisper models (tiny.en, base) from the machine's model cache, loaded once, with
    the compute type the environment asks for (``JAMAK_COMPUTE_TYPE``; ``make kernels`` runs
    the model tests under each compute type and CPU kernel family)."""
    settings = Settings()
    with ModelRegistry(
        model_dir=settings.model_dir,
        device="cpu",
        compute_type=settings.compute_type,
        cpu_choices=CpuChoices(settings.ct2_force_cpu_isa, settings.ct2_use_mkl),
    ) as registry:
        yield registry
