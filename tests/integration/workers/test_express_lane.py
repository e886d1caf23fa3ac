"""The express lane with real processes and a real SQLite queue: a short clip submitted while
long jobs hold every regular worker finishes within a few times its own work, because a
worker of its own takes only short jobs; and that worker never takes a long one."""

from __future__ import annotations

import functools
import os
import time
from pathlib import Path

from jamak.backends.embedded.config import ExpressLane
from jamak.backends.embedded.pool import WorkerPool
from jamak.bootstrap import Services, worker_process_config
from jamak.jobs.model import JobStatus
from jamak.settings import Settings
from tests.support.media import make_tone

from .conftest import hanging_recognizers, paced_recognizers
from .helpers import submit, wait_for

SECONDS_PER_AUDIO_S = 0.5  # the long clips take 20 s each, the short one 1 s
LONG_S = 40.0
SHORT_S = 2.0


def niceness(pid: int) -> int:
    return os.getpriority(os.PRIO_PROCESS, pid)


def status(services: Services, job_id: str) -> JobStatus:
    return services.store.get(job_id).status


def test_a_short_job_passes_long_ones_that_hold_every_worker(
    settings: Settings, services: Services, tmp_path: Path, tone_bytes: bytes
) -> None:
    long_bytes = make_tone(tmp_path / "long.wav", LONG_S).read_bytes()
    longs = [submit(services, long_bytes, read_duration=True) for _ in range(3)]
    factory = functools.partial(paced_recognizers, seconds_per_audio_s=SECONDS_PER_AUDIO_S)
    pool = WorkerPool(
        worker_process_config(settings),
        workers=2,
        express=ExpressLane(workers=1, max_duration_s=10.0),
        recognizer_factory=factory,
    )
    with pool:
        assert (pool.size, pool.express_size) == (2, 1)
        assert len(pool.pids()) == 3
        # The regular workers yield the CPU to the express one.
        own = niceness(os.getpid())
        wait_for(
            lambda: sorted(map(niceness, pool.pids())) == [own, own + 5, own + 5],
            timeout_s=60,
            what="the regular workers to lower their priority",
        )
        wait_for(
            lambda: all(services.store.get(job.id).progress > 0 for job in longs[:2]),
            timeout_s=60,
            what="the first two long jobs to hold both regular workers",
        )
        submitted_at = time.monotonic()
        short = submit(services, tone_bytes, read_duration=True)
        assert short.declared_s is not None and short.declared_s <= 10.0

        done_at = wait_for(
            lambda: status(services, short.id) is JobStatus.SUCCEEDED,
            timeout_s=30,
            what="the short job to finish",
        )

        # Its own work is about a second; the long jobs have some 15 s left.
        waited_s = done_at - submitted_at
        assert waited_s < 8.0, f"the short job took {waited_s:.1f} s"
        assert [status(services, job.id) for job in longs] == [
            JobStatus.RUNNING,
            JobStatus.RUNNING,
            JobStatus.QUEUED,  # the express worker, free again, does not take it
        ]
        wait_for(
            lambda: all(status(services, job.id) is JobStatus.SUCCEEDED for job in longs),
            timeout_s=120,
            what="the long jobs to finish",
        )


def test_a_short_job_that_hangs_frees_the_lane_within_its_own_limit(
    settings: Settings, services: Services, tmp_path: Path, tone_bytes: bytes
) -> None:
    """The lane's limit is its own (a few times its longest audio), not the server's 12
    hours: a short job stuck in one call fails, its worker is replaced, and the next short
    job runs on the lane, while the regular worker's long job is left alone."""
    hanging = functools.partial(hanging_recognizers, above_s=3.0)
    pool = WorkerPool(
        worker_process_config(settings),
        workers=1,
        express=ExpressLane(workers=1, max_duration_s=10.0, time_limit_s=2.0),
        recognizer_factory=hanging,
        overdue_grace_s=1.0,
    )
    long = submit(
        services, make_tone(tmp_path / "long.wav", LONG_S).read_bytes(), read_duration=True
    )
    pool.start()
    try:
        wait_for(
            lambda: status(services, long.id) is JobStatus.RUNNING,
            timeout_s=60,
            what="the long job to hold the regular worker",
        )
        lane_pids = set(pool.pids())
        stuck = submit(
            services, make_tone(tmp_path / "stuck.wav", 5.0).read_bytes(), read_duration=True
        )
        wait_for(
            lambda: status(services, stuck.id) is JobStatus.FAILED,
            timeout_s=60,
            what="the stuck short job to fail",
        )
        after = submit(services, tone_bytes, read_duration=True)
        wait_for(
            lambda: status(services, after.id) is JobStatus.SUCCEEDED,
            timeout_s=60,
            what="the next short job to run on the replaced express worker",
        )
        failed = services.store.get(stuck.id)
        assert failed.error_kind == "JobTimeLimitError"
        assert status(services, long.id) is JobStatus.RUNNING
        assert len(set(pool.pids()) - lane_pids) == 1  # the express worker, replaced
    finally:
        pool.stop(timeout_s=1.0)  # the long job hangs for good: its worker is killed
