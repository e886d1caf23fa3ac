"""How much one job may take: what its file may declare, and how long it may run.

Plain values built once by the composition root from the settings, handed to every worker
(pool process or Batch container), so one hostile upload costs a bounded share of a worker
and then fails with a message, while every other job carries on.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from jamak.asr.parts import PartSettings
from jamak.errors import StorageFullError
from jamak.media import MediaLimits

MIB = 1024 * 1024

# Twelve hours: a six-hour recording on a slow CPU with a large model still finishes, and a
# job stuck in a loop frees its worker the same day.
DEFAULT_TIME_LIMIT_S = 12 * 60 * 60.0


@dataclass(frozen=True, slots=True)
class ScratchSpace:
    """The local disk a job needs, checked before it starts: the media fetched to the
    scratch folder (an S3 download), the listening copy written beside it and the outputs,
    as ``factor`` × the media's size plus ``margin_bytes``. A job that cannot fit fails at
    once, saying how much it needs and how much is free, instead of dying mid-job with a
    full disk. ``factor`` 0: no check (the embedded deployment reads media in place)."""

    factor: float = 0.0
    margin_bytes: int = 256 * MIB
    folder: Path | None = None  # None: the temporary folder, where scratch files go

    @property
    def enabled(self) -> bool:
        return self.factor > 0

    def required_bytes(self, media_bytes: int) -> int:
        return int(media_bytes * self.factor) + self.margin_bytes

    def check(self, media_bytes: int) -> None:
        """Raise :class:`StorageFullError` when the scratch folder has too little room."""
        if not self.enabled:
            return
        folder = self.folder or Path(tempfile.gettempdir())
        free = shutil.disk_usage(folder).free
        needed = self.required_bytes(media_bytes)
        if free < needed:
            raise StorageFullError(
                f"not enough disk for this job: {needed / MIB:,.0f} MiB needed in {folder} "
                f"({media_bytes / MIB:,.0f} MiB of media x {self.factor:g} + "
                f"{self.margin_bytes / MIB:,.0f} MiB), {free / MIB:,.0f} MiB free; give the "
                "workers a larger disk (batch stack: RootVolumeGiB) or lower the upload limit"
            )


@dataclass(frozen=True, slots=True)
class JobLimits:
    media: MediaLimits = field(default_factory=MediaLimits)
    time_limit_s: float | None = DEFAULT_TIME_LIMIT_S  # None: a job may run as long as it takes
    scratch: ScratchSpace = field(default_factory=ScratchSpace)
    # How a long file is split into parts (jamak.jobs.parts): part length, split threshold.
    parts: PartSettings = field(default_factory=PartSettings)
