"""Metrics and logs of a real server.

``GET /metrics`` over real HTTP, after real jobs: one good file, one that is not media.

The server (conftest ``server``) runs one worker process with the scripted recogniser; the
job figures come from the job store, the HTTP figures from the app's own registry.
"""

from __future__ import annotations

import functools
import json
import logging
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from jamak.jobs.recognizers import scripted_recognizers
from tests.integration.api.auth_server import AuthServer
from tests.integration.api.helpers import submit, wait_finished
from tests.integration.api.live_server import LiveServer, live_server, server_settings
from tests.support.logs import captured_json_log


def scrape(client: httpx.Client) -> list[Sample]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return [s for family in text_string_to_metric_families(response.text) for s in family.samples]


def value(samples: list[Sample], name: str, **labels: str) -> float:
    matching = [
        s.value
        for s in samples
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    ]
    assert matching, f"no sample {name} {labels}"
    return sum(matching)


def test_metrics_after_a_good_and_a_failed_job(
    server: LiveServer, tone_wav: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "notes.wav"
    bad.write_bytes(b"this is a text file, not audio\n" * 20)
    with server.client(user="metrics-user") as http:
        good_id = submit(http, tone_wav)["id"]
        bad_id = submit(http, bad)["id"]
        assert wait_finished(http, good_id)["status"] == "succeeded"
        assert wait_finished(http, bad_id)["status"] == "failed"
        samples = scrape(http)

    assert value(samples, "jamak_jobs", status="succeeded") >= 1
    assert value(samples, "jamak_jobs", status="failed") >= 1
    assert value(samples, "jamak_queue_depth") >= 0
    assert value(samples, "jamak_audio_processed_seconds_total") > 0
    assert value(samples, "jamak_job_errors_total", kind="NotMediaError") >= 1
    assert value(samples, "jamak_job_processing_seconds_per_audio_second_count") >= 1
    assert value(samples, "jamak_workers") == 1
    assert value(samples, "jamak_http_requests_total", route="/api/jobs/{job_id}") >= 2
    assert value(samples, "jamak_http_request_duration_seconds_count", route="/api/jobs") >= 2
    labels = {v for s in samples for v in s.labels.values()}
    assert not any(good_id in v or bad_id in v for v in labels)
    routes = {s.labels["route"] for s in samples if "route" in s.labels}
    assert all(r.startswith("/") or r == "<unmatched>" for r in routes)


def test_metrics_need_an_admin_when_sign_in_is_on(auth: AuthServer) -> None:
    with auth.client(None) as anonymous:
        assert anonymous.get("/metrics").status_code == 401
    with auth.client("ana") as ana:
        assert ana.get("/metrics").status_code == 403
    with auth.client("root") as root:
        assert "jamak_jobs" in root.get("/metrics").text


def test_tokens_never_reach_the_log(auth: AuthServer, tone_wav: Path) -> None:
    # httpx logs each request's URL at INFO: a real line with a token in it (the query
    # string below), whatever other tests did to that logger.
    client_log = logging.getLogger("httpx")
    client_state = (client_log.level, client_log.disabled)
    client_log.setLevel(logging.INFO)
    client_log.disabled = False
    try:
        with captured_json_log(logging.DEBUG) as buffer:
            with auth.client("ana") as ana:
                job_id = submit(ana, tone_wav)["id"]
                wait_finished(ana, job_id)
                ana.get("/api/jobs", params={"token": auth.tokens["ana"]})
            bad = httpx.Client(base_url=auth.server.base_url, headers={"Authorization": "Bearer x"})
            with bad, auth.client("root") as root_client:
                bad.get("/api/jobs")
                root_client.get("/metrics")
                root_client.get(
                    f"/api/jobs/{job_id}", headers={"Authorization": f"Bearer {auth.revoked}"}
                )
    finally:
        client_log.level, client_log.disabled = client_state

    text = buffer.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]
    assert any("token=jamak_" in line["message"] for line in lines)  # logged, blanked
    for secret in [*auth.tokens.values(), auth.revoked]:
        assert secret not in text
        assert secret.rsplit("_", 1)[-1] not in text


def test_worker_processes_log_json_lines_with_the_job_and_its_owner(
    tmp_path: Path, tone_wav: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """JAMAK_LOG_FORMAT=json reaches the spawned worker processes through their config."""
    settings = server_settings(tmp_path, log_format="json", log_level="INFO")
    scripted = functools.partial(scripted_recognizers, steps=2, seconds_per_step=0.0)
    with (
        live_server(settings, workers=1, recognizer_factory=scripted) as running,
        running.client(user="json-user") as http,
    ):
        job_id = submit(http, tone_wav)["id"]
        assert wait_finished(http, job_id)["status"] == "succeeded"

    lines = [line for line in capfd.readouterr().err.splitlines() if line.startswith("{")]
    records = [json.loads(line) for line in lines]
    about_job = [r for r in records if r.get("job_id") == job_id]
    assert about_job, lines
    assert {r["user"] for r in about_job} == {"json-user"}
    assert all(r["process"] != "MainProcess" for r in about_job)
