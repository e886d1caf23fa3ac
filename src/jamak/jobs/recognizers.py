"""Where a worker gets its recogniser for a job's model, so one process loads each model once.

The runner asks a :class:`RecognizerProvider` for ``job.options.model`` on every job; the
provider keeps models loaded between jobs. The real one is
:class:`jamak.asr.registry.ModelRegistry`; :class:`ScriptedRecognizers` hands out the fake
recogniser, for worker tests where the model is not the point.

Providers are built from a :class:`RecognizerConfig`, which the composition root makes from
the settings: plain, frozen and picklable, so a worker pool hands the config and a *factory*
to each spawned process, and each process builds its own provider (never a loaded model
across a process boundary).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from jamak.asr.fake import ScriptedRecognizer
from jamak.asr.kernels import CpuChoices
from jamak.asr.recognizer import Recognizer

if TYPE_CHECKING:
    from jamak.asr.registry import ModelRegistry

MAX_STREAMS_PER_WORKER = 2


@dataclass(frozen=True, slots=True)
class RecognizerConfig:
    """How to find, load and run Whisper models in one process."""

    model_dir: Path
    device: str = "auto"  # cpu, cuda or auto
    compute_type: str = "default"
    cpu_threads: int = 0  # 0: CTranslate2 chooses
    allow_download: bool = True
    cpu_choices: CpuChoices | None = None  # CTranslate2's variables, only to report what runs
    # Recognitions one loaded model runs at once; 0: as the cores leave room for (see
    # model_registry_recognizers). The pool's express worker sets 1: one thread in all.
    streams: int = 0
    # How many of those streams may decode now, asked before each decoding step; None: all.
    # A pool worker's follows the other workers (jamak.backends.embedded.busy): a second
    # stream only while another worker's cores are idle.
    room: Callable[[], int] | None = None


class RecognizerProvider(Protocol):
    def for_model(self, name: str) -> Recognizer:
        """Raises :class:`jamak.errors.ModelError` for a model that can't be had."""
        ...

    def close(self) -> None: ...


# Builds a provider inside the process that uses it. It travels to a spawned worker by
# pickling, so it must be a module-level function (or a functools.partial of one).
RecognizerFactory = Callable[[RecognizerConfig], RecognizerProvider]


def open_model_registry(config: RecognizerConfig, *, workers: int = 1) -> ModelRegistry:
    """The one place a :class:`ModelRegistry` is made; ``workers``: recognitions one loaded
    model runs at once (threads of one process)."""
    # Imported here: loading faster-whisper is the worker's business, not every importer's.
    from jamak.asr.registry import ModelRegistry

    return ModelRegistry(
        model_dir=config.model_dir,
        device=config.device,
        compute_type=config.compute_type,
        cpu_threads=config.cpu_threads,
        workers=workers,
        allow_download=config.allow_download,
        cpu_choices=config.cpu_choices,
        room=config.room,
    )


def model_registry_recognizers(config: RecognizerConfig) -> RecognizerProvider:
    """The production provider: real Whisper models (a :data:`RecognizerFactory`)."""
    from jamak.asr.cpu import usable_cores

    # In a pool (which sets cpu_threads to its share of the cores), a second decoding stream
    # lets a lone long job use a core that other workers leave idle. Not more: each stream
    # holds its own decoder memory (about 1 GB at batch 8, beam 5). Alone (the AWS Batch
    # container), CTranslate2's own threading has the machine already.
    if config.streams:
        return open_model_registry(config, workers=config.streams)
    spare = usable_cores() // config.cpu_threads if config.cpu_threads else 1
    return open_model_registry(config, workers=max(1, min(MAX_STREAMS_PER_WORKER, spare)))


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
    config: RecognizerConfig, *, steps: int = 4, seconds_per_step: float = 0.0
) -> RecognizerProvider:
    """A picklable factory of fake recognisers (wrap it in functools.partial to slow it)."""
    del config
    return ScriptedRecognizers(steps=steps, seconds_per_step=seconds_per_step)
