"""run_job takes a job to its final status and never raises for a failure of the job.

Real media (a WAV decoded by PyAV) and real subtitle rendering, on the in-memory backend,
with the scripted recogniser: the model is not what these tests are about.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import srt
import webvtt

from jamak import pipeline
from jamak.asr.fake import ScriptedRecognizer
from jamak.asr.options import RecognitionOptions
from jamak.asr.recognizer import Audio, ProgressCallback, Recognizer
from jamak.asr.speech_map import SpeechMap
from jamak.backends.memory import InMemoryJobStore, InMemoryObjectStore, NoopLauncher
from jamak.errors import (
    BackendBusyError,
    MediaError,
    ObjectNotFoundError,
    StorageFullError,
    UnknownModelError,
)
from jamak.jobs.keys import document_key, listening_copy_key, output_key
from jamak.jobs.model import Job, JobOptions, JobStatus
from jamak.jobs.ports import ProgressUpdate
from jamak.jobs.recognizers import ScriptedRecognizers
from jamak.jobs.runner import run_job
from jamak.jobs.service import cancel_job, delete_job, read_subtitles, submit_job
from jamak.transcript import Transcript

from .conftest import Submit

MILLISECOND = timedelta(milliseconds=1)


@dataclass
class HookedRecognizer:
    """The scripted recogniser, calling ``on_step`` before each progress report."""

    on_step: Callable[[int], None] = lambda step: None
    steps: int = 10
    name: str = "hooked"
    steps_run: int = 0
    options_seen: list[RecognitionOptions] = field(default_factory=list)

    def recognize(
        self,
        audio: Audio,
        *,
        options: RecognitionOptions,
        on_progress: ProgressCallback | None = None,
        speech: SpeechMap | None = None,
    ) -> Transcript:
        self.options_seen.append(options)

        def progress(done_s: float, total_s: float) -> None:
            self.steps_run += 1
            self.on_step(self.steps_run)
            if on_progress is not None:
                on_progress(done_s, total_s)

        return ScriptedRecognizer(steps=self.steps).recognize(
            audio, options=options, on_progress=progress
        )


class OneRecognizer:
    def __init__(self, recognizer: Recognizer) -> None:
        self.recognizer = recognizer
        self.asked: list[str] = []

    def for_model(self, name: str) -> Recognizer:
        self.asked.append(name)
        return self.recognizer

    def close(self) -> None:
        pass


class Exploding:
    name = "exploding"

    def recognize(
        self,
        audio: Audio,
        *,
        options: RecognitionOptions,
        on_progress: ProgressCallback | None = None,
        speech: SpeechMap | None = None,
    ) -> Transcript:
        raise RuntimeError("tensor shape mismatch")


class NoModels:
    def for_model(self, name: str) -> Recognizer:
        raise UnknownModelError(f"unknown model {name!r}")

    def close(self) -> None:
        pass


class CountingStore(InMemoryJobStore):
    def __init__(self) -> None:
        super().__init__()
        self.updates: list[ProgressUpdate] = []

    def record_progress(self, job_id: str, update: ProgressUpdate) -> Job:
        self.updates.append(update)
        return super().record_progress(job_id, update)


class FullDisk(InMemoryObjectStore):
    """Media reads work; every subtitle written after the first finds the disk full."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def put_bytes(self, key: str, data: bytes) -> None:
        self.writes += 1
        if self.writes > 1:
            raise StorageFullError("The server's disk is full: talk.vtt could not be written.")
        super().put_bytes(key, data)


class LockedOnFinish(InMemoryJobStore):
    """A store whose last write (the job's success) meets a database locked elsewhere."""

    def transition(self, job_id: str, target: JobStatus, **changes: object) -> Job:
        if target in (JobStatus.SUCCEEDED, JobStatus.FAILED):
            raise BackendBusyError("The job database is busy.")
        return super().transition(job_id, target, **changes)  # type: ignore[arg-type]


def read(objects: InMemoryObjectStore, key: str) -> str:
    with objects.open(key) as stream:
        return stream.read().decode("utf-8")


def test_a_job_succeeds_with_every_requested_format(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore
) -> None:
    job = submit(formats=("srt", "vtt", "txt"), model="tiny.en")
    provider = OneRecognizer(HookedRecognizer())
    done = run_job(job, store=store, objects=objects, recognizers=provider, worker_id="w1")

    assert done == store.get(job.id)
    assert done.status is JobStatus.SUCCEEDED
    assert provider.asked == ["tiny.en"]
    assert done.outputs == {
        "srt": output_key(job.id, "srt"),
        "vtt": output_key(job.id, "vtt"),
        "txt": output_key(job.id, "txt"),
        "document": document_key(job.id),
    }
    assert done.language == "en"
    assert done.duration_s == pytest.approx(2.0, abs=0.05)
    assert done.processed_s == pytest.approx(2.0, abs=0.05)
    assert done.progress == 100.0
    assert done.attempts == 1
    assert "hello from the scripted recogniser" in read(objects, done.outputs["txt"])
    srt = read(objects, done.outputs["srt"])
    assert srt.startswith("1\n00:00:00,000 --> ")
    assert read(objects, done.outputs["vtt"]).startswith("WEBVTT")


def test_job_options_reach_the_recogniser_over_the_deployment_defaults(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore
) -> None:
    job = submit(language="de", task="translate", initial_prompt="Jamak, Whisper")
    recognizer = HookedRecognizer()
    done = run_job(
        job,
        store=store,
        objects=objects,
        recognizers=OneRecognizer(recognizer),
        recognition=RecognitionOptions(beam_size=2, batch_size=3),
    )
    assert recognizer.options_seen == [
        RecognitionOptions(
            language="de",
            task="translate",
            beam_size=2,
            greedy_first=True,  # the default speed, balanced
            batch_size=3,
            initial_prompt="Jamak, Whisper",
        )
    ]
    assert done.language == "de"


def test_subtitle_layout_follows_the_users_choices(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore
) -> None:
    job = submit(formats=("srt",), max_chars_per_line=12, max_lines=1)
    done = run_job(job, store=store, objects=objects, recognizers=ScriptedRecognizers())
    srt = read(objects, done.outputs["srt"])
    text_lines = [
        line for line in srt.splitlines() if line and "-->" not in line and not line.isdigit()
    ]
    assert text_lines
    assert all(len(line) <= 12 for line in text_lines), text_lines
    blocks = [block for block in srt.strip().split("\n\n") if block]
    assert all(len(block.splitlines()) == 3 for block in blocks)  # index, timing, one line


def test_a_job_marked_running_elsewhere_still_runs(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore
) -> None:
    job = submit()
    running = store.transition(job.id, JobStatus.RUNNING)  # as the AWS state machine does
    done = run_job(running, store=store, objects=objects, recognizers=ScriptedRecognizers())
    assert done.status is JobStatus.SUCCEEDED
    assert done.attempts == 1


def test_a_job_cancelled_before_it_starts_is_left_alone(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore
) -> None:
    job = submit()
    cancel_job(store=store, launcher=NoopLauncher(), job_id=job.id)
    recognizer = HookedRecognizer()
    done = run_job(job, store=store, objects=objects, recognizers=OneRecognizer(recognizer))
    assert done.status is JobStatus.CANCELLED
    assert recognizer.steps_run == 0
    assert objects.keys() == [job.media_key]


def test_cancelling_mid_run_stops_at_the_next_progress_report(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore
) -> None:
    job = submit()

    def cancel_at_third_step(step: int) -> None:
        if step == 3:
            cancel_job(store=store, launcher=NoopLauncher(), job_id=job.id)

    recognizer = HookedRecognizer(on_step=cancel_at_third_step, steps=10)
    done = run_job(
        job,
        store=store,
        objects=objects,
        recognizers=OneRecognizer(recognizer),
        progress_interval_s=0.0,
    )
    assert recognizer.steps_run == 3
    assert done.status is JobStatus.CANCELLED
    assert store.get(job.id).status is JobStatus.CANCELLED
    assert objects.keys() == [job.media_key]  # no subtitles written for a cancelled job


def test_a_cancel_during_the_last_step_writes_no_outputs(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore
) -> None:
    job = submit()

    def cancel_at_last_step(step: int) -> None:
        if step == 4:
            cancel_job(store=store, launcher=NoopLauncher(), job_id=job.id)

    recognizer = HookedRecognizer(on_step=cancel_at_last_step, steps=4)
    # Throttled: the last callback is not reported, so the final check must catch it.
    done = run_job(
        job,
        store=store,
        objects=objects,
        recognizers=OneRecognizer(recognizer),
        progress_interval_s=60.0,
    )
    assert done.status is JobStatus.CANCELLED
    assert done.outputs == {}
    assert objects.keys() == [job.media_key]


def test_deleting_a_running_job_stops_it_quietly(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore
) -> None:
    job = submit()

    def delete_at_second_step(step: int) -> None:
        if step == 2:
            delete_job(store=store, objects=objects, launcher=NoopLauncher(), job_id=job.id)

    recognizer = HookedRecognizer(on_step=delete_at_second_step)
    done = run_job(
        job,
        store=store,
        objects=objects,
        recognizers=OneRecognizer(recognizer),
        progress_interval_s=0.0,
    )
    assert recognizer.steps_run == 2
    assert done.id == job.id
    assert objects.keys() == []


def test_a_stop_request_leaves_the_job_running_for_its_worker_to_settle(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore
) -> None:
    job = submit()
    recognizer = HookedRecognizer()
    done = run_job(
        job,
        store=store,
        objects=objects,
        recognizers=OneRecognizer(recognizer),
        stop_requested=lambda: recognizer.steps_run >= 2,
    )
    assert recognizer.steps_run == 2
    assert done.status is JobStatus.RUNNING
    assert objects.keys() == [job.media_key]


def test_media_that_is_not_media_fails_the_job_with_a_clear_message(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore
) -> None:
    job = submit(data=bytes(range(256)) * 64)
    done = run_job(job, store=store, objects=objects, recognizers=ScriptedRecognizers())
    assert done.status is JobStatus.FAILED
    assert done.error is not None
    assert "not an audio or video file" in done.error
    assert done.outputs == {}


def test_missing_media_fails_the_job(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore
) -> None:
    job = submit()
    objects.delete_prefix(job.media_key)
    done = run_job(job, store=store, objects=objects, recognizers=ScriptedRecognizers())
    assert done.status is JobStatus.FAILED
    with pytest.raises(ObjectNotFoundError):
        objects.open(job.media_key)
    assert done.error is not None
    assert job.media_key in done.error


def test_an_unknown_model_fails_the_job(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore
) -> None:
    job = submit(model="huge-v9")
    done = run_job(job, store=store, objects=objects, recognizers=NoModels())
    assert done.status is JobStatus.FAILED
    assert done.error == "unknown model 'huge-v9'"


def test_an_unknown_format_fails_before_recognition(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore
) -> None:
    job = submit(formats=("srt", "docx"))
    recognizer = HookedRecognizer()
    done = run_job(job, store=store, objects=objects, recognizers=OneRecognizer(recognizer))
    assert done.status is JobStatus.FAILED
    assert done.error is not None
    assert "docx" in done.error
    assert recognizer.steps_run == 0


def test_an_unknown_task_fails_the_job(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore
) -> None:
    job = submit(task="summarise")
    done = run_job(job, store=store, objects=objects, recognizers=ScriptedRecognizers())
    assert done.status is JobStatus.FAILED
    assert done.error == "unknown task 'summarise'; use one of: transcribe, translate"


def test_an_unexpected_error_fails_the_job_and_logs_the_traceback(
    submit: Submit,
    store: InMemoryJobStore,
    objects: InMemoryObjectStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    job = submit()
    with caplog.at_level(logging.ERROR, logger="jamak.jobs.runner"):
        done = run_job(job, store=store, objects=objects, recognizers=OneRecognizer(Exploding()))
    assert done.status is JobStatus.FAILED
    assert done.error == "internal error: RuntimeError: tensor shape mismatch"
    [record] = caplog.records
    assert record.exc_info is not None
    assert record.exc_info[0] is RuntimeError


def test_a_retry_overwrites_what_a_killed_attempt_left(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore
) -> None:
    job = submit(formats=("srt",))
    objects.put_bytes(output_key(job.id, "srt"), b"half-written garbage from attempt 1")
    done = run_job(job, store=store, objects=objects, recognizers=ScriptedRecognizers())
    assert done.status is JobStatus.SUCCEEDED
    assert read(objects, done.outputs["srt"]).startswith("1\n")
    assert sorted(objects.keys()) == sorted(
        [job.media_key, output_key(job.id, "srt"), document_key(job.id)]
    )


def test_a_format_not_asked_for_is_written_from_the_document_as_the_job_laid_it_out(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore
) -> None:
    """A format chosen after the job ran needs no second run: the same cues (the job's own
    line rule, here 12 characters) as the formats it asked for."""
    job = submit(formats=("srt", "json"), max_chars_per_line=12)
    done = run_job(job, store=store, objects=objects, recognizers=ScriptedRecognizers())
    assert done.outputs["document"] == done.outputs["json"]  # asked for: kept once
    _, vtt = read_subtitles(store=store, objects=objects, job_id=job.id, format_name="vtt")
    captions = webvtt.from_string(vtt.decode()).captions
    cues = list(srt.parse(read(objects, done.outputs["srt"])))
    assert [
        (c.start_time.in_milliseconds(), c.end_time.in_milliseconds(), c.text) for c in captions
    ] == [(c.start // MILLISECOND, c.end // MILLISECOND, c.content) for c in cues]
    assert max(len(line) for c in captions for line in c.lines) <= 12
    job = submit(formats=("srt",))
    done = run_job(job, store=store, objects=objects, recognizers=ScriptedRecognizers())
    _, document = read_subtitles(store=store, objects=objects, job_id=job.id, format_name="json")
    assert document.decode() == read(objects, done.outputs["document"])  # the kept one, as is


def test_a_job_that_keeps_no_document_has_only_its_own_formats(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore
) -> None:
    """A job finished before jobs kept their document."""
    job = submit(formats=("srt",))
    objects.put_bytes(output_key(job.id, "srt"), b"1\n00:00:00,000 --> 00:00:01,000\nhi\n")
    store.transition(job.id, JobStatus.RUNNING)
    store.transition(job.id, JobStatus.SUCCEEDED, outputs={"srt": output_key(job.id, "srt")})
    with pytest.raises(ObjectNotFoundError, match="vtt was not among the job's formats"):
        read_subtitles(store=store, objects=objects, job_id=job.id, format_name="vtt")


def test_progress_is_throttled_and_complete(
    objects: InMemoryObjectStore, tone_bytes: bytes
) -> None:
    store = CountingStore()
    job = _submit_named(store, objects, tone_bytes, formats=("srt", "txt"))
    done = run_job(
        job, store=store, objects=objects, recognizers=OneRecognizer(HookedRecognizer(steps=200))
    )
    assert done.status is JobStatus.SUCCEEDED
    # 200 callbacks in well under half a second: the first is reported, then the final one.
    assert len(store.updates) == 2
    first, last = store.updates
    assert first.progress == pytest.approx(0.5, abs=0.01)
    assert first.processed_s == pytest.approx(0.01, abs=0.001)
    assert first.duration_s == pytest.approx(2.0, abs=0.05)
    assert (last.progress, last.language) == (100.0, "en")


def test_slow_recognition_reports_progress_along_the_way(
    objects: InMemoryObjectStore, tone_bytes: bytes
) -> None:
    store = CountingStore()
    job = _submit_named(store, objects, tone_bytes, formats=("srt", "txt"))
    slow = ScriptedRecognizer(steps=5, seconds_per_step=0.06)
    done = run_job(
        job,
        store=store,
        objects=objects,
        recognizers=OneRecognizer(slow),
        progress_interval_s=0.1,
    )
    assert done.status is JobStatus.SUCCEEDED
    percents = [update.progress for update in store.updates]
    assert len(percents) >= 3
    assert percents == sorted(percents)
    assert percents[-1] == 100.0


def _submit_named(
    store: InMemoryJobStore,
    objects: InMemoryObjectStore,
    data: bytes,
    filename: str = "talk.wav",
    formats: tuple[str, ...] = ("srt",),
) -> Job:
    """Submit through the real use case to stores of the test's own making."""
    return submit_job(
        store=store,
        objects=objects,
        launcher=NoopLauncher(),
        owner="ana",
        filename=filename,
        source=io.BytesIO(data),
        options=JobOptions(formats=formats),
    )


def test_an_upload_browsers_cannot_play_gets_a_listening_copy_and_others_do_not(
    store: InMemoryJobStore, objects: InMemoryObjectStore, tone_bytes: bytes
) -> None:
    provider = OneRecognizer(HookedRecognizer())
    tape = _submit_named(store, objects, tone_bytes, "old tape.avi")
    talk = _submit_named(store, objects, tone_bytes, "talk.wav")

    for job in (tape, talk):
        done = run_job(job, store=store, objects=objects, recognizers=provider, worker_id="w1")
        assert done.status is JobStatus.SUCCEEDED

    assert objects.size(listening_copy_key(tape.id)) > 1000
    with pytest.raises(ObjectNotFoundError):
        objects.size(listening_copy_key(talk.id))


def test_a_listening_copy_that_cannot_be_made_does_not_fail_the_job(
    store: InMemoryJobStore,
    objects: InMemoryObjectStore,
    tone_bytes: bytes,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(samples: Audio, path: object) -> None:
        raise MediaError("could not write a listening copy: disk full")

    monkeypatch.setattr(pipeline, "write_listening_copy", broken)
    job = _submit_named(store, objects, tone_bytes, "old tape.avi")

    with caplog.at_level(logging.WARNING):
        done = run_job(
            job,
            store=store,
            objects=objects,
            recognizers=OneRecognizer(HookedRecognizer()),
            worker_id="w1",
        )

    assert done.status is JobStatus.SUCCEEDED
    assert "disk full" in caplog.text
    with pytest.raises(ObjectNotFoundError):
        objects.size(listening_copy_key(job.id))


def test_a_full_disk_fails_the_job_in_words_and_it_reports_no_outputs(
    store: InMemoryJobStore, tone_bytes: bytes
) -> None:
    objects = FullDisk()
    job = _submit_named(store, objects, tone_bytes, formats=("srt", "vtt"))
    objects.writes = 0  # the upload itself found room

    done = run_job(job, store=store, objects=objects, recognizers=ScriptedRecognizers())

    assert done.status is JobStatus.FAILED
    assert done.error_kind == "StorageFullError"
    assert done.error is not None and "disk is full" in done.error
    assert done.outputs == {}  # the srt that did land is never offered as a result


def test_a_busy_store_at_the_end_leaves_the_job_claimed_for_its_lease_to_bring_back(
    tone_bytes: bytes,
) -> None:
    store, objects = LockedOnFinish(max_attempts=3), InMemoryObjectStore()
    job = _submit_named(store, objects, tone_bytes, formats=("srt", "txt"))

    with pytest.raises(BackendBusyError):
        run_job(job, store=store, objects=objects, recognizers=ScriptedRecognizers())

    stored = store.get(job.id)
    assert stored.status is JobStatus.RUNNING  # not failed for the store's own trouble
    assert stored.error is None
