"""A long job in parts: plan, parts (in any order, one failing and retried), merge.

Real media (a WAV decoded by PyAV), real voice activity detection in the plan, real
subtitle rendering, on the in-memory backend; the tone-word recogniser hears words tied to
the audio, so the split job's subtitles can be compared with the whole job's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from jamak.asr.fake import ToneWordsRecognizer
from jamak.asr.options import RecognitionOptions
from jamak.asr.parts import PartSettings
from jamak.asr.recognizer import Audio, ProgressCallback, Recognizer
from jamak.asr.speech_map import SpeechMap
from jamak.asr.vad import speech_map
from jamak.backends.memory import InMemoryJobStore, InMemoryObjectStore
from jamak.errors import ObjectNotFoundError
from jamak.jobs.keys import media_key, part_audio_key, part_speech_key, part_transcript_key
from jamak.jobs.limits import JobLimits
from jamak.jobs.model import Job, JobStatus
from jamak.jobs.parts import merge_job, plan_job, read_plan, run_part
from jamak.jobs.runner import run_job
from jamak.media import decode_audio
from jamak.transcript import Transcript
from tests.support.media import tone_words, write_wav

from .conftest import Submit

# 20 s in four parts of about 5 s: cuts near 5, 10 and 15 s.
LIMITS = JobLimits(parts=PartSettings(part_s=5.0, min_split_s=10.0, window_s=1.0, overlap_s=1.0))
WORDS = [(0.5 + 1.3 * i, 0.5 + 1.3 * i + 0.5, 300 + 50 * i) for i in range(15)]


@dataclass
class FlakyRecognizer:
    """The tone-word recogniser, failing its first ``failures`` calls as a lost machine
    would (not the job's fault); ``given`` notes how much audio each call had and the
    speech map it came with."""

    failures: int = 0
    name: str = "flaky"
    calls: int = 0
    given: list[tuple[int, SpeechMap | None]] = field(default_factory=list)

    def recognize(
        self,
        audio: Audio,
        *,
        options: RecognitionOptions,
        on_progress: ProgressCallback | None = None,
        speech: SpeechMap | None = None,
    ) -> Transcript:
        self.calls += 1
        self.given.append((len(audio), speech))
        if self.calls <= self.failures:
            raise RuntimeError("the instance went away")
        return ToneWordsRecognizer().recognize(audio, options=options, on_progress=on_progress)


class Provider:
    def __init__(self, recognizer: Recognizer) -> None:
        self.recognizer = recognizer

    def for_model(self, name: str) -> Recognizer:
        return self.recognizer

    def close(self) -> None:
        pass


@pytest.fixture(scope="module")
def long_wav(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("parts") / "long.wav"
    return write_wav(path, tone_words(20.0, WORDS)[None, :], 16_000).read_bytes()


def _steps(store: InMemoryJobStore, objects: InMemoryObjectStore) -> dict[str, object]:
    """The arguments every step takes, with the tone-word recogniser."""
    return {
        "store": store,
        "objects": objects,
        "recognizers": Provider(ToneWordsRecognizer()),
        "limits": LIMITS,
    }


def srt_of(job: Job, objects: InMemoryObjectStore) -> str:
    with objects.open(job.outputs["srt"]) as source:
        return source.read().decode()


def test_a_split_job_gives_the_subtitles_of_the_whole_job(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore, long_wav: bytes
) -> None:
    flaky = FlakyRecognizer(failures=1)
    steps = {"store": store, "objects": objects, "recognizers": Provider(flaky), "limits": LIMITS}
    job = submit(long_wav)

    planned = plan_job(job, **steps)  # type: ignore[arg-type]

    assert planned.status is JobStatus.RUNNING
    assert planned.parts == 4
    assert planned.duration_s == pytest.approx(20.0)
    # Part 2 first fails (its machine is lost), then the parts run in any order.
    with pytest.raises(RuntimeError):
        run_part(job, 2, **steps)  # type: ignore[arg-type]
    assert store.get(job.id).status is JobStatus.RUNNING  # a part's retry, not the job's
    for index in (3, 2, 0, 1):
        run_part(job, index, **steps)  # type: ignore[arg-type]
    counted = store.get(job.id)
    assert counted.processed_s == pytest.approx(20.0)  # every part counted, once
    assert counted.progress == pytest.approx(100.0)
    assert counted.status is JobStatus.RUNNING
    merged = merge_job(job, store=store, objects=objects)

    whole = run_job(
        submit(long_wav), store=store, objects=objects, recognizers=Provider(ToneWordsRecognizer())
    )
    assert merged.status is JobStatus.SUCCEEDED
    assert merged.language == "en"
    assert srt_of(merged, objects) == srt_of(whole, objects)
    assert [line for line in srt_of(merged, objects).split() if line.startswith("w")] == [
        f"w{pitch}" for _, _, pitch in WORDS
    ]


def test_a_short_file_is_transcribed_whole_by_the_plan_step(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore, tone_bytes: bytes
) -> None:
    job = submit(tone_bytes)  # two seconds

    done = plan_job(
        job,
        store=store,
        objects=objects,
        recognizers=Provider(ToneWordsRecognizer()),
        limits=LIMITS,
    )

    assert done.status is JobStatus.SUCCEEDED
    assert done.parts == 0
    assert "srt" in done.outputs


def test_a_merge_with_a_part_missing_fails_the_job_saying_which(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore, long_wav: bytes
) -> None:
    steps = _steps(store, objects)
    job = submit(long_wav)
    plan_job(job, **steps)  # type: ignore[arg-type]
    for index in (0, 2, 3):
        run_part(job, index, **steps)  # type: ignore[arg-type]

    failed = merge_job(job, store=store, objects=objects)

    assert failed.status is JobStatus.FAILED
    assert failed.error == "part 2 of 4 has no transcript"


def test_a_part_of_a_cancelled_job_does_nothing(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore, long_wav: bytes
) -> None:
    steps = _steps(store, objects)
    job = submit(long_wav)
    plan_job(job, **steps)  # type: ignore[arg-type]
    store.transition(job.id, JobStatus.CANCELLED)

    after = run_part(job, 0, **steps)  # type: ignore[arg-type]

    assert after.status is JobStatus.CANCELLED
    with pytest.raises(ObjectNotFoundError):
        objects.open(part_transcript_key(job.id, 0))


def _spoil_the_upload(objects: InMemoryObjectStore, job: Job) -> None:
    """A part that decoded the upload again would now fail."""
    objects.put_bytes(media_key(job.id), b"not media any more")


def _as_an_older_plan_left_it(objects: InMemoryObjectStore, job: Job) -> None:
    """No decoded audio beside the plan: the part decodes the upload itself."""
    objects.delete_prefix(part_audio_key(job.id))


@pytest.mark.parametrize("after_the_plan", [_spoil_the_upload, _as_an_older_plan_left_it])
def test_parts_read_the_audio_the_plan_decoded_and_it_is_gone_after_the_merge(
    submit: Submit,
    store: InMemoryJobStore,
    objects: InMemoryObjectStore,
    long_wav: bytes,
    after_the_plan: Callable[[InMemoryObjectStore, Job], None],
) -> None:
    steps = _steps(store, objects)
    job = submit(long_wav)
    plan_job(job, **steps)  # type: ignore[arg-type]
    after_the_plan(objects, job)
    for index in range(4):
        run_part(job, index, **steps)  # type: ignore[arg-type]

    merged = merge_job(job, store=store, objects=objects)

    assert merged.status is JobStatus.SUCCEEDED, merged.error
    assert [line for line in srt_of(merged, objects).split() if line.startswith("w")] == [
        f"w{pitch}" for _, _, pitch in WORDS
    ]
    with pytest.raises(ObjectNotFoundError):
        objects.open(part_audio_key(job.id))


def test_parts_hear_with_the_plans_speech_map_and_it_is_gone_after_the_merge(
    submit: Submit,
    store: InMemoryJobStore,
    objects: InMemoryObjectStore,
    long_wav: bytes,
    tmp_path: Path,
) -> None:
    recognizer = FlakyRecognizer()
    steps = {**_steps(store, objects), "recognizers": Provider(recognizer)}
    job = submit(long_wav)
    plan_job(job, **steps)  # type: ignore[arg-type]
    plan = read_plan(objects, job.id)
    for index in range(len(plan.parts)):
        run_part(job, index, **steps)  # type: ignore[arg-type]

    (tmp_path / "long.wav").write_bytes(long_wav)
    whole = speech_map(decode_audio(tmp_path / "long.wav").samples)
    assert len(recognizer.given) == len(plan.parts) == 4
    for part, (samples, speech) in zip(plan.parts, recognizer.given, strict=True):
        expected = whole.stretch(part.read_start_s, samples)
        assert speech is not None and expected is not None
        np.testing.assert_array_equal(speech.probabilities, expected.probabilities)
    merged = merge_job(job, store=store, objects=objects)
    assert merged.status is JobStatus.SUCCEEDED, merged.error
    with pytest.raises(ObjectNotFoundError):
        objects.open(part_speech_key(job.id))


def test_a_part_of_a_job_planned_before_plans_kept_the_map_runs_the_detector_itself(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore, long_wav: bytes
) -> None:
    recognizer = FlakyRecognizer()
    steps = {**_steps(store, objects), "recognizers": Provider(recognizer)}
    job = submit(long_wav)
    plan_job(job, **steps)  # type: ignore[arg-type]
    objects.delete_prefix(part_speech_key(job.id))

    after = run_part(job, 1, **steps)  # type: ignore[arg-type]

    assert after.status is JobStatus.RUNNING
    assert [speech for _, speech in recognizer.given] == [None]


class _NoDeletes(InMemoryObjectStore):
    """A store the worker may read and write but not delete from (a narrow IAM role)."""

    def delete_prefix(self, prefix: str) -> None:
        raise PermissionError(f"AccessDenied: DeleteObject on {prefix}")


class TestAStoreThatWillNotDelete:
    @pytest.fixture
    def objects(self) -> InMemoryObjectStore:
        return _NoDeletes()

    def test_the_parts_audio_left_behind_does_not_fail_the_job(
        self,
        submit: Submit,
        store: InMemoryJobStore,
        objects: InMemoryObjectStore,
        long_wav: bytes,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        steps = _steps(store, objects)
        job = submit(long_wav)
        plan_job(job, **steps)  # type: ignore[arg-type]
        for index in range(4):
            run_part(job, index, **steps)  # type: ignore[arg-type]

        merged = merge_job(job, store=store, objects=objects)

        assert merged.status is JobStatus.SUCCEEDED, merged.error
        assert "the parts' audio was not deleted" in caplog.text
