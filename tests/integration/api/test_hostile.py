"""Issue 11's hostile-input corpus, through the real HTTP API of the embedded backend (and of
the AWS backend on moto: tests/aws/api/test_hostile_on_aws.py runs these tests with its own
``hostile_server`` and ``stored_keys``).

Every file of :mod:`tests.support.hostile` is uploaded to one server with one worker
process, a good recording among them; each must end as the corpus says (refused at upload,
failed with a message naming what is wrong, or succeeded), the good job must succeed, and the
server and its worker must still be there afterwards. The scripted recogniser stands in for
Whisper: what is on trial is everything around recognition.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from jamak.jobs.keys import LISTENING_COPY_SUFFIX
from jamak.jobs.recognizers import scripted_recognizers
from tests.integration.api.helpers import wait_finished
from tests.integration.api.live_server import LiveServer, live_server, server_settings
from tests.support.hostile import (
    MAX_DURATION_S,
    MAX_UPLOAD_MB,
    HostileFile,
    build_hostile_corpus,
)

pytestmark = pytest.mark.timeout(120)

# What an object key of a job may be: the job's prefix and a name jamak chose (jamak.jobs.keys).
_JOB_KEY = re.compile(
    rf"jobs/[0-9a-f]{{32}}/(media|upload\.json|subtitles\.[a-z]+|listening{re.escape(LISTENING_COPY_SUFFIX)})"
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[HostileFile]:
    return build_hostile_corpus(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = server_settings(
        tmp_path_factory.mktemp("hostile-server"),
        max_upload_mb=MAX_UPLOAD_MB,
        max_duration_s=MAX_DURATION_S,
    )
    fast = functools.partial(scripted_recognizers, steps=1)
    with live_server(settings, workers=1, recognizer_factory=fast) as running:
        yield running


@pytest.fixture
def stored_keys(hostile_server: LiveServer) -> list[str]:
    """Every object the server stored, as its key (its path under the objects folder)."""
    root = hostile_server.settings.data_dir / "objects"
    return [path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()]


def test_the_corpus_is_large_and_varied(corpus: list[HostileFile]) -> None:
    assert len(corpus) >= 40
    assert len({item.key for item in corpus}) == len(corpus)
    assert {item.expect for item in corpus} == {"refused", "failed", "succeeded"}


def test_every_hostile_file_ends_as_written_and_a_good_job_alongside_succeeds(
    hostile_server: LiveServer, corpus: list[HostileFile], speech_path: Path
) -> None:
    with hostile_server.client(user="hostile") as client:
        half = len(corpus) // 2
        jobs = {item.key: _send(client, item) for item in corpus[:half]}
        good = _send_good(client, speech_path)
        jobs |= {item.key: _send(client, item) for item in corpus[half:]}
        wrong = [
            problem
            for item in corpus
            if (problem := _judge(item, _final(client, jobs[item.key]))) is not None
        ]
        assert wrong == [], "\n".join(wrong)
        finished = wait_finished(client, good)
        assert finished["status"] == "succeeded", finished
        assert client.get(finished["downloads"]["srt"]).status_code == 200
        assert client.get("/healthz").status_code == 200


def test_the_worker_process_outlives_the_corpus(hostile_server: LiveServer) -> None:
    """Runs after the corpus (same module-scoped server): no file took the worker down."""
    assert hostile_server.pool is not None and len(hostile_server.pool.pids()) == 1


def test_uploaded_names_never_become_paths(
    hostile_server: LiveServer, corpus: list[HostileFile], stored_keys: list[str]
) -> None:
    """Whatever the names asked for, every stored object lies under its job's prefix, under
    a name jamak chose; none of the uploaded names appears on disk or in the bucket."""
    assert stored_keys, "the corpus stored nothing"
    outside = [key for key in stored_keys if not _JOB_KEY.fullmatch(key)]
    assert outside == []
    stored = [part for key in stored_keys for part in key.split("/")]
    stored += [path.name for path in hostile_server.settings.data_dir.rglob("*")]
    for item in corpus:
        if item.key.startswith("name:"):
            assert item.says not in stored
    assert not Path("/etc/passwd.mp3").exists()


def _send(client: httpx.Client, item: HostileFile) -> dict[str, Any]:
    """Upload one file under its hostile name and claimed type; the response, as data."""
    part = (item.upload_name, item.path.read_bytes(), item.content_type)
    response = client.post("/api/jobs", files=[("file", part)])
    if response.status_code == 201:
        job: dict[str, Any] = response.json()["jobs"][0]
        return job
    return {"status": f"refused {response.status_code}", "error": response.text}


def _send_good(client: httpx.Client, speech: Path) -> str:
    response = client.post("/api/jobs", files=[("file", (speech.name, speech.read_bytes()))])
    assert response.status_code == 201, response.text
    job_id: str = response.json()["jobs"][0]["id"]
    return job_id


def _final(client: httpx.Client, job: dict[str, Any]) -> dict[str, Any]:
    if job["status"].startswith("refused"):
        return job
    return wait_finished(client, job["id"], timeout_s=60)


def _judge(item: HostileFile, job: dict[str, Any]) -> str | None:
    """None if ``job`` ended as the corpus says; otherwise a line saying how it did not."""
    status, error = job["status"], job.get("error") or ""
    if item.expect == "refused":
        ok = status.startswith("refused 4") and item.says in error
    elif item.expect == "failed":
        ok = status == "failed" and item.says in error and "internal error" not in error
    else:
        ok = status == "succeeded" and job["filename"] == item.says
    if ok:
        return None
    return f"{item.key}: expected {item.expect} ({item.says!r}), got {status}: {error[:200]}"
