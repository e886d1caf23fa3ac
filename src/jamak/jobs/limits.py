"""How much one job may take: what its file may declare, and how long it may run.

Plain values built once by the composition root from the settings, handed to every worker
(pool process or Batch container), so one hostile upload costs a bounded share of a worker
and then fails with a message, while every other job carries on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jamak.asr.parts import PartSettings
from jamak.media import MediaLimits

# Twelve hours: a six-hour recording on a slow CPU with a large model still finishes, and a
# job stuck in a loop frees its worker the same day.
DEFAULT_TIME_LIMIT_S = 12 * 60 * 60.0


@dataclass(frozen=True, slots=True)
class JobLimits:
    media: MediaLimits = field(default_factory=MediaLimits)
    time_limit_s: float | None = DEFAULT_TIME_LIMIT_S  # None: a job may run as long as it takes
    # How a long file is split into parts (jamak.jobs.parts): part length, split threshold.
    parts: PartSettings = field(default_factory=PartSettings)
