"""Where a worker gets its recogniser for a job's model, so one process loads each model once.

The runner asks a :class:`RecognizerProvider` for ``job.options.model`` on every job; the
provider keeps models loaded between jobs. The real one is
:class:`jamak.asr.registry.ModelRegistry`; :class:`ScriptedRecognizers` hands out the fake
recogniser, for worker tests where the model is not the point. Worker pools receive a
*factory* of providers, so that each process builds its own.
"""

from __future__ import annotations

from typing import Protocol

from jamak.asr.fake import ScriptedRecognizer
from jamak.asr.recognizer import Recognizer
from jamak.settings import Settings

MAX_STREAMS_PER_WORKER = 2


class RecognizerProvider(Protocol):
    def for_model(self, name: str) -> Recognizer:
        """Raises :class:`jamak.errors.ModelError` for a model that can't be had."""
        ...

    def close(self) -> None: ...


def model_registry_recognizers(settings: Settings) -> RecognizerProvider:
    """The production provider: real Whisper models, configured from ``settings``.

    Module-level (hence picklable) so a worker pool can hand it to spawned processes, each
    of which then loads its own models.
    """
    # Imported here: loading faster-whisper is the worker's business, not every importer's.
    from jamak.asr.cpu import usable_cores
    from jamak.asr.registry import ModelRegistry

    # In a pool (which sets cpu_threads to its share of the cores), a second decoding stream
    # lets a lone long job use a core that other workers leave idle. Not more: each stream
    # holds its own decoder memory (about 1 GB at batch 8, beam 5). Alone (the AWS Batch
    # container), CTranslate2's own threading has the machine already.
    spare = usable_cores() // settings.cpu_threads if settings.cpu_threads else 1
    return ModelRegistry(
        model_dir=settings.model_dir,
        device=settings.device,
        compute_type=settings.compute_type,
        cpu_threads=settings.cpu_threads,
        workers=max(1, min(MAX_STREAMS_PER_WORKER, spare)),
        allow_download=settings.allow_download,
        forced_cpu_isa=settings.ct2_force_cpu_isa,
    )


class ScriptedRecognizers:
    """Every model name gets the same :class:`ScriptedRecognizer`, named after the model."""

    def __init__(self, *, steps: int = 4, seconds_per_step: float = 0.0) -> None:
        self._steps = steps
        self._seconds_per_step = seconds_per_step

    def for_model(self, name: str) -> Recognizer:
        return ScriptedRecognizer(
            steps=self._steps, seconds_per_step=self._seconds_per_step, name=name
        )

    def close(self) -> None:
        pass


def scripted_recognizers(
    settings: Settings, *, steps: int = 4, seconds_per_step: float = 0.0
) -> RecognizerProvider:
    """A picklable factory of fake recognisers (wrap it in functools.partial to slow it)."""
    del settings
    return ScriptedRecognizers(steps=steps, seconds_per_step=seconds_per_step)
