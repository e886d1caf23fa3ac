"""Owns loaded Whisper models for the lifetime of one process.

A model loads once and is reused by every file and job that process handles; the registry is
created by an entry point (never at import time) and closed when it stops.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from jamak.asr import installer, integrity
from jamak.asr.catalog import CATALOG, PyPISource, lookup
from jamak.asr.faster_whisper import FasterWhisperRecognizer, load_model
from jamak.asr.kernels import CpuChoices
from jamak.errors import UnknownModelError

log = logging.getLogger(__name__)

ModelState = Literal["installed", "available offline", "downloadable", "not installable here"]


@dataclass(frozen=True, slots=True)
class ModelListing:
    name: str
    multilingual: bool
    origin: str
    approx_mb: int
    state: ModelState
    path: Path | None


class ModelRegistry:
    def __init__(
        self,
        *,
        model_dir: Path,
        device: str = "auto",
        compute_type: str = "default",
        cpu_threads: int = 0,
        workers: int = 1,
        allow_download: bool = True,
        cpu_choices: CpuChoices | None = None,
        room: Callable[[], int] | None = None,
    ) -> None:
        self.model_dir = model_dir
        self.device = device
        self.compute_type = compute_type
        self.cpu_threads = cpu_threads
        self.workers = workers  # recognitions one loaded model runs at once, from threads
        self.allow_download = allow_download
        self.cpu_choices = cpu_choices  # CTranslate2's variables, to report what runs
        # How many of those may decode now, asked before each step (a pool worker's: as many
        # as the other workers leave cores idle); None: all of them.
        self.room = room
        self._loaded: dict[str, FasterWhisperRecognizer] = {}
        self._verified: set[str] = set()  # catalog names whose model.bin was checked
        self._lock = threading.Lock()

    def resolve(self, name: str) -> Path:
        """The folder of an installed model, installing it first when needed.

        A catalogued model's model.bin is checked against its checksum the first time this
        registry resolves it (once per process: the registry lives as long as the process),
        and re-installed if damaged; see :mod:`jamak.asr.integrity`. A folder given by path
        is used as it is, unchecked: there is no checksum to compare it with.
        """
        folder = Path(name).expanduser()
        if (folder / "model.bin").is_file():
            return folder
        spec = lookup(name)
        if spec is None:
            known = ", ".join(sorted(CATALOG))
            raise UnknownModelError(
                f"unknown model {name!r}: use one of {known}, or a CTranslate2 model folder"
            )
        folder = self.model_dir / spec.name
        if spec.name in self._verified and installer.is_installed(folder):
            return folder
        folder = integrity.ensure_intact(spec, folder, allow_download=self.allow_download)
        self._verified.add(spec.name)
        return folder

    def pull(self, name: str) -> Path:
        """Install a model for later offline use (pip-installing its packages if needed)."""
        spec = lookup(name)
        source = spec.source if spec is not None else None
        if isinstance(source, PyPISource) and not installer.packages_present(source):
            installer.pip_install(source)
        return self.resolve(name)

    def recognizer(self, name: str) -> FasterWhisperRecognizer:
        with self._lock:
            if name not in self._loaded:
                path = self.resolve(name)
                spec = lookup(name)
                display = spec.name if spec else path.name
                log.info("loading model %s from %s", display, path)
                model = load_model(
                    path,
                    device=self.device,
                    compute_type=self.compute_type,
                    cpu_threads=self.cpu_threads,
                    workers=self.workers,
                )
                self._loaded[name] = FasterWhisperRecognizer(
                    model,
                    name=display,
                    cpu_choices=self.cpu_choices,
                    room=self.room,
                )
            return self._loaded[name]

    # The job runner's provider protocol calls it this.
    for_model = recognizer

    def listing(self) -> list[ModelListing]:
        rows = []
        for spec in CATALOG.values():
            folder = self.model_dir / spec.name
            state: ModelState
            if installer.is_installed(folder):
                state = "installed"
            elif isinstance(spec.source, PyPISource):
                state = (
                    "available offline"
                    if installer.packages_present(spec.source)
                    else "downloadable"
                )
            else:
                state = "downloadable" if self.allow_download else "not installable here"
            path = folder if state == "installed" else None
            rows.append(
                ModelListing(spec.name, spec.multilingual, spec.origin, spec.approx_mb, state, path)
            )
        return rows

    def close(self) -> None:
        with self._lock:
            for recognizer in self._loaded.values():
                recognizer.close()
            self._loaded.clear()

    def __enter__(self) -> ModelRegistry:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
