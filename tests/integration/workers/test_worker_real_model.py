"""The worker commands end to end with a real model: tiny.en on espeak-ng speech.

``jamak worker run JOB_ID`` (the AWS Batch command) and ``jamak worker`` (the pool) run as
real subprocesses over a temporary data folder, exactly as an operator would start them.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import srt

from jamak.bootstrap import Services, build_services
from jamak.jobs.model import Job, JobOptions, JobStatus
from jamak.jobs.service import submit_job
from jamak.settings import Settings
from tests.support.matrix import SpeechClip

from .helpers import wait_for

pytestmark = pytest.mark.model

JAMAK = str(Path(sys.executable).with_name("jamak"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def embedded(data_dir: Path) -> Iterator[Services]:
    services = build_services(Settings(backend="embedded", data_dir=data_dir))
    yield services
    services.close()


def submit_speech(services: Services, clip: SpeechClip) -> Job:
    with clip.path.open("rb") as source:
        return submit_job(
            store=services.store,
            objects=services.objects,
            launcher=services.launcher,
            owner="ana",
            filename="fox.wav",
            source=source,
            options=JobOptions(model="tiny.en", language="en", formats=("srt", "txt")),
        )


def environment(data_dir: Path) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(Path.home()),  # the installed models live in the user's cache
        "JAMAK_BACKEND": "embedded",
        "JAMAK_DATA_DIR": str(data_dir),
        "JAMAK_CPU_THREADS": "2",
        "JAMAK_ALLOW_DOWNLOAD": "false",
        "JAMAK_POLL_INTERVAL_S": "0.1",
    }


def assert_heard(services: Services, job: Job, clip: SpeechClip) -> None:
    done = services.store.get(job.id)
    assert done.status is JobStatus.SUCCEEDED, done.error
    assert done.language == "en"
    assert done.duration_s == pytest.approx(clip.duration_s, abs=0.1)
    with services.objects.open(done.outputs["srt"]) as stream:
        cues = list(srt.parse(stream.read().decode("utf-8")))
    heard = set(re.findall(r"[a-z]+", " ".join(cue.content for cue in cues).lower()))
    expected = set(re.findall(r"[a-z]+", clip.text.lower()))
    assert len(heard & expected) >= 0.7 * len(expected), heard
    assert cues[-1].end.total_seconds() <= clip.duration_s + 0.5


def test_worker_run_transcribes_one_job_and_exits(
    embedded: Services, data_dir: Path, speech_wav: SpeechClip
) -> None:
    job = submit_speech(embedded, speech_wav)
    finished = subprocess.run(
        [JAMAK, "worker", "run", job.id],
        env=environment(data_dir),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    assert f"job {job.id}: succeeded" in finished.stdout
    assert_heard(embedded, job, speech_wav)


def test_worker_run_exits_nonzero_for_an_unknown_job(data_dir: Path) -> None:
    finished = subprocess.run(
        [JAMAK, "worker", "run", "no-such-job"],
        env=environment(data_dir),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert finished.returncode == 2
    assert "no job no-such-job" in finished.stderr


def test_the_worker_pool_command_runs_jobs_until_interrupted(
    embedded: Services, data_dir: Path, speech_wav: SpeechClip, tmp_path: Path
) -> None:
    job = submit_speech(embedded, speech_wav)
    log_path = tmp_path / "worker.log"  # a file, not a pipe nobody reads while we wait
    with log_path.open("w") as log:
        pool = subprocess.Popen(
            [JAMAK, "worker", "--workers", "1", "--model", "tiny.en"],
            env=environment(data_dir),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(
            lambda: embedded.store.get(job.id).status.is_terminal,
            timeout_s=300,
            what="the pool to finish the job",
        )
        pool.send_signal(signal.SIGINT)  # Ctrl-C
        pool.wait(timeout=30)
    finally:
        if pool.poll() is None:
            pool.kill()
            pool.wait()
    output = log_path.read_text()
    assert pool.returncode == 0, output
    assert "1 worker(s), 2 thread(s) each" in output
    assert_heard(embedded, job, speech_wav)
