"""The web app's session: sign in with a token, a cookie that scripts cannot read and other
sites cannot send, CSRF proof on every change made with it, and sign-out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from jamak.api.app import create_app
from jamak.bootstrap import Services, build_services
from jamak.jobs import tokens
from tests.integration.api.live_server import server_settings


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    built = build_services(server_settings(tmp_path, auth="required"))
    try:
        yield built
    finally:
        built.close()


@pytest.fixture
def token(services: Services) -> str:
    assert services.identities is not None
    tokens.add_user(store=services.identities, name="ana", admin=False)
    return tokens.create_token(store=services.identities, user="ana")[1]


def sign_in(client: TestClient, token: str) -> str:
    response = client.post("/api/session", json={"token": token})
    assert response.status_code == 200, response.text
    csrf: str = response.json()["csrf"]
    return csrf


def test_sign_in_sets_a_signed_http_only_strict_cookie(services: Services, token: str) -> None:
    client = TestClient(create_app(services))
    response = client.post("/api/session", json={"token": token})
    assert response.status_code == 200
    assert response.json()["user"] == "ana"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/" in cookie
    assert "secure" not in cookie  # plain http on loopback; see jamak.api.auth
    assert token not in response.headers["set-cookie"]
    assert client.get("/api/session").json()["user"] == "ana"
    assert client.get("/api/jobs").status_code == 200


def test_over_https_the_cookie_is_secure(services: Services, token: str) -> None:
    client = TestClient(create_app(services), base_url="https://testserver")
    response = client.post("/api/session", json={"token": token})
    assert "secure" in response.headers["set-cookie"].lower()


def test_a_wrong_token_or_another_origin_signs_nobody_in(services: Services, token: str) -> None:
    client = TestClient(create_app(services))
    assert client.post("/api/session", json={"token": token + "x"}).status_code == 401
    evil = {"Origin": "https://evil.example"}
    assert client.post("/api/session", json={"token": token}, headers=evil).status_code == 403
    assert "set-cookie" not in client.post("/api/session", json={"token": "x"}).headers
    assert client.get("/api/jobs").status_code == 401


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/jobs/abc/cancel"),
        ("DELETE", "/api/jobs/abc"),
        ("POST", "/api/jobs"),
        ("DELETE", "/api/session"),
    ],
)
@pytest.mark.parametrize("proof", [None, "wrong"])
def test_a_cookie_change_without_csrf_proof_is_refused(
    services: Services, token: str, method: str, path: str, proof: str | None
) -> None:
    client = TestClient(create_app(services))
    sign_in(client, token)
    headers = {"X-Jamak-CSRF": proof} if proof else {}
    response = client.request(method, path, headers=headers)
    assert response.status_code == 403, response.text
    assert client.get("/api/session").status_code == 200  # still signed in: nothing happened


def test_with_csrf_proof_changes_go_through_and_sign_out_ends_the_session(
    services: Services, token: str
) -> None:
    client = TestClient(create_app(services))
    csrf = sign_in(client, token)
    proof = {"X-Jamak-CSRF": csrf}
    assert client.post("/api/jobs/abc/cancel", headers=proof).status_code == 404
    assert client.delete("/api/session", headers=proof).status_code == 204
    assert client.get("/api/session").status_code == 401


def test_revoking_the_token_ends_its_sessions(services: Services, token: str) -> None:
    client = TestClient(create_app(services))
    sign_in(client, token)
    assert services.identities is not None
    tokens.revoke_token(store=services.identities, token_id=token.split("_")[1])
    assert client.get("/api/jobs").status_code == 401


def test_a_forged_cookie_is_not_a_session(services: Services, token: str) -> None:
    client = TestClient(create_app(services))
    sign_in(client, token)
    value = client.cookies["jamak_session"]
    forged = value[:-2] + ("AA" if value[-2:] != "AA" else "BB")
    stranger = TestClient(create_app(services))
    for cookie in (forged, value.replace(value.split(".")[0], "e30")):  # e30: "{}"
        response = stranger.get("/api/session", headers={"Cookie": f"jamak_session={cookie}"})
        assert response.status_code == 401
    assert stranger.get("/api/session", headers={"Cookie": f"jamak_session={value}"}).is_success
