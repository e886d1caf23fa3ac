"""A long file through the real state machine on moto: plan, parts side by side (a Map of
Batch jobs), merge, with the worker steps really run for each Batch job
(tests/aws/batch_containers.py) against moto's DynamoDB and S3.

The file is tone "words" (the tone-word recogniser hears each burst as one word where it
is), so the merged subtitles can be checked word by word: a seam falls inside a word, one
part's first attempt dies with its instance and is retried alone, and every word comes out
once, at its own time.

The steps go by route: the plan and the merge (CPU work) to the CPU queue, which is Fargate
on AWS, and the parts to the GPU queue; a file too short to split is transcribed whole by
its plan step, so it never reaches the GPU queue at all.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from jamak.asr.fake import ToneWordsRecognizer
from jamak.asr.parts import PartPlan, PartSettings
from jamak.asr.recognizer import Recognizer
from jamak.backends.aws.objects import S3ObjectStore
from jamak.jobs.keys import media_key, part_plan_key
from jamak.jobs.limits import JobLimits
from jamak.jobs.model import Job, JobOptions, JobStatus
from jamak.jobs.recognizers import RecognizerProvider
from tests.aws.batch_containers import BatchContainers
from tests.aws.moto_support import moto_session, unique
from tests.aws.test_state_machine import Workflow, workflow  # noqa: F401  (the fixture)
from tests.support.media import tone_words, write_wav

pytestmark = pytest.mark.aws

# 20 s in four parts of about 5 s: the planner cuts near 5, 10 and 15 s. Tones are not
# speech to the detector, so each cut lands on its target: the word at 9.6-10.1 s is cut in
# two.
LIMITS = JobLimits(parts=PartSettings(part_s=5.0, min_split_s=10.0, window_s=1.0, overlap_s=1.0))
WORDS = [(0.5 + 1.3 * i, 0.5 + 1.3 * i + 0.5, 300 + 50 * i) for i in range(4)]
WORDS += [(5.8, 6.3, 900)] + [(7.0 + 1.3 * i, 7.5 + 1.3 * i, 1000 + 50 * i) for i in range(10)]


class Provider:
    def for_model(self, name: str) -> Recognizer:
        return ToneWordsRecognizer()

    def close(self) -> None:
        pass


@pytest.fixture
def objects(moto_endpoint: str) -> S3ObjectStore:
    bucket = unique("media")
    s3 = moto_session().client("s3", endpoint_url=moto_endpoint)
    s3.create_bucket(Bucket=bucket)
    return S3ObjectStore(s3, bucket)


@pytest.fixture
def containers(
    workflow: Workflow,  # noqa: F811
    objects: S3ObjectStore,
    monkeypatch: pytest.MonkeyPatch,
) -> BatchContainers:
    provider: RecognizerProvider = Provider()
    played = BatchContainers(workflow.store, objects, provider, LIMITS)
    played.install(monkeypatch.setattr)
    return played


def long_job(
    workflow: Workflow,  # noqa: F811
    objects: S3ObjectStore,
    tmp_path: Any,
    seconds: float = 20.0,
    words: list[tuple[float, float, int]] = WORDS,
) -> Job:
    job_id = f"long{unique('')}".replace("-", "")
    wav = write_wav(tmp_path / "long.wav", tone_words(seconds, words)[None, :], 16_000)
    job = Job(
        id=job_id,
        owner="ana",
        filename="lecture.wav",
        media_key=media_key(job_id),
        options=JobOptions(model="tiny.en", language="en", formats=("srt",)),
    )
    objects.put_file(job.media_key, io.BytesIO(wav.read_bytes()))
    workflow.store.add(job)
    return job


def heard_words(job: Job, objects: S3ObjectStore) -> list[str]:
    with objects.open(job.outputs["srt"]) as source:
        return [token for token in source.read().decode().split() if token.startswith("w")]


# moto 5.2's interpreter starts a helper thread per .sync attempt that waits for a task
# token; on a retried attempt it reads its timeout from the wrong place on its evaluation
# stack and dies (TypeError) while the attempt itself goes on and succeeds. AWS has no
# such thread; what the test checks is the execution and the stored job.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_long_file_runs_as_parts_and_a_lost_part_is_retried_alone(
    workflow: Workflow,  # noqa: F811
    containers: BatchContainers,
    objects: S3ObjectStore,
    tmp_path: Any,
) -> None:
    job = long_job(workflow, objects, tmp_path)
    lost = ("jamak", "worker", "run", job.id, "--part", "1")
    containers.lose.add(lost)

    execution = workflow.run(job)

    assert execution["status"] == "SUCCEEDED", execution
    done = workflow.store.get(job.id)
    assert done.status is JobStatus.SUCCEEDED, done.error
    with objects.open(part_plan_key(job.id)) as source:
        plan = PartPlan.from_dict(json.load(source))
    assert len(plan.parts) == done.parts == 4
    cuts = [part.start_s for part in plan.parts[1:]]
    assert any(start < cut < end for start, end, _ in WORDS for cut in cuts), cuts
    # Every word once, in order, though one seam cut a word in two.
    assert heard_words(done, objects) == [f"w{pitch}" for _, _, pitch in WORDS]
    # Progress counted every part, once: the parts' seconds sum to the file's.
    assert sum(done.part_seconds.values()) == pytest.approx(20.0)
    assert done.progress == 100.0 and done.attempts == 1
    attempts = containers.attempts()
    assert attempts[("jamak", "worker", "plan", job.id)] == 1
    assert attempts[lost] == 2  # the lost part, and only it, ran again
    assert [attempts[("jamak", "worker", "run", job.id, "--part", str(i))] for i in (0, 2, 3)] == [
        1,
        1,
        1,
    ]
    assert attempts[("jamak", "worker", "merge", job.id)] == 1
    # The routes: plan and merge on the CPU queue, every part (the retry too) on the GPU one.
    assert containers.queues_of("plan") == {workflow.cpu_job_queue_arn}
    assert containers.queues_of("merge") == {workflow.cpu_job_queue_arn}
    assert containers.queues_of("run") == {workflow.job_queue_arn}
    assert len(containers.queues) == 1 + 5 + 1
    states = workflow.states_entered(job.id)
    assert states[:5] == ["Limits", "MarkRunning", "Plan", "ReadPlan", "Split"]
    assert states.count("Part") == 4  # a retry is another attempt of the same state
    assert states[-3:] == ["Merge", "MarkSucceeded", "AlreadyFinished"]


def test_a_part_that_fails_every_attempt_fails_the_job(
    workflow: Workflow,  # noqa: F811
    containers: BatchContainers,
    objects: S3ObjectStore,
    tmp_path: Any,
) -> None:
    job = long_job(workflow, objects, tmp_path)
    doomed = ("jamak", "worker", "run", job.id, "--part", "2")
    containers.doom.add(doomed)

    execution = workflow.run(job)

    assert execution["status"] == "FAILED"
    failed = workflow.store.get(job.id)
    assert failed.status is JobStatus.FAILED
    # On AWS the Map fails with its part's error (States.TaskFailed, the Batch job as the
    # cause); moto's Map re-raises it as States.Runtime. Either way MarkFailed records it.
    assert failed.error is not None and "States.TaskFailed" in failed.error
    assert containers.attempts()[doomed] == 3  # the first attempt and two retries
    assert "Merge" not in workflow.states_entered(job.id)
    assert workflow.states_entered(job.id)[-2:] == ["MarkFailed", "JobFailed"]


def test_a_short_file_is_transcribed_whole_on_the_cpu_route_alone(
    workflow: Workflow,  # noqa: F811
    containers: BatchContainers,
    objects: S3ObjectStore,
    tmp_path: Any,
) -> None:
    # 8 s, under the split threshold (min_split_s, 10 s here): the plan step transcribes it.
    words = [w for w in WORDS if w[1] < 8.0]
    job = long_job(workflow, objects, tmp_path, seconds=8.0, words=words)

    execution = workflow.run(job)

    assert execution["status"] == "SUCCEEDED", execution
    done = workflow.store.get(job.id)
    assert done.status is JobStatus.SUCCEEDED, done.error
    assert heard_words(done, objects) == [f"w{pitch}" for _, _, pitch in words]
    # One Batch job, the plan, on the CPU queue: nothing waited for a GPU instance.
    assert containers.queues == [(("jamak", "worker", "plan", job.id), workflow.cpu_job_queue_arn)]
    assert [j["jobQueue"] for j in workflow.batch_jobs()] == [workflow.cpu_job_queue_arn]
    assert "Parts" not in workflow.states_entered(job.id)
