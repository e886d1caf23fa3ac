"""Fifty jobs while workers are killed at random: every job still ends succeeded.

Kills come every 0.3-0.8 s for a few seconds, to processes in any state (idle, mid-job,
mid-write, starting up); the pool replaces them and lost jobs return through their leases.
The test stops by itself: the killing has a fixed length and the wait a deadline.
"""

from __future__ import annotations

import os
import random
import signal
import time

from jamak.backends.embedded.pool import WorkerPool
from jamak.bootstrap import Services, worker_process_config
from jamak.jobs.model import JobStatus
from jamak.settings import Settings

from .conftest import slow_recognizers
from .helpers import submit, wait_for

JOBS = 50
WORKERS = 3
KILLING_S = 6.0


def test_every_job_succeeds_despite_random_kills(
    settings: Settings, services: Services, tone_bytes: bytes
) -> None:
    # Enough attempts that bad luck (the same job hit over and over) can't fail it.
    settings = settings.model_copy(update={"max_attempts": 20})
    jobs = [submit(services, tone_bytes) for _ in range(JOBS)]
    chance = random.Random(2024)
    kills = 0
    factory = slow_recognizers(steps=5, seconds_per_step=0.04)
    with WorkerPool(
        worker_process_config(settings), workers=WORKERS, recognizer_factory=factory
    ) as pool:
        killing_until = time.monotonic() + KILLING_S
        while time.monotonic() < killing_until:
            time.sleep(chance.uniform(0.3, 0.8))
            pids = pool.pids()
            if pids:
                try:
                    os.kill(chance.choice(pids), signal.SIGKILL)
                    kills += 1
                except ProcessLookupError:
                    pass  # died on its own meanwhile: fine
        wait_for(
            lambda: all(services.store.get(job.id).status.is_terminal for job in jobs),
            timeout_s=120,
            what="every job to finish",
        )
    assert kills >= 5
    finished = [services.store.get(job.id) for job in jobs]
    assert {job.status for job in finished} == {JobStatus.SUCCEEDED}, [
        (job.id, job.status, job.error) for job in finished if job.status is not JobStatus.SUCCEEDED
    ]
    for job in finished:
        assert set(job.outputs) == {"srt", "txt", "document"}
        assert services.objects.size(job.outputs["srt"]) > 0
    assert any(job.attempts > 1 for job in finished)  # some jobs really were interrupted
