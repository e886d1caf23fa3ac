"""Metrics and logs of a real server.

``GET /metrics`` over real HTTP, after real jobs: one good file, one that is not media.

The server (conftest ``server``) runs one worker process with the scripted recogniser; the
job figures come from the job store, the HTTP figures from the app's own registry.
"""

from __future__ import annotations

import functools
import io
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
        assert _secret_part(secret) not in text


def test_a_signed_in_users_requests_log_their_user_id_and_never_their_token(
    auth: AuthServer, tone_wav: Path
) -> None:
    """Every line written while serving ana's requests (the API's line per request, the job
    service's own) names ana; the token she sent, by header or to sign in, is nowhere."""
    token = auth.tokens["ana"]
    expected = {
        ("POST", "/api/jobs", 201),
        ("GET", "/api/jobs/{job_id}", 200),
        ("DELETE", "/api/jobs/{job_id}", 204),
        ("POST", "/api/session", 200),
        ("GET", "/api/jobs", 200),  # with the session cookie alone
    }
    with captured_json_log(logging.INFO) as buffer:
        with auth.client("ana") as ana:
            job_id = submit(ana, tone_wav)["id"]
            wait_finished(ana, job_id)
            assert ana.delete(f"/api/jobs/{job_id}").status_code == 204
        with httpx.Client(base_url=auth.server.base_url) as browser:
            assert browser.post("/api/session", json={"token": token}).status_code == 200
            assert browser.get("/api/jobs").status_code == 200
        with auth.client(None) as anonymous:
            assert anonymous.get("/api/jobs").status_code == 401
        lines = read_lines_until(
            buffer,
            lambda lines: (
                expected <= served_as(lines, "ana")
                and any(line.get("status") == 401 for line in lines)
            ),
        )

    text = buffer.getvalue()
    assert token not in text and _secret_part(token) not in text
    assert expected <= served_as(lines, "ana")
    served = [line for line in lines if line["logger"] == "jamak.api.access"]
    assert all(isinstance(line["duration_ms"], float | int) for line in served)
    assert not any(job_id in line["route"] for line in served)  # templates, not paths
    refused = [line for line in served if line["status"] == 401]
    assert refused and all("user" not in line for line in refused)
    about_the_job = [
        line
        for line in lines
        if line["logger"] == "jamak.jobs.service" and job_id in line["message"]
    ]
    assert [line["message"].split(": ")[1].split()[0] for line in about_the_job] == [
        "queued",
        "deleted",
    ]
    assert all(line.get("user") == "ana" for line in about_the_job)


def served_as(lines: list[dict[str, Any]], user: str) -> set[tuple[str, str, int]]:
    """(method, route, status) of the API's lines per request made by ``user``."""
    return {
        (line["method"], line["route"], line["status"])
        for line in lines
        if line["logger"] == "jamak.api.access" and line.get("user") == user
    }


def read_lines_until(
    buffer: io.StringIO, done: Callable[[list[dict[str, Any]]], bool], timeout_s: float = 5.0
) -> list[dict[str, Any]]:
    """The JSON lines so far, once they are ``done``: the server writes its line per
    request after the response's last byte, so the client may read it a moment earlier."""
    deadline = time.monotonic() + timeout_s
    while True:
        lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
        if done(lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.02)


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


def _secret_part(token: str) -> str:
    """The secret of ``jamak_<id>_<secret>``: it may hold "_" itself (URL-safe base64), so
    split from the left; the right-most piece can be one character found everywhere."""
    return token.split("_", 2)[2]
