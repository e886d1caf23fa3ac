"""GET /api/jobs (paging, status filter, owners) and GET /api/jobs/{id} (long-polling)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx

from tests.integration.api.helpers import assert_error, submit, upload, wait_finished
from tests.integration.api.live_server import LiveServer


def test_pages_cover_every_job_once_newest_first(
    queued_client: httpx.Client, tone_wav: Path
) -> None:
    created = [submit(queued_client, tone_wav)["id"] for _ in range(5)]

    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, str | int] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = queued_client.get("/api/jobs", params=params).json()
        assert len(page["jobs"]) <= 2
        seen += [job["id"] for job in page["jobs"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert pages == 3
    assert seen == list(reversed(created))


def test_status_filter(queued_client: httpx.Client, tone_wav: Path) -> None:
    kept, cancelled = submit(queued_client, tone_wav)["id"], submit(queued_client, tone_wav)["id"]
    assert queued_client.post(f"/api/jobs/{cancelled}/cancel").status_code == 200

    def ids(status: str) -> list[str]:
        response = queued_client.get("/api/jobs", params={"status": status})
        return [job["id"] for job in response.json()["jobs"]]

    assert ids("queued") == [kept]
    assert ids("cancelled") == [cancelled]
    assert ids("succeeded") == []
    assert_error(queued_client.get("/api/jobs", params={"status": "done"}), 422)


def test_each_owner_lists_only_their_jobs(api_only: LiveServer, tone_wav: Path) -> None:
    with api_only.client(user="alice-list") as alice, api_only.client(user="bob-list") as bob:
        mine = submit(alice, tone_wav)["id"]
        assert [job["id"] for job in alice.get("/api/jobs").json()["jobs"]] == [mine]
        assert mine not in [job["id"] for job in bob.get("/api/jobs").json()["jobs"]]
        # The id is the capability: anyone holding it can read the job.
        assert bob.get(f"/api/jobs/{mine}").json()["owner"] == "alice-list"


def test_bad_paging_parameters_are_json_errors(queued_client: httpx.Client) -> None:
    assert_error(queued_client.get("/api/jobs", params={"limit": 0}), 422, "invalid_request")
    assert_error(queued_client.get("/api/jobs", params={"cursor": "%%%"}), 400)


def test_job_json_has_the_documented_fields(client: httpx.Client, tone_wav: Path) -> None:
    job_id = submit(client, tone_wav, formats="srt")["id"]
    job = wait_finished(client, job_id)

    assert job["status"] == "succeeded"
    assert job["progress"] == 100
    assert job["error"] is None
    assert job["error_kind"] is None
    assert job["filename"] == "api-tone.wav"
    assert abs(job["duration_s"] - 1.0) < 0.05
    assert job["processed_s"] == job["duration_s"]
    assert job["language"] == "en"
    assert job["downloads"] == {"srt": f"/api/jobs/{job_id}/subtitles.srt"}
    assert job["links"]["media"] == f"/api/jobs/{job_id}/media"
    assert job["created_at"] <= job["started_at"] <= job["finished_at"]


def test_long_poll_returns_at_the_deadline_when_nothing_changes(
    queued_client: httpx.Client, tone_wav: Path
) -> None:
    job_id = submit(queued_client, tone_wav)["id"]

    started = time.monotonic()
    response = queued_client.get(
        f"/api/jobs/{job_id}", params={"wait": 1, "since_status": "queued", "since_progress": 0}
    )

    assert 0.9 <= time.monotonic() - started < 5
    assert response.json()["status"] == "queued"


def test_long_poll_returns_early_on_a_change(api_only: LiveServer, tone_wav: Path) -> None:
    with api_only.client(user="poller") as http:
        job_id = submit(http, tone_wav)["id"]
        started = time.monotonic()
        # Another client cancels while this one waits (httpx clients are thread-safe).
        canceller = threading.Timer(0.5, lambda: http.post(f"/api/jobs/{job_id}/cancel"))
        canceller.start()
        response = http.get(f"/api/jobs/{job_id}", params={"wait": 30, "since_status": "queued"})
        canceller.join()

    assert response.json()["status"] == "cancelled"
    assert time.monotonic() - started < 10


def test_unknown_job_is_404(client: httpx.Client) -> None:
    assert_error(client.get("/api/jobs/0123456789abcdef"), 404, "job_not_found")
    assert_error(client.get("/api/jobs/not..valid"), 422)


def test_upload_then_list_round_trip(client: httpx.Client, tone_wav: Path) -> None:
    ids = [job["id"] for job in upload(client, tone_wav, tone_wav).json()["jobs"]]
    listed = [job["id"] for job in client.get("/api/jobs").json()["jobs"]]
    assert sorted(listed) == sorted(ids)
