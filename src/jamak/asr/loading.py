"""Loading a Whisper model onto CTranslate2: which device, which compute type.

Kept apart from running the model (:mod:`jamak.asr.faster_whisper`): where and how it runs
is settled once per process, before any file is read, and is all the entry points need of
the engine.
"""

from __future__ import annotations

from pathlib import Path

import ctranslate2
from faster_whisper import WhisperModel

from jamak.asr.heap import loading_apart
from jamak.errors import ModelLoadError


def resolve_device(device: str) -> str:
    if device != "auto":
        return device
    return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"


def resolve_compute_type(compute_type: str, device: str) -> str:
    if compute_type != "default":
        return compute_type
    return "float16" if device == "cuda" else "int8"


def load_model(
    path: Path, *, device: str, compute_type: str, cpu_threads: int, workers: int = 1
) -> WhisperModel:
    """``workers`` files can be recognised at once from as many threads, each on
    ``cpu_threads`` threads, with the weights loaded once. Raises :class:`ModelLoadError`
    where CTranslate2 cannot load what ``path`` holds."""
    device = resolve_device(device)
    try:
        with loading_apart():
            return WhisperModel(
                str(path),
                device=device,
                compute_type=resolve_compute_type(compute_type, device),
                cpu_threads=cpu_threads,
                num_workers=workers,
            )
    except (RuntimeError, ValueError, OSError) as err:
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise ModelLoadError(f"could not load the model in {path}: {reason}") from err
