"""GET /api/jobs/{id}/events: Server-Sent Events from queued to succeeded, then the end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from tests.integration.api.helpers import assert_error, submit


def read_events(client: httpx.Client, url: str) -> list[tuple[str, Any]]:
    """Every (event, data) of one stream, read until the server closes it."""
    events: list[tuple[str, Any]] = []
    name, data = "message", []
    with client.stream("GET", url) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-cache"
        for line in response.iter_lines():
            if line.startswith("event:"):
                name = line.removeprefix("event:").strip()
            elif line.startswith("data:"):
                data.append(line.removeprefix("data:").strip())
            elif line == "" and data:
                events.append((name, json.loads("\n".join(data))))
                name, data = "message", []
    return events


def test_stream_follows_a_job_until_it_succeeds(client: httpx.Client, speech_path: Path) -> None:
    job_id = submit(client, speech_path)["id"]

    events = read_events(client, f"/api/jobs/{job_id}/events")

    names = [name for name, _ in events]
    assert names[-1] == "end" and events[-1][1] == {"reason": "finished"}
    jobs = [data for name, data in events if name == "job"]
    assert names[:-1] == ["job"] * len(jobs)
    statuses = [job["status"] for job in jobs]
    assert statuses[-1] == "succeeded"
    assert "running" in statuses
    progress = [job["progress"] for job in jobs]
    assert progress == sorted(progress), "progress never goes back"
    assert any(0 < value < 100 for value in progress), "intermediate progress is streamed"
    assert all(job["id"] == job_id for job in jobs)
    assert len({json.dumps(job, sort_keys=True) for job in jobs}) == len(jobs), "only changes"


def test_a_finished_job_streams_once_and_ends(client: httpx.Client, tone_wav: Path) -> None:
    job_id = submit(client, tone_wav)["id"]
    read_events(client, f"/api/jobs/{job_id}/events")

    again = read_events(client, f"/api/jobs/{job_id}/events")

    assert [name for name, _ in again] == ["job", "end"]
    assert again[0][1]["status"] == "succeeded"


def test_unknown_job_stream_is_a_404_json_error(client: httpx.Client) -> None:
    assert_error(client.get("/api/jobs/feedfacefeedface/events"), 404, "job_not_found")
