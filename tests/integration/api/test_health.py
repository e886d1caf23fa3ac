"""/healthz and /readyz over real storage, including a broken object store."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.api.live_server import LiveServer, live_server, server_settings


@pytest.fixture
def fresh_api(tmp_path: Path) -> Iterator[LiveServer]:
    with live_server(server_settings(tmp_path / "data"), workers=0) as running:
        yield running


def test_liveness(api_only: LiveServer) -> None:
    with api_only.client() as http:
        response = http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_when_store_and_objects_work(api_only: LiveServer) -> None:
    with api_only.client() as http:
        response = http.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"store": "ok", "objects": "ok"}}


def test_not_ready_while_the_object_store_cannot_be_written(fresh_api: LiveServer) -> None:
    objects_dir = fresh_api.settings.objects_dir
    with fresh_api.client() as http:
        shutil.rmtree(objects_dir)
        objects_dir.write_text("a file where the objects folder should be")

        response = http.get("/readyz")

        assert response.status_code == 503
        assert response.json() == {
            "status": "unavailable",
            "checks": {"store": "ok", "objects": "failed"},
        }
        assert http.get("/healthz").status_code == 200  # alive, just not ready

        objects_dir.unlink()
        objects_dir.mkdir()
        assert http.get("/readyz").status_code == 200


def test_not_ready_while_the_job_store_is_broken(fresh_api: LiveServer) -> None:
    import sqlite3

    with sqlite3.connect(fresh_api.settings.db_path) as db:
        db.execute("ALTER TABLE jobs RENAME TO jobs_away")
    with fresh_api.client() as http:
        response = http.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["store"] == "failed"
