"""Cancel and delete: jobs stop, files go, and the API says so in JSON."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from tests.integration.api.helpers import assert_error, submit, wait_finished
from tests.integration.api.live_server import LiveServer


def job_files(server: LiveServer, job_id: str) -> list[Path]:
    return sorted((server.settings.objects_dir / "jobs" / job_id).rglob("*"))


def test_cancel_a_queued_job(queued_client: httpx.Client, tone_wav: Path) -> None:
    job_id = submit(queued_client, tone_wav)["id"]

    response = queued_client.post(f"/api/jobs/{job_id}/cancel")

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["finished_at"] is not None
    assert queued_client.get(f"/api/jobs/{job_id}").json()["status"] == "cancelled"


def test_cancel_a_running_job_stops_it(server: LiveServer, speech_path: Path) -> None:
    with server.client(user="canceller") as http:
        job_id = submit(http, speech_path)["id"]
        deadline = time.monotonic() + 30
        while http.get(f"/api/jobs/{job_id}").json()["status"] == "queued":
            assert time.monotonic() < deadline
            time.sleep(0.02)

        cancelled = http.post(f"/api/jobs/{job_id}/cancel").json()
        final = wait_finished(http, job_id)

    assert cancelled["status"] in {"cancelled", "succeeded"}  # it may just have finished
    assert final["status"] == cancelled["status"]
    if final["status"] == "cancelled":
        assert final["downloads"] == {}


def test_cancelling_a_finished_job_changes_nothing(client: httpx.Client, tone_wav: Path) -> None:
    job = wait_finished(client, submit(client, tone_wav)["id"])

    response = client.post(f"/api/jobs/{job['id']}/cancel")

    assert response.status_code == 200
    assert response.json()["status"] == "succeeded"


def test_delete_removes_the_job_and_its_files(
    server: LiveServer, client: httpx.Client, speech_path: Path
) -> None:
    job = wait_finished(client, submit(client, speech_path)["id"])
    assert job_files(server, job["id"]), "media and subtitles are on disk"

    response = client.delete(f"/api/jobs/{job['id']}")

    assert response.status_code == 204
    assert response.content == b""
    assert job_files(server, job["id"]) == []
    assert_error(client.get(f"/api/jobs/{job['id']}"), 404, "job_not_found")
    assert_error(client.get(f"/api/jobs/{job['id']}/subtitles.srt"), 404)
    assert_error(client.get(f"/api/jobs/{job['id']}/media"), 404)
    assert client.get("/api/jobs").json()["jobs"] == []


def test_delete_a_queued_job(
    api_only: LiveServer, queued_client: httpx.Client, tone_wav: Path
) -> None:
    job_id = submit(queued_client, tone_wav)["id"]
    assert job_files(api_only, job_id)

    assert queued_client.delete(f"/api/jobs/{job_id}").status_code == 204

    assert job_files(api_only, job_id) == []
    assert_error(queued_client.delete(f"/api/jobs/{job_id}"), 404, "job_not_found")


def test_cancel_unknown_job_is_404(queued_client: httpx.Client) -> None:
    assert_error(queued_client.post("/api/jobs/0011223344/cancel"), 404, "job_not_found")
