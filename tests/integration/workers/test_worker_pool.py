"""The embedded worker pool with real processes, a real SQLite queue and real media; the
recogniser is the scripted one, slowed down so that jobs are still running when a test
kills, cancels or stops something."""

from __future__ import annotations

import functools
import io
import os
import random
import signal
import time
from pathlib import Path

import pytest

from jamak.backends.embedded.pool import WorkerPool
from jamak.bootstrap import Services, build_services, worker_process_config
from jamak.jobs.model import JobOptions, JobStatus
from jamak.jobs.service import cancel_job, submit_job
from jamak.settings import Settings
from tests.support.media import make_tone

from .conftest import hanging_recognizers, slow_recognizers
from .helpers import submit, wait_for


def status(services: Services, job_id: str) -> JobStatus:
    return services.store.get(job_id).status


def test_a_pool_runs_every_job_and_stops_cleanly(
    settings: Settings, services: Services, tone_bytes: bytes
) -> None:
    jobs = [submit(services, tone_bytes) for _ in range(4)]
    pool = WorkerPool(
        worker_process_config(settings),
        workers=2,
        recognizer_factory=slow_recognizers(steps=4, seconds_per_step=0.02),
    )
    with pool:
        pids = pool.pids()
        assert len(pids) == 2
        wait_for(
            lambda: all(status(services, job.id) is JobStatus.SUCCEEDED for job in jobs),
            timeout_s=60,
            what="all jobs to succeed",
        )
    assert pool.pids() == []
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    for job in jobs:
        done = services.store.get(job.id)
        assert set(done.outputs) == {"srt", "txt", "document"}
        with services.objects.open(done.outputs["txt"]) as stream:
            assert b"hello from the scripted recogniser" in stream.read()


def test_a_killed_worker_is_replaced_and_its_job_finishes(
    settings: Settings, services: Services, tone_bytes: bytes
) -> None:
    job = submit(services, tone_bytes)
    factory = slow_recognizers(steps=20, seconds_per_step=0.1)  # about 2 s per job
    with WorkerPool(worker_process_config(settings), workers=1, recognizer_factory=factory) as pool:
        wait_for(lambda: services.store.get(job.id).progress > 0, timeout_s=60, what="job to start")
        [victim] = pool.pids()
        os.kill(victim, signal.SIGKILL)
        wait_for(
            lambda: status(services, job.id) is JobStatus.SUCCEEDED,
            timeout_s=60,
            what="the job to finish after the kill",
        )
        assert pool.pids() != [victim]
    done = services.store.get(job.id)
    assert done.attempts == 2
    assert set(done.outputs) == {"srt", "txt", "document"}


def test_the_replacement_of_a_killed_worker_removes_the_media_name_it_left(
    settings: Settings,
    services: Services,
    tone_bytes: bytes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))  # the workers' temporary folder
    job = submit(services, tone_bytes)
    factory = slow_recognizers(steps=20, seconds_per_step=0.1)
    with WorkerPool(worker_process_config(settings), workers=1, recognizer_factory=factory) as pool:
        wait_for(lambda: services.store.get(job.id).progress > 0, timeout_s=60, what="job to start")
        [victim] = pool.pids()
        # Named by the worker's pid namespace and pid (by the bare pid where /proc has none).
        left = [*scratch.glob(f"jamak-job-*.{victim}-*"), *scratch.glob(f"jamak-job-{victim}-*")]
        assert len(left) == 1  # the media under its uploaded name, while the job runs
        os.kill(victim, signal.SIGKILL)
        wait_for(lambda: pool.pids() not in ([], [victim]), timeout_s=60, what="a replacement")
        wait_for(lambda: not left[0].exists(), timeout_s=60, what="the folder to go")
        wait_for(
            lambda: status(services, job.id) is JobStatus.SUCCEEDED,
            timeout_s=60,
            what="the job to finish after the kill",
        )
    assert list(scratch.glob("jamak-job-*")) == []


def test_a_cancelled_job_stops_within_a_second_and_stays_cancelled(
    settings: Settings, services: Services, tone_bytes: bytes
) -> None:
    long_job = submit(services, tone_bytes)
    next_job = submit(services, tone_bytes)
    factory = slow_recognizers(steps=40, seconds_per_step=0.1)  # about 4 s per job
    with WorkerPool(worker_process_config(settings), workers=1, recognizer_factory=factory):
        wait_for(
            lambda: services.store.get(long_job.id).progress > 0,
            timeout_s=60,
            what="the long job to start",
        )
        cancelled_at = time.monotonic()
        cancel_job(store=services.store, launcher=services.launcher, job_id=long_job.id)
        # With one worker, the next job starts only once the cancelled one has stopped.
        freed_at = wait_for(
            lambda: status(services, next_job.id) is JobStatus.RUNNING,
            timeout_s=10,
            what="the worker to move on",
        )
        latency_s = freed_at - cancelled_at
        assert latency_s < 1.0, f"the worker moved on {latency_s:.2f} s after the cancel"
        time.sleep(1.5)  # longer than a lease: nothing brings the cancelled job back
        stopped = services.store.get(long_job.id)
        assert stopped.status is JobStatus.CANCELLED
        assert stopped.outputs == {}
        assert stopped.progress < 100.0
    with pytest.raises(Exception, match="no object"):
        services.objects.open(f"jobs/{long_job.id}/subtitles.srt")


def test_bad_input_fails_alone(settings: Settings, services: Services, tone_bytes: bytes) -> None:
    good_before = submit(services, tone_bytes)
    bad = submit(services, random.Random(7).randbytes(64 * 1024), filename="holiday.mp4")
    good_after = submit(services, tone_bytes)
    factory = slow_recognizers(steps=2, seconds_per_step=0.01)
    with WorkerPool(worker_process_config(settings), workers=2, recognizer_factory=factory) as pool:
        wait_for(
            lambda: all(
                status(services, job.id).is_terminal for job in (good_before, bad, good_after)
            ),
            timeout_s=60,
            what="all jobs to finish",
        )
        assert len(pool.pids()) == 2  # no worker died over it
    failed = services.store.get(bad.id)
    assert failed.status is JobStatus.FAILED
    assert failed.error is not None
    assert "is not an audio or video file" in failed.error
    assert failed.attempts == 1
    assert status(services, good_before.id) is JobStatus.SUCCEEDED
    assert status(services, good_after.id) is JobStatus.SUCCEEDED


def test_stopping_the_pool_hands_running_jobs_back(
    settings: Settings, services: Services, tone_bytes: bytes
) -> None:
    job = submit(services, tone_bytes)
    slow = slow_recognizers(steps=100, seconds_per_step=0.1)
    with WorkerPool(worker_process_config(settings), workers=1, recognizer_factory=slow) as pool:
        wait_for(lambda: services.store.get(job.id).progress > 0, timeout_s=60, what="job to start")
        stop_started = time.monotonic()
        pool.stop(timeout_s=10)
        assert time.monotonic() - stop_started < 5  # stopped, not killed at the timeout
    handed_back = services.store.get(job.id)
    assert handed_back.status is JobStatus.QUEUED
    assert handed_back.attempts == 0
    fast = slow_recognizers(steps=2, seconds_per_step=0.01)
    with WorkerPool(worker_process_config(settings), workers=1, recognizer_factory=fast):
        wait_for(
            lambda: status(services, job.id) is JobStatus.SUCCEEDED,
            timeout_s=60,
            what="the next pool to finish the job",
        )
    assert services.store.get(job.id).attempts == 1


def test_a_job_that_hangs_past_its_time_limit_fails_and_its_worker_is_replaced(
    settings: Settings, tmp_path: Path, tone_bytes: bytes
) -> None:
    """A job stuck inside one call reports no progress, so only the pool can stop it; it
    fails once, with the time-limit message, instead of going back to the queue."""
    limited = settings.model_copy(update={"job_time_limit_s": 1.0})
    services = build_services(limited)
    long_tone = make_tone(tmp_path / "long.wav", 5.0).read_bytes()
    try:
        stuck = submit(services, long_tone)
        hanging = functools.partial(hanging_recognizers, above_s=3.0)
        config = worker_process_config(limited)
        with WorkerPool(config, workers=1, recognizer_factory=hanging, overdue_grace_s=1.0) as pool:
            first_pid = pool.pids()
            wait_for(
                lambda: status(services, stuck.id) is JobStatus.FAILED,
                timeout_s=60,
                what="the hanging job to fail",
            )
            after = submit(services, tone_bytes)
            wait_for(
                lambda: status(services, after.id) is JobStatus.SUCCEEDED,
                timeout_s=60,
                what="the next job to run on the replaced worker",
            )
            assert len(pool.pids()) == 1
            assert pool.pids() != first_pid
        failed = services.store.get(stuck.id)
        assert failed.error_kind == "JobTimeLimitError"
        assert failed.error is not None and "longer than this server allows" in failed.error
        assert failed.attempts == 1
    finally:
        services.close()


def test_a_replacement_is_not_held_to_the_clock_of_the_worker_it_replaced(
    settings: Settings, services: Services, tone_bytes: bytes
) -> None:
    """A worker that died mid-job leaves its job's start posted; the pool clears it with
    the replacement, which must not be stopped for a job it never ran."""
    limited = settings.model_copy(update={"job_time_limit_s": 3.0})  # a job takes 2 s
    job = submit(services, tone_bytes)
    factory = slow_recognizers(steps=20, seconds_per_step=0.1)
    config = worker_process_config(limited)
    with WorkerPool(config, workers=1, recognizer_factory=factory, overdue_grace_s=0.5) as pool:
        wait_for(lambda: services.store.get(job.id).progress > 0, timeout_s=60, what="job to start")
        [victim] = pool.pids()
        os.kill(victim, signal.SIGKILL)
        cancel_job(store=services.store, launcher=services.launcher, job_id=job.id)
        wait_for(lambda: pool.pids() not in ([], [victim]), timeout_s=30, what="a replacement")
        [replacement] = pool.pids()
        time.sleep(4.0)  # past the dead job's limit and grace
        assert pool.pids() == [replacement]
        after = submit(services, tone_bytes)
        wait_for(
            lambda: status(services, after.id) is JobStatus.SUCCEEDED,
            timeout_s=60,
            what="the replacement to run the next job",
        )
        assert pool.pids() == [replacement]


def test_a_model_folder_the_engine_cannot_load_fails_its_jobs_not_the_workers(
    settings: Settings, tmp_path: Path, tone_bytes: bytes
) -> None:
    """The server's default model given as a folder CTranslate2 refuses (real registry, real
    engine): each worker loads it at start and fails, and stays up; each job asking for it
    fails with the reason, once, and the pool goes on."""
    damaged = tmp_path / "my-model"
    damaged.mkdir()
    (damaged / "model.bin").write_bytes(b"not a CTranslate2 model")
    with_damaged = settings.model_copy(update={"model": str(damaged)})
    services = build_services(with_damaged)
    try:
        jobs = [
            submit_job(
                store=services.store,
                objects=services.objects,
                launcher=services.launcher,
                owner="ana",
                filename="talk.wav",
                source=io.BytesIO(tone_bytes),
                options=JobOptions(model=str(damaged)),
            )
            for _ in range(2)
        ]
        with WorkerPool(worker_process_config(with_damaged), workers=1) as pool:
            wait_for(lambda: len(pool.pids()) == 1, timeout_s=60, what="the worker to start")
            [started] = pool.pids()
            wait_for(
                lambda: all(status(services, job.id).is_terminal for job in jobs),
                timeout_s=60,
                what="both jobs to end",
            )
            assert pool.pids() == [started]  # neither the start-up load nor a job ended it
        for job in jobs:
            failed = services.store.get(job.id)
            assert failed.status is JobStatus.FAILED
            assert failed.error_kind == "ModelLoadError"
            assert (
                failed.error is not None
                and f"could not load the model in {damaged}" in failed.error
            )
            assert failed.attempts == 1
    finally:
        services.close()
