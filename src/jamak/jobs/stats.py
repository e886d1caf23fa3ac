"""What the job store says about the work done, summed for metrics at scrape time.

Workers are separate processes (a local pool, or AWS Batch containers), so they keep no
counters of their own: every job already records, durably, its status, the audio seconds it
recognised, when it started and finished, and (failed jobs) the kind of its error. Summing
those records when Prometheus scrapes gives counts that survive worker crashes and restarts
and need no shared memory between processes. The scan reads at most ``limit`` jobs per
status (newest first), which bounds a scrape's cost on a big store; deleting jobs makes the
sums drop, which Prometheus treats as a counter reset.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from jamak.jobs.model import Job, JobStatus
from jamak.jobs.ports import JobStore

DEFAULT_SCAN_LIMIT = 10_000
_PAGE = 500
# Kind of a failure recorded before jobs carried one (or by another writer).
UNKNOWN_ERROR_KIND = "Unknown"


@dataclass(frozen=True, slots=True)
class JobStats:
    by_status: dict[JobStatus, int]
    audio_s: float  # audio seconds recognised, over every job seen
    errors_by_kind: dict[str, int]  # failed jobs by their error's class name
    # Succeeded jobs' wall-clock seconds per second of audio (real-time factor), one each.
    seconds_per_audio_s: tuple[float, ...]

    @property
    def queue_depth(self) -> int:
        return self.by_status.get(JobStatus.QUEUED, 0)


def job_stats(store: JobStore, *, limit: int = DEFAULT_SCAN_LIMIT) -> JobStats:
    """Counts and sums over up to ``limit`` jobs of each status."""
    by_status: dict[JobStatus, int] = {}
    errors: Counter[str] = Counter()
    audio_s = 0.0
    speeds: list[float] = []
    for status in JobStatus:
        count = 0
        for job in _jobs(store, status, limit):
            count += 1
            audio_s += job.processed_s
            if status is JobStatus.FAILED:
                errors[job.error_kind or UNKNOWN_ERROR_KIND] += 1
            speed = _seconds_per_audio_s(job)
            if speed is not None:
                speeds.append(speed)
        by_status[status] = count
    return JobStats(by_status, audio_s, dict(errors), tuple(speeds))


def _jobs(store: JobStore, status: JobStatus, limit: int) -> Iterator[Job]:
    cursor: str | None = None
    seen = 0
    while seen < limit:
        page = store.list(status=status, limit=min(_PAGE, limit - seen), cursor=cursor)
        yield from page.jobs
        seen += len(page.jobs)
        if page.next_cursor is None or not page.jobs:
            return
        cursor = page.next_cursor


def _seconds_per_audio_s(job: Job) -> float | None:
    if job.status is not JobStatus.SUCCEEDED or not job.duration_s:
        return None
    if job.started_at is None or job.finished_at is None:
        return None
    return max(0.0, job.finished_at - job.started_at) / job.duration_s
