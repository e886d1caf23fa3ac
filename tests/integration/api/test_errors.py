"""Every failure is a JSON error with the right status; a 500 gives nothing away."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.integration.api.helpers import assert_error
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
