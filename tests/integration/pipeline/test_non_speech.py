"""No words on sounds that are not speech, and speech inside such sounds still heard.

Runs the default model on the synthesised non-speech set (``tests.support.nonspeech``):
both its tuning and its held-out half. Under ``make test`` this runs once more under every
CTranslate2 kernel family and compute type the machine offers (``make kernels``), since the
decoder's numbers move with them.
"""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest

from jamak.asr.kernels import chosen_family, matrix_library, read_cpu, supported_families
from jamak.asr.options import RecognitionOptions
from jamak.asr.recognizer import SAMPLE_RATE
from jamak.asr.registry import ModelRegistry
from jamak.media import decode_audio
from jamak.settings import Settings
from tests.support import nonspeech
from tests.support.matrix import SpeechClip

pytestmark = pytest.mark.model


@pytest.mark.parametrize("sound", nonspeech.ALL, ids=lambda sound: sound.name)
def test_no_words_on_non_speech(model_registry: ModelRegistry, sound: nonspeech.NonSpeech) -> None:
    transcript = model_registry.recognizer("base").recognize(
        sound.make(), options=RecognitionOptions()
    )
    assert transcript.text == ""
    assert transcript.segments == ()


@pytest.mark.parametrize(
    ("background", "gain"),
    [
        (lambda: nonspeech.melody(16, -24, seed=21, beat=True), 0.8),
        (lambda: nonspeech.noise("pink", 16, -30, seed=22), 0.8),
        (lambda: nonspeech.applause(16, -26, seed=23), 0.8),
    ],
    ids=["music", "pink_noise", "applause"],
)
def test_speech_inside_non_speech_is_heard_and_nothing_else(
    model_registry: ModelRegistry, speech_wav: SpeechClip, background: object, gain: float
) -> None:
    """A sentence laid over music or noise from 6 s: its words come out, placed where it
    was said, and no words are written over the sound before or after it."""
    speech = decode_audio(speech_wav.path).samples
    at_s = 6.0
    mixed = nonspeech.with_speech(background(), speech, at_s=at_s, speech_gain=gain)  # type: ignore[operator]
    transcript = model_registry.recognizer("base").recognize(
        mixed, options=RecognitionOptions(language="en")
    )
    expected = set(re.findall(r"[a-z]+", speech_wav.text.lower()))
    heard = set(re.findall(r"[a-z]+", transcript.text.lower()))
    assert len(expected & heard) >= 0.6 * len(expected), transcript.text
    end_s = at_s + len(speech) / SAMPLE_RATE
    outside = [w for w in transcript.words() if w.end_s < at_s - 1.0 or w.start_s > end_s + 1.0]
    assert outside == [], transcript.text


def test_results_say_how_the_model_ran(model_registry: ModelRegistry) -> None:
    silence = np.zeros(SAMPLE_RATE, dtype=np.float32)
    transcript = model_registry.recognizer("base").recognize(silence, options=RecognitionOptions())
    assert transcript.device == "cpu"
    assert transcript.compute_type.startswith(Settings().compute_type.replace("default", "int8"))
    assert transcript.cpu_kernels == chosen_family(read_cpu(), Settings().ct2_force_cpu_isa)
    assert transcript.cpu_matrix_library == matrix_library(read_cpu(), Settings().ct2_use_mkl)


@pytest.mark.parametrize("forced", [None, *supported_families(read_cpu())])
def test_the_kernel_family_reported_is_the_one_ctranslate2_runs(
    model_registry: ModelRegistry, forced: str | None
) -> None:
    """CTranslate2 names the family it selected in its own log; jamak follows its rule."""
    log = _load_log(model_registry, {} if forced is None else {"CT2_FORCE_CPU_ISA": forced})
    selected = re.search(r"Selected ISA: (\w+)", log)
    assert selected is not None, log
    assert chosen_family(read_cpu(), forced) == selected.group(1)


@pytest.mark.skipif(
    read_cpu().machine not in ("x86_64", "amd64"), reason="jamak names the library on x86-64 only"
)
@pytest.mark.parametrize("use_mkl", [None, "0", "1", "true"])
def test_the_matrix_library_reported_is_the_one_ctranslate2_runs(
    model_registry: ModelRegistry, use_mkl: str | None
) -> None:
    """The library of the matrix products moves Whisper's numbers as the kernels do (an
    Intel and an AMD processor differ in it): jamak names it by CTranslate2's rule, which
    its log confirms here, with and without CT2_USE_MKL."""
    log = _load_log(model_registry, {} if use_mkl is None else {"CT2_USE_MKL": use_mkl})
    backend = re.search(r"GEMM_S8 backend: (\w+)", log)
    assert backend is not None, log
    assert matrix_library(read_cpu(), use_mkl) == backend.group(1)


def _load_log(model_registry: ModelRegistry, env: dict[str, str]) -> str:
    """CTranslate2's log of loading tiny.en in a fresh process under ``env`` alone."""
    model = model_registry.resolve("tiny.en")
    load = f"import ctranslate2; ctranslate2.models.Whisper({str(model)!r}, device='cpu')"
    return subprocess.run(
        [sys.executable, "-c", load],
        env={"CT2_VERBOSE": "1", "PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=True,
    ).stderr
