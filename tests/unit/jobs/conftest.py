"""A job on the in-memory backend with real media, ready for the runner or a worker."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from jamak.backends.memory import InMemoryJobStore, InMemoryObjectStore, NoopLauncher
from jamak.jobs.model import Job, JobOptions
from jamak.jobs.recognizers import ScriptedRecognizers
from jamak.jobs.service import submit_job
from jamak.jobs.worker import QueueWorker, WorkerConfig
from tests.support.media import make_tone

Submit = Callable[..., Job]


def queue_worker(
    store: InMemoryJobStore,
    objects: InMemoryObjectStore,
    *,
    worker_id: str = "w1",
    steps: int = 4,
    seconds_per_step: float = 0.0,
    max_duration_s: float | None = None,
    on_job: Callable[[str | None], None] | None = None,
) -> QueueWorker:
    """A worker of the in-memory store (its own queue) with the scripted recogniser, which
    reports progress ``steps`` times a job."""
    return QueueWorker(
        store=store,
        queue=store,
        objects=objects,
        recognizers=ScriptedRecognizers(steps=steps, seconds_per_step=seconds_per_step),
        config=WorkerConfig(
            worker_id=worker_id,
            lease_s=5.0,
            poll_interval_s=0.01,
            max_duration_s=max_duration_s,
        ),
        on_job=on_job,
    )


@pytest.fixture(scope="session")
def tone_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """Two seconds of a real WAV file (the scripted recogniser 'hears' words in it)."""
    path = make_tone(tmp_path_factory.mktemp("media") / "tone.wav", 2.0)
    return path.read_bytes()


@pytest.fixture
def store() -> InMemoryJobStore:
    return InMemoryJobStore(max_attempts=3)


@pytest.fixture
def objects() -> InMemoryObjectStore:
    return InMemoryObjectStore()


@pytest.fixture
def submit(store: InMemoryJobStore, objects: InMemoryObjectStore, tone_bytes: bytes) -> Submit:
    """Submit a job through the real use case; media defaults to the tone. ``read_duration``:
    record the length the media's header declares, as the embedded service does."""

    def _submit(
        data: bytes | None = None, *, read_duration: bool = False, **options: object
    ) -> Job:
        return submit_job(
            store=store,
            objects=objects,
            launcher=NoopLauncher(),
            owner="ana",
            filename="talk.wav",
            source=io.BytesIO(tone_bytes if data is None else data),
            options=JobOptions(**options),  # type: ignore[arg-type]
            read_duration=read_duration,
        )

    return _submit


@pytest.fixture
def media_file(tmp_path: Path, tone_bytes: bytes) -> Path:
    path = tmp_path / "tone.wav"
    path.write_bytes(tone_bytes)
    return path
