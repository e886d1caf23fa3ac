"""With sign-in on, every job endpoint answers only its owner (and admins): two users and
an admin over a real HTTP server (the ``auth`` fixture: embedded here, AWS on moto in
tests/aws/api). Another user's job is 404, the same as a missing one, with
no byte of it in the body, and nothing they try changes it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from jamak.jobs.model import DEFAULT_FORMATS
from tests.integration.api.auth_server import AuthServer
from tests.integration.api.helpers import submit, wait_finished

READS: list[tuple[str, str, dict[str, str]]] = [
    ("GET", "/api/jobs/{id}", {}),
    ("GET", "/api/jobs/{id}?wait=1&since_status=queued", {}),
    ("GET", "/api/jobs/{id}/events", {}),
    ("GET", "/api/jobs/{id}/media", {}),
    ("GET", "/api/jobs/{id}/media", {"Range": "bytes=0-99"}),
    *[("GET", f"/api/jobs/{{id}}/subtitles.{fmt}", {}) for fmt in DEFAULT_FORMATS],
]
WRITES: list[tuple[str, str, dict[str, str]]] = [
    ("POST", "/api/jobs/{id}/cancel", {}),
    ("DELETE", "/api/jobs/{id}", {}),
    ("POST", "/api/uploads/{id}/complete", {}),
    ("POST", "/api/uploads/{id}/urls", {}),
    ("DELETE", "/api/uploads/{id}", {}),
]
PAIRS = [("bo", "ana"), ("ana", "bo")]  # (who asks, whose job)


@pytest.fixture(scope="module")
def jobs(auth: AuthServer, tone_wav: Path) -> dict[str, dict[str, Any]]:
    """One finished job each for ana and bo."""
    made = {}
    for user in ("ana", "bo"):
        with auth.client(user) as client:
            job = submit(client, tone_wav)
            made[user] = wait_finished(client, job["id"])
            assert made[user]["status"] == "succeeded", made[user]
    return made


def _send(client: httpx.Client, method: str, path: str, headers: dict[str, str]) -> httpx.Response:
    return client.request(method, path, headers=headers)


@pytest.mark.parametrize(("asker", "owner"), PAIRS)
@pytest.mark.parametrize(("method", "path", "headers"), READS + WRITES)
def test_another_users_job_is_404_and_unchanged(
    auth: AuthServer,
    jobs: dict[str, dict[str, Any]],
    asker: str,
    owner: str,
    method: str,
    path: str,
    headers: dict[str, str],
) -> None:
    job = jobs[owner]
    with auth.client(asker) as client:
        response = _send(client, method, path.format(id=job["id"]), headers)
    assert response.status_code == 404, (method, path, response.status_code)
    assert job["filename"].encode() not in response.content
    assert b"WEBVTT" not in response.content and b"-->" not in response.content
    with auth.client(owner) as client:
        after = client.get(f"/api/jobs/{job['id']}")
        assert after.status_code == 200
        assert after.json()["status"] == "succeeded"
        assert client.get(f"/api/jobs/{job['id']}/subtitles.srt").status_code == 200


@pytest.mark.parametrize("user", ["ana", "root"])
@pytest.mark.parametrize(("method", "path", "headers"), READS)
def test_the_owner_and_an_admin_can_read(
    auth: AuthServer,
    jobs: dict[str, dict[str, Any]],
    user: str,
    method: str,
    path: str,
    headers: dict[str, str],
) -> None:
    with auth.client(user) as client:
        response = _send(client, method, path.format(id=jobs["ana"]["id"]), headers)
    assert response.status_code in (200, 206), (user, path, response.content[:200])


def test_listing_shows_only_ones_own_jobs_and_an_admin_all(
    auth: AuthServer, jobs: dict[str, dict[str, Any]]
) -> None:
    seen = {}
    for user in ("ana", "bo", "root"):
        with auth.client(user) as client:
            seen[user] = {job["id"] for job in client.get("/api/jobs").json()["jobs"]}
    assert seen["ana"] == {jobs["ana"]["id"]}
    assert seen["bo"] == {jobs["bo"]["id"]}
    assert seen["root"] >= {jobs["ana"]["id"], jobs["bo"]["id"]}


def test_x_jamak_user_does_not_make_one_user_another(
    auth: AuthServer, jobs: dict[str, dict[str, Any]], tone_wav: Path
) -> None:
    with auth.client("bo") as client:
        client.headers["X-Jamak-User"] = "ana"
        assert client.get(f"/api/jobs/{jobs['ana']['id']}").status_code == 404
        listed = {job["id"] for job in client.get("/api/jobs").json()["jobs"]}
        assert jobs["ana"]["id"] not in listed
        created = submit(client, tone_wav)
    assert created["owner"] == "bo"


def test_an_admin_can_cancel_and_delete_anyones_job(auth: AuthServer, tone_wav: Path) -> None:
    with auth.client("ana") as client:
        job = wait_finished(client, submit(client, tone_wav)["id"])
    with auth.client("root") as client:
        assert client.delete(f"/api/jobs/{job['id']}").status_code == 204
    with auth.client("ana") as client:
        assert client.get(f"/api/jobs/{job['id']}").status_code == 404


@pytest.mark.parametrize(
    "path", ["/api/jobs", "/api/jobs/x", "/api/jobs/x/events", "/api/config", "/api/session"]
)
@pytest.mark.parametrize("credential", ["none", "revoked", "garbage", "basic"])
def test_without_a_valid_token_the_api_is_401(auth: AuthServer, path: str, credential: str) -> None:
    headers = {
        "none": {},
        "revoked": {"Authorization": f"Bearer {auth.revoked}"},
        "garbage": {"Authorization": "Bearer jamak_0000000000000000_nope"},
        "basic": {"Authorization": "Basic YW5hOmFuYQ=="},
    }[credential]
    response = httpx.get(f"{auth.server.base_url}{path}", headers=headers, timeout=10)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_uploading_without_a_token_is_401_and_makes_no_job(
    auth: AuthServer, tone_wav: Path
) -> None:
    with auth.client(None) as client:
        files = [("file", ("x.wav", tone_wav.read_bytes(), "audio/wav"))]
        assert client.post("/api/jobs", files=files).status_code == 401


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/"])
def test_health_and_the_page_stay_open(auth: AuthServer, path: str) -> None:
    assert httpx.get(f"{auth.server.base_url}{path}", timeout=10).status_code == 200
