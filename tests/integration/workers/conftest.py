"""Settings and media for tests that run real worker processes over a temporary data dir."""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from jamak.asr.fake import ScriptedRecognizer, ToneWordsRecognizer
from jamak.asr.options import RecognitionOptions
from jamak.asr.recognizer import SAMPLE_RATE, Audio, ProgressCallback, Recognizer
from jamak.asr.speech_map import SpeechMap
from jamak.bootstrap import Services, build_services
from jamak.jobs.recognizers import RecognizerConfig, scripted_recognizers
from jamak.settings import Settings
from jamak.transcript import Transcript
from tests.support.media import make_tone


@pytest.fixture(scope="session")
def tone_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return make_tone(tmp_path_factory.mktemp("media") / "tone.wav", 2.0).read_bytes()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # A short lease so that a killed worker's job comes back within a second.
    return Settings(
        backend="embedded",
        data_dir=tmp_path / "data",
        lease_s=1.0,
        poll_interval_s=0.05,
        max_attempts=3,
        model="scripted",
        log_level="INFO",
    )


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    built = build_services(settings)
    yield built
    built.close()


def slow_recognizers(*, steps: int, seconds_per_step: float) -> functools.partial[object]:
    """A picklable recogniser factory whose jobs take ``steps * seconds_per_step``."""
    return functools.partial(scripted_recognizers, steps=steps, seconds_per_step=seconds_per_step)


class OneRecognizer:
    """A provider whose every model is the same recogniser."""

    def __init__(self, recognizer: Recognizer) -> None:
        self.recognizer = recognizer

    def for_model(self, name: str) -> Recognizer:
        return self.recognizer

    def close(self) -> None:
        pass


def tone_word_recognizers(config: RecognizerConfig, *, seconds: float = 0.0) -> OneRecognizer:
    """A picklable recogniser factory for the pool (wrap it in functools.partial): every
    model is the tone-word recogniser (jamak.asr.fake), taking ``seconds``."""
    return OneRecognizer(ToneWordsRecognizer(seconds=seconds))


class PacedRecognizer:
    """The scripted recogniser taking ``seconds_per_audio_s`` for each second of audio, as a
    real one does: a long file holds its worker, a short one is done at once."""

    name = "paced"

    def __init__(self, seconds_per_audio_s: float) -> None:
        self.seconds_per_audio_s = seconds_per_audio_s

    def recognize(
        self,
        audio: Audio,
        *,
        options: RecognitionOptions,
        on_progress: ProgressCallback | None = None,
        speech: SpeechMap | None = None,
    ) -> Transcript:
        steps = 10
        pause_s = len(audio) / SAMPLE_RATE * self.seconds_per_audio_s / steps
        scripted = ScriptedRecognizer(steps=steps, seconds_per_step=pause_s, name=self.name)
        return scripted.recognize(audio, options=options, on_progress=on_progress)


def paced_recognizers(config: RecognizerConfig, *, seconds_per_audio_s: float) -> OneRecognizer:
    """A picklable recogniser factory for the pool (wrap it in functools.partial)."""
    return OneRecognizer(PacedRecognizer(seconds_per_audio_s))


class HangingRecognizer:
    """The scripted recogniser, except on audio longer than ``above_s``: there it never
    returns nor reports progress, like a native call that hangs."""

    name = "hanging"

    def __init__(self, above_s: float) -> None:
        self.above_s = above_s

    def recognize(
        self,
        audio: Audio,
        *,
        options: RecognitionOptions,
        on_progress: ProgressCallback | None = None,
        speech: SpeechMap | None = None,
    ) -> Transcript:
        if len(audio) / SAMPLE_RATE > self.above_s:
            time.sleep(3600.0)
        scripted = ScriptedRecognizer(steps=2)
        return scripted.recognize(audio, options=options, on_progress=on_progress)


def hanging_recognizers(config: RecognizerConfig, *, above_s: float) -> OneRecognizer:
    """A picklable recogniser factory for the pool (wrap it in functools.partial)."""
    return OneRecognizer(HangingRecognizer(above_s))
