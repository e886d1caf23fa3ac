"""What one process of the embedded worker pool is started with: plain, frozen values.

Apart from the process machinery (:mod:`jamak.backends.embedded.worker_process`) so that the
composition root can build it without importing the runner and PyAV; the pool pickles it
to each spawned process.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jamak.asr.options import RecognitionOptions
from jamak.backends.embedded import EmbeddedConfig
from jamak.jobs.limits import JobLimits
from jamak.jobs.recognizers import RecognizerConfig
from jamak.logs import LogFormat


@dataclass(frozen=True, slots=True)
class WorkerProcessConfig:
    """Everything one worker process needs, from the composition root."""

    backend: EmbeddedConfig
    recognizer_config: RecognizerConfig
    default_model: str = "base"  # loaded at start, before the first job asks for it
    lease_s: float = 30.0
    poll_interval_s: float = 0.5
    recognition: RecognitionOptions = field(default_factory=RecognitionOptions)
    limits: JobLimits = field(default_factory=JobLimits)
    split: bool = True  # spread long jobs over the pool (jamak.jobs.pool_parts) when size > 1
    # An express worker's bound: it claims only whole jobs declared at most this long.
    max_duration_s: float | None = None
    # Added to the process's niceness at start: the pool lowers its regular workers' when
    # it runs an express worker, so the short job's one thread gets most of a core.
    nice: int = 0
    log_level: str = "INFO"
    log_format: LogFormat = "text"


@dataclass(frozen=True, slots=True)
class ExpressLane:
    """Workers beside the pool's regular ones that claim only short jobs (a known declared
    length of at most ``max_duration_s``), one thread each, so a short clip submitted while
    long jobs hold every regular worker starts within a poll instead of after them.
    ``time_limit_s``: how long a job may run there (None: the pool's own limit; never
    longer than it; :func:`jamak.jobs.express.express_time_limit_s`)."""

    workers: int = 0
    max_duration_s: float = 120.0
    time_limit_s: float | None = None
