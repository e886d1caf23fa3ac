"""Job figures for metrics and job log lines, over the in-memory backend.

A good job and one that is not media run through the real pull loop; the figures come back
from the store (jamak.jobs.stats), and the loop's log lines, as JSON, carry the job's id and
owner.
"""

from __future__ import annotations

import contextvars
import io
import json
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from jamak.backends.memory import InMemoryJobStore, InMemoryObjectStore
from jamak.jobs.model import JobStatus
from jamak.jobs.recognizers import ScriptedRecognizers
from jamak.jobs.stats import job_stats
from jamak.jobs.worker import QueueWorker, WorkerConfig
from jamak.logs import (
    ContextFilter,
    TextFormatter,
    bind_log_fields,
    bindable_log_context,
    log_context,
    redact,
)
from tests.support.logs import captured_json_log

from .conftest import Submit


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    with captured_json_log() as buffer:
        yield buffer


def run_all(store: InMemoryJobStore, objects: InMemoryObjectStore) -> None:
    worker = QueueWorker(
        store=store,
        queue=store,
        objects=objects,
        recognizers=ScriptedRecognizers(steps=2),
        config=WorkerConfig(worker_id="w1", lease_s=5.0, poll_interval_s=0.01),
    )
    while worker.run_next() is not None:
        pass


def test_stats_count_jobs_audio_and_error_kinds(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore
) -> None:
    good, bad = submit(), submit(b"plain text, not a recording\n" * 10)
    submit()  # left queued: the worker below runs two jobs only
    worker = QueueWorker(
        store=store,
        queue=store,
        objects=objects,
        recognizers=ScriptedRecognizers(steps=2),
        config=WorkerConfig(worker_id="w1", lease_s=5.0, poll_interval_s=0.01),
    )
    worker.run_next()
    worker.run_next()

    stats = job_stats(store)

    assert store.get(good.id).status is JobStatus.SUCCEEDED
    assert store.get(bad.id).error_kind == "NotMediaError"
    assert stats.by_status[JobStatus.SUCCEEDED] == 1
    assert stats.by_status[JobStatus.FAILED] == 1
    assert stats.queue_depth == 1
    assert stats.audio_s == pytest.approx(2.0, abs=0.1)
    assert stats.errors_by_kind == {"NotMediaError": 1}
    assert len(stats.seconds_per_audio_s) == 1


def test_stats_read_past_one_page(submit: Submit, store: InMemoryJobStore) -> None:
    for _ in range(7):
        submit()
    assert job_stats(store, limit=5).queue_depth == 5
    assert job_stats(store).queue_depth == 7


def test_job_log_lines_are_json_with_job_and_user(
    submit: Submit,
    store: InMemoryJobStore,
    objects: InMemoryObjectStore,
    json_log: io.StringIO,
) -> None:
    job = submit()
    run_all(store, objects)

    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]

    about_job = [line for line in lines if line.get("job_id") == job.id]
    assert about_job, lines
    assert all(line["user"] == "ana" for line in about_job)
    assert {"time", "level", "logger", "message"} <= set(about_job[0])


def test_context_nests_and_ends(json_log: io.StringIO) -> None:
    log = logging.getLogger("jamak.test")
    with log_context(user="bo"), log_context(job_id="j1"):
        log.info("inside")
    log.info("outside")
    inside, outside = (json.loads(line) for line in json_log.getvalue().splitlines())
    assert (inside["user"], inside["job_id"]) == ("bo", "j1")
    assert "user" not in outside and "job_id" not in outside


def test_tokens_are_blanked_even_when_logged(json_log: io.StringIO) -> None:
    token = "jamak_abc123_S3cretValue-xyz"
    logging.getLogger("jamak.test").warning("got %s and Bearer %s", token, token)
    assert token not in json_log.getvalue()
    assert "S3cretValue" not in redact(f"Authorization: Bearer {token}")


def test_a_user_bound_in_another_thread_reaches_the_whole_request(json_log: io.StringIO) -> None:
    """As in the API: the user is known in a dependency FastAPI runs in a worker thread
    (a copy of the context), and the request's later lines, here or there, name them."""
    log = logging.getLogger("jamak.test")
    with bindable_log_context():
        log.info("before")
        copy = contextvars.copy_context()
        with ThreadPoolExecutor(1) as pool:
            pool.submit(copy.run, bind_log_fields, user="ana").result()
            pool.submit(contextvars.copy_context().run, log.info, "in a thread").result()
        log.info("after")
    bind_log_fields(user="nobody")  # outside a request: nothing to add to
    log.info("outside")
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    assert [line.get("user") for line in lines] == [None, "ana", "ana", None]


def test_text_lines_carry_the_context_fields_too() -> None:
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.addFilter(ContextFilter())
    handler.setFormatter(TextFormatter("%(levelname)s %(message)s"))
    log = logging.getLogger("jamak.test.text")
    log.addHandler(handler)
    try:
        with log_context(user="ana", job_id="j1"):
            log.warning("inside")
        log.warning("outside")
    finally:
        log.removeHandler(handler)
    assert buffer.getvalue().splitlines() == [
        "WARNING inside [job_id=j1 user=ana]",
        "WARNING outside",
    ]
