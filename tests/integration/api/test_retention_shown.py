"""A finished job tells its owner when the server deletes it (``expires_at``), where the
server deletes finished jobs at all (``JAMAK_JOB_RETENTION_DAYS``): download before then.
The upload form's config says the rule before anything is uploaded."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from jamak.jobs.recognizers import scripted_recognizers
from tests.integration.api.helpers import submit, wait_finished
from tests.integration.api.live_server import LiveServer, live_server, server_settings

RETENTION_DAYS = 7


@pytest.fixture(scope="module")
def keeping_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = server_settings(
        tmp_path_factory.mktemp("keeping"), job_retention_days=RETENTION_DAYS
    )
    scripted = functools.partial(scripted_recognizers, steps=2, seconds_per_step=0.0)
    with live_server(settings, workers=1, recognizer_factory=scripted) as running:
        yield running


def test_a_finished_job_says_when_it_is_deleted(keeping_server: LiveServer, tone_wav: Path) -> None:
    with keeping_server.client(user="keeper") as api:
        job = submit(api, tone_wav)
        if job["status"] in ("queued", "running"):
            assert job["expires_at"] is None  # counted from the finish, not yet known
        done = wait_finished(api, job["id"])
        listed = api.get("/api/jobs").json()["jobs"]
        config = api.get("/api/config").json()

    assert done["status"] == "succeeded"
    finished = datetime.fromisoformat(done["finished_at"])
    expires = datetime.fromisoformat(done["expires_at"])
    assert abs(expires - (finished + timedelta(days=RETENTION_DAYS))) < timedelta(milliseconds=1)
    assert [row["expires_at"] for row in listed if row["id"] == job["id"]] == [done["expires_at"]]
    assert (config["retention_days"], config["retention_from"]) == (RETENTION_DAYS, "finished")


def test_a_server_that_keeps_every_job_names_no_date(client: httpx.Client, tone_wav: Path) -> None:
    done = wait_finished(client, submit(client, tone_wav)["id"])
    config = client.get("/api/config").json()
    assert done["status"] == "succeeded"
    assert done["expires_at"] is None
    assert (config["retention_days"], config["retention_from"]) == (None, None)
