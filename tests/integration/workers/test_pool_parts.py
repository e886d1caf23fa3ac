"""One long job spread over a real pool: worker processes, the SQLite queue, real media
and voice activity detection; the tone-word recogniser hears words tied to the audio, so
the subtitles show whether a word was lost or doubled at a seam."""

from __future__ import annotations

import functools
import os
import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from jamak.backends.embedded.pool import WorkerPool
from jamak.bootstrap import Services, build_services, worker_process_config
from jamak.jobs.model import Job, JobStatus
from jamak.jobs.pool_parts import part_task_id
from jamak.settings import Settings
from tests.support.media import tone_words, write_wav

from .conftest import tone_word_recognizers
from .helpers import submit, wait_for

# Two and a half minutes of tone words; parts of about a minute, searched a minute either
# side: two parts.
WORDS = [(1.0 + 3.0 * i, 1.5 + 3.0 * i, 300 + 50 * i) for i in range(50)]


@pytest.fixture
def split_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"part_s": 60.0, "split_from_s": 60.0})


@pytest.fixture
def split_services(split_settings: Settings) -> Iterator[Services]:
    built = build_services(split_settings)
    yield built
    built.close()


@pytest.fixture(scope="module")
def long_wav(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("pool") / "long.wav"
    return write_wav(path, tone_words(150.0, WORDS)[None, :], 16_000).read_bytes()


def said(services: Services, job: Job) -> list[str]:
    with services.objects.open(job.outputs["srt"]) as stream:
        return [token for token in stream.read().decode().split() if token.startswith("w")]


def lease_holder(settings: Settings, task_id: str) -> str | None:
    with sqlite3.connect(Path(settings.data_dir) / "jobs.sqlite3") as db:
        row = db.execute(
            "SELECT lease_owner FROM jobs WHERE id = ? AND status = 'running'", (task_id,)
        ).fetchone()
    return row[0] if row else None


def test_a_long_job_runs_on_two_workers_one_killed_mid_part(
    split_settings: Settings, split_services: Services, long_wav: bytes
) -> None:
    job = submit(split_services, long_wav)
    factory = functools.partial(tone_word_recognizers, seconds=3.0)
    config = worker_process_config(split_settings)
    with WorkerPool(config, workers=2, recognizer_factory=factory) as pool:
        first = part_task_id(job.id, 0)
        wait_for(
            lambda: lease_holder(split_settings, first) is not None,
            timeout_s=60,
            what="a worker to take part 1",
        )
        holder = lease_holder(split_settings, first)
        assert holder is not None
        victim = int(holder.split(":")[1])
        os.kill(victim, signal.SIGKILL)
        wait_for(
            lambda: split_services.store.get(job.id).status is JobStatus.SUCCEEDED,
            timeout_s=90,
            what="the job to finish after the kill",
        )
        assert victim not in pool.pids()
    done = split_services.store.get(job.id)
    assert done.parts == 2
    assert done.attempts == 1  # the job was never run again; its part was
    assert split_services.store.get(first).attempts == 2
    assert said(split_services, done) == [f"w{pitch}" for _, _, pitch in WORDS]
    assert [j.id for j in split_services.store.list().jobs] == [job.id]
