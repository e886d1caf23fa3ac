"""One long job spread over several workers of a pool: part tasks in the same queue.

Queue workers over the in-memory backend (the SQLite queue keeps the same promises: see
tests/contract/test_job_queue_contract.py), real media decoded by PyAV, real voice activity
detection in the plan, and the tone-word recogniser, whose words are tied to the audio.
"""

from __future__ import annotations

import io

import pytest

from jamak.asr.fake import ToneWordsRecognizer
from jamak.asr.parts import PartSettings
from jamak.asr.recognizer import Recognizer
from jamak.backends.memory import InMemoryJobStore, InMemoryObjectStore, NoopLauncher
from jamak.jobs.limits import JobLimits
from jamak.jobs.model import Job, JobOptions, JobStatus
from jamak.jobs.pool_parts import part_task_id
from jamak.jobs.service import submit_job
from jamak.jobs.worker import QueueWorker, WorkerConfig
from tests.support.media import tone_words, write_wav

from .conftest import Submit

LIMITS = JobLimits(parts=PartSettings(part_s=5.0, min_split_s=10.0, window_s=1.0, overlap_s=1.0))
WORDS = [(0.5 + 1.3 * i, 0.5 + 1.3 * i + 0.5, 300 + 50 * i) for i in range(15)]


class ToneWords:
    def for_model(self, name: str) -> Recognizer:
        return ToneWordsRecognizer()

    def close(self) -> None:
        pass


@pytest.fixture(scope="module")
def long_wav(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("pool") / "long.wav"
    return write_wav(path, tone_words(20.0, WORDS)[None, :], 16_000).read_bytes()


def pool(store: InMemoryJobStore, objects: InMemoryObjectStore, size: int) -> list[QueueWorker]:
    return [
        QueueWorker(
            store=store,
            queue=store,
            objects=objects,
            recognizers=ToneWords(),
            config=WorkerConfig(worker_id=f"w{n}", lease_s=5.0, limits=LIMITS, split=True),
        )
        for n in range(size)
    ]


def said(job: Job, objects: InMemoryObjectStore) -> list[str]:
    with objects.open(job.outputs["srt"]) as source:
        return [token for token in source.read().decode().split() if token.startswith("w")]


def test_a_long_job_is_spread_over_the_pool_and_the_last_part_merges(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore, long_wav: bytes
) -> None:
    first, second, third = pool(store, objects, 3)
    job = submit(long_wav)

    planned = first.run_next()
    assert planned is not None and planned.id == job.id
    assert planned.status is JobStatus.RUNNING and planned.parts == 4
    assert [j.id for j in store.list().jobs] == [job.id]  # the part tasks are not listed
    ran = [worker.run_next() for worker in (second, third, first, second)]

    assert [task.id if task else None for task in ran] == [
        part_task_id(job.id, i) for i in range(4)
    ]
    assert all(task is not None and task.status is JobStatus.SUCCEEDED for task in ran)
    done = store.get(job.id)
    assert done.status is JobStatus.SUCCEEDED
    assert done.attempts == 1
    assert done.processed_s == pytest.approx(20.0)
    assert said(done, objects) == [f"w{pitch}" for _, _, pitch in WORDS]
    assert first.run_next() is None


def test_a_killed_workers_part_returns_through_its_lease(
    submit: Submit, long_wav: bytes, objects: InMemoryObjectStore
) -> None:
    now = [1_000.0]
    store = InMemoryJobStore(clock=lambda: now[0])
    first, second = pool(store, objects, 2)
    job = submit_to(store, objects, long_wav)
    first.run_next()
    lost = store.claim("w-killed", lease_s=5.0)  # a worker takes part 1, then dies
    assert lost is not None and lost.part_index == 0

    now[0] += 60.0  # its lease runs out; the job itself has none to lose
    while second.run_next() is not None:
        pass

    done = store.get(job.id)
    assert done.status is JobStatus.SUCCEEDED
    assert store.get(part_task_id(job.id, 0)).attempts == 2
    assert said(done, objects) == [f"w{pitch}" for _, _, pitch in WORDS]


def test_a_short_job_runs_whole_on_one_worker(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore, tone_bytes: bytes
) -> None:
    (worker,) = pool(store, objects, 1)
    job = submit(tone_bytes)

    done = worker.run_next()

    assert done is not None and done.id == job.id
    assert done.status is JobStatus.SUCCEEDED and done.parts == 0
    assert worker.run_next() is None


def test_cancelling_a_spread_job_leaves_its_parts_nothing_to_do(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore, long_wav: bytes
) -> None:
    (worker,) = pool(store, objects, 1)
    job = submit(long_wav)
    worker.run_next()
    store.transition(job.id, JobStatus.CANCELLED)

    while worker.run_next() is not None:
        pass

    assert store.get(job.id).status is JobStatus.CANCELLED
    assert store.get(job.id).outputs == {}


def submit_to(store: InMemoryJobStore, objects: InMemoryObjectStore, data: bytes) -> Job:
    return submit_job(
        store=store,
        objects=objects,
        launcher=NoopLauncher(),
        owner="ana",
        filename="talk.wav",
        source=io.BytesIO(data),
        options=JobOptions(),
    )
