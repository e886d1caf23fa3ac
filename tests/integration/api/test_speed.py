"""The speed preset over HTTP: a job names it (or gets the server's, JAMAK_SPEED), keeps it,
and shows it; GET /api/config offers the choice; a speed not on offer is refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.api.helpers import assert_error, submit, upload
from tests.integration.api.live_server import LiveServer, live_server, server_settings


@pytest.fixture(scope="module")
def accurate_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """An API-only server whose deployment default is ``JAMAK_SPEED=accurate``."""
    settings = server_settings(tmp_path_factory.mktemp("accurate"), speed="accurate")
    with live_server(settings, workers=0) as running:
        yield running


def test_a_chosen_speed_is_stored_and_shown_wherever_the_job_is(
    queued_client: httpx.Client, tone_wav: Path
) -> None:
    job = submit(queued_client, tone_wav, speed="fast")
    assert job["options"]["speed"] == "fast"
    assert queued_client.get(job["links"]["self"]).json()["options"]["speed"] == "fast"
    listed = {j["id"]: j for j in queued_client.get("/api/jobs").json()["jobs"]}
    assert listed[job["id"]]["options"]["speed"] == "fast"


def test_an_unknown_speed_is_a_422_naming_the_choices_and_makes_no_job(
    queued_client: httpx.Client, tone_wav: Path
) -> None:
    message = assert_error(upload(queued_client, tone_wav, speed="turbo"), 422, "invalid_request")
    assert message.startswith("speed:")
    assert all(name in message for name in ("fast", "balanced", "accurate"))
    assert queued_client.get("/api/jobs").json()["jobs"] == []


def test_the_servers_speed_is_the_default_on_offer_and_given_to_jobs_that_name_none(
    accurate_server: LiveServer, tone_wav: Path
) -> None:
    with accurate_server.client(user="speedy") as http:
        config = http.get("/api/config").json()
        assert (config["speeds"], config["default_speed"]) == (
            ["fast", "balanced", "accurate"],
            "accurate",
        )
        assert submit(http, tone_wav)["options"]["speed"] == "accurate"
        assert submit(http, tone_wav, speed="")["options"]["speed"] == "accurate"
        assert submit(http, tone_wav, speed="fast")["options"]["speed"] == "fast"
