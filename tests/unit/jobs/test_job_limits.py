"""A job may take only so much: its file's declared length, and its time on a worker.

Both limits end the job as failed with a message its owner can read, and leave the runner
ready for the next job; the settings that set them reach the worker as plain values.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from jamak.asr.fake import ScriptedRecognizer
from jamak.asr.options import RecognitionOptions
from jamak.asr.recognizer import Audio, ProgressCallback
from jamak.asr.speech_map import SpeechMap
from jamak.backends.memory import InMemoryJobStore, InMemoryObjectStore
from jamak.bootstrap import job_limits, worker_process_config
from jamak.errors import JobTimeLimitError
from jamak.jobs.limits import DEFAULT_TIME_LIMIT_S, JobLimits, ScratchSpace
from jamak.jobs.model import Job, JobStatus
from jamak.jobs.progress_reporter import ProgressReporter
from jamak.jobs.recognizers import ScriptedRecognizers
from jamak.jobs.runner import run_job
from jamak.media import MediaLimits
from jamak.settings import Settings
from jamak.transcript import Transcript

from .conftest import Submit


class SlowRecognizer:
    """The scripted recogniser, sleeping before each of its progress reports."""

    name = "slow"

    def __init__(self, *, steps: int, step_s: float) -> None:
        self.steps, self.step_s, self.steps_run = steps, step_s, 0

    def recognize(
        self,
        audio: Audio,
        *,
        options: RecognitionOptions,
        on_progress: ProgressCallback | None = None,
        speech: SpeechMap | None = None,
    ) -> Transcript:
        def progress(done_s: float, total_s: float) -> None:
            time.sleep(self.step_s)
            self.steps_run += 1
            if on_progress is not None:
                on_progress(done_s, total_s)

        return ScriptedRecognizer(steps=self.steps).recognize(
            audio, options=options, on_progress=progress
        )


class SlowRecognizers(ScriptedRecognizers):
    def __init__(self, recognizer: SlowRecognizer) -> None:
        super().__init__()
        self.recognizer = recognizer

    def for_model(self, name: str) -> SlowRecognizer:
        return self.recognizer


def test_a_job_past_its_time_limit_fails_and_the_next_one_runs(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore
) -> None:
    slow = SlowRecognizer(steps=40, step_s=0.05)
    job = submit()
    limits = JobLimits(time_limit_s=0.3)

    ended = run_job(
        job, store=store, objects=objects, recognizers=SlowRecognizers(slow), limits=limits
    )

    assert ended.status is JobStatus.FAILED
    assert ended.error == (
        "The job took longer than this server allows (0.3 seconds) and was stopped. "
        "Try a shorter file, or a smaller model."
    )
    assert slow.steps_run < 40
    assert ended.outputs == {}
    after = run_job(submit(), store=store, objects=objects, recognizers=ScriptedRecognizers())
    assert after.status is JobStatus.SUCCEEDED


def test_a_file_over_the_duration_limit_fails_its_job(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore
) -> None:
    limits = JobLimits(media=MediaLimits(max_duration_s=1.0))
    ended = run_job(
        submit(), store=store, objects=objects, recognizers=ScriptedRecognizers(), limits=limits
    )
    assert ended.status is JobStatus.FAILED
    assert ended.error is not None
    assert ended.error.startswith("'talk.wav' lasts 0:00:02.0 (or says it does)")
    assert "up to 0:00:01.0" in ended.error


@pytest.mark.parametrize(
    ("limit_s", "words"), [(7200.0, "2 hours"), (600.0, "10 minutes"), (45.0, "45 seconds")]
)
def test_the_time_limit_is_told_in_units_people_use(limit_s: float, words: str) -> None:
    store, now = InMemoryJobStore(), [0.0]
    store.add(Job(id="j1", owner="ana", filename="a.wav", media_key="jobs/j1/media"))
    store.transition("j1", JobStatus.RUNNING)
    report = ProgressReporter(store, "j1", clock=lambda: now[0], time_limit_s=limit_s)
    now[0] = limit_s  # exactly at the limit: still allowed
    report(1.0, 10.0)
    now[0] = limit_s + 0.1
    with pytest.raises(JobTimeLimitError, match=f"allows \\({words}\\)"):
        report(2.0, 10.0)


def test_limits_come_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = job_limits(Settings(_env_file=None))
    assert defaults.media.max_duration_s == 6 * 3600
    assert defaults.time_limit_s == DEFAULT_TIME_LIMIT_S == 12 * 3600
    monkeypatch.setenv("JAMAK_MAX_DURATION_S", "600")
    monkeypatch.setenv("JAMAK_JOB_TIME_LIMIT_S", "0")
    settings = Settings(_env_file=None)
    assert job_limits(settings) == JobLimits(MediaLimits(max_duration_s=600.0), None)
    assert worker_process_config(settings).limits == job_limits(settings)


def test_a_job_whose_media_cannot_fit_the_scratch_disk_fails_before_it_starts(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore, tmp_path: Path
) -> None:
    slow = SlowRecognizer(steps=4, step_s=0.0)
    job = submit()
    media_bytes = objects.size(job.media_key)
    free = shutil.disk_usage(tmp_path).free
    # A real folder, and a factor that asks for ten times its free space.
    scratch = ScratchSpace(factor=10 * free / media_bytes, margin_bytes=0, folder=tmp_path)

    ended = run_job(
        job,
        store=store,
        objects=objects,
        recognizers=SlowRecognizers(slow),
        limits=JobLimits(scratch=scratch),
    )

    assert ended.status is JobStatus.FAILED
    assert ended.error_kind == "StorageFullError"
    assert ended.error is not None
    assert ended.error.startswith("not enough disk for this job:")
    assert f"needed in {tmp_path}" in ended.error and "MiB free" in ended.error
    assert "RootVolumeGiB" in ended.error  # what an operator changes
    assert slow.steps_run == 0  # nothing was fetched or decoded
    assert ended.outputs == {}


def test_a_job_that_fits_the_scratch_disk_runs(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore, tmp_path: Path
) -> None:
    job = submit()
    scratch = ScratchSpace(factor=2.0, margin_bytes=1024 * 1024, folder=tmp_path)
    assert scratch.required_bytes(objects.size(job.media_key)) < shutil.disk_usage(tmp_path).free

    ended = run_job(
        job,
        store=store,
        objects=objects,
        recognizers=SlowRecognizers(SlowRecognizer(steps=2, step_s=0.0)),
        limits=JobLimits(scratch=scratch),
    )

    assert ended.status is JobStatus.SUCCEEDED, ended.error


def test_the_scratch_check_is_on_where_media_is_downloaded() -> None:
    aws = job_limits(Settings(_env_file=None, backend="aws")).scratch  # type: ignore[call-arg]
    assert (aws.factor, aws.margin_bytes) == (2.0, 256 * 1024 * 1024)
    embedded = job_limits(Settings(_env_file=None, backend="embedded")).scratch  # type: ignore[call-arg]
    assert not embedded.enabled
    chosen = Settings(_env_file=None, scratch_space_factor=3, scratch_margin_mb=0)  # type: ignore[call-arg]
    assert job_limits(chosen).scratch.required_bytes(1000) == 3000
