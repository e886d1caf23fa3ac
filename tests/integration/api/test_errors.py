"""Every failure is a JSON error with the right status; a 500 gives nothing away."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx

from tests.integration.api.helpers import assert_error, submit, wait_finished
from tests.integration.api.live_server import live_server, server_settings


def test_unknown_route_and_wrong_method_are_json(api_only) -> None:  # type: ignore[no-untyped-def]
    with api_only.client() as http:
        assert_error(http.get("/api/nothing-here"), 404, "not_found")
        assert_error(http.put("/api/jobs"), 405, "method_not_allowed")
        assert_error(http.get("/static/missing.js"), 404, "not_found")


def test_an_unexpected_failure_is_a_plain_500(tmp_path: Path) -> None:
    settings = server_settings(tmp_path / "data")
    with live_server(settings, workers=0) as server, server.client() as http:
        with sqlite3.connect(settings.db_path) as db:
            db.execute("ALTER TABLE jobs RENAME TO jobs_away")  # the store now fails inside

        response = http.get("/api/jobs")

    message = assert_error(response, 500, "internal_error")
    body = response.text.lower()
    for leak in ("traceback", "sqlite", "jobs_away", "no such table", ".py"):
        assert leak not in body
    assert message == "Something went wrong on the server."


def test_a_failed_job_names_its_kind_of_failure_beside_the_sentence(
    client: httpx.Client, tmp_path: Path
) -> None:
    """``error_kind`` is what a client words the failure from (the web app, in Korean);
    ``error`` keeps the server's own sentence, which names the file."""
    text = tmp_path / "notes.mp3"
    text.write_bytes(b"this is a text file, not audio\n" * 20)

    queued = submit(client, text)
    assert queued["status"] == "queued" and queued["error_kind"] is None
    job_id = queued["id"]
    failed = wait_finished(client, job_id)

    assert failed["status"] == "failed"
    assert failed["error_kind"] == "NotMediaError"
    assert "notes.mp3" in failed["error"]
    listed = client.get("/api/jobs").json()["jobs"]
    assert [job["error_kind"] for job in listed if job["id"] == job_id] == ["NotMediaError"]
