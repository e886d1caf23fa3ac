"""``jamak users`` / ``jamak tokens`` as scripts use them (the contract of issue 11), and
``jamak serve`` refusing to start with sign-in on and nobody to sign in."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from jamak.api.app import create_app
from jamak.bootstrap import build_services
from tests.integration.api.live_server import free_port, server_settings

TOKEN = re.compile(r"^jamak_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$")


def jamak(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``jamak`` from this checkout (``python -m jamak.cli``, the environment inherited)."""
    command = [sys.executable, "-m", "jamak.cli", *args]
    return subprocess.run(
        command,
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def test_tokens_create_prints_the_token_alone_on_the_last_line(tmp_path: Path) -> None:
    data = str(tmp_path)
    assert jamak("users", "add", "ana", "--admin", "--data-dir", data).returncode == 0
    made = jamak("tokens", "create", "ana", "--data-dir", data)
    assert made.returncode == 0, made.stderr
    token = made.stdout.splitlines()[-1]
    assert TOKEN.match(token), made.stdout
    assert made.stdout.endswith(token + "\n")
    # The data folder keeps a hash, never the token.
    assert token.split("_", 2)[2].encode() not in (tmp_path / "jobs.sqlite3").read_bytes()


def test_list_shows_tokens_and_revoke_makes_them_401(tmp_path: Path) -> None:
    data = str(tmp_path)
    jamak("users", "add", "bo", "--data-dir", data)
    token = jamak("tokens", "create", "bo", "--label", "laptop", "--data-dir", data).stdout
    token = token.splitlines()[-1]
    token_id = token.split("_")[1]
    listed = jamak("tokens", "list", "--data-dir", data).stdout
    assert re.search(rf"^{token_id}\tbo\tlaptop\t\S+\t-\tactive$", listed, re.M), listed

    settings = server_settings(tmp_path, auth="required")
    services = build_services(settings)
    try:
        client = TestClient(create_app(services))
        bearer = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/jobs", headers=bearer).status_code == 200
        revoked = jamak("tokens", "revoke", token_id, "--data-dir", data)
        assert revoked.returncode == 0, revoked.stderr
        assert client.get("/api/jobs", headers=bearer).status_code == 401
    finally:
        services.close()
    listed = jamak("tokens", "list", "--data-dir", data).stdout
    assert re.search(rf"^{token_id}\tbo\tlaptop\t\S+\t\S+\trevoked$", listed, re.M), listed


def test_mistakes_are_one_line_errors(tmp_path: Path) -> None:
    data = str(tmp_path)
    for args in (
        ("tokens", "create", "ghost"),
        ("tokens", "revoke", "nope"),
        ("users", "add", "a b"),
    ):
        result = jamak(*args, "--data-dir", data)
        assert result.returncode == 1
        assert result.stderr.startswith("jamak: ") and "Traceback" not in result.stderr
    jamak("users", "add", "ana", "--data-dir", data)
    assert jamak("users", "add", "ana", "--data-dir", data).returncode == 1


def test_serve_with_sign_in_and_no_user_refuses_and_says_how(tmp_path: Path) -> None:
    result = jamak(
        "serve", "--auth", "--workers", "0", "--port", str(free_port()),
        "--data-dir", str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 2
    assert "jamak users add NAME --admin" in result.stderr
    assert "jamak tokens create NAME" in result.stderr


def test_jamak_auth_required_in_the_environment_turns_sign_in_on(tmp_path: Path) -> None:
    result = jamak(
        "serve", "--workers", "0", "--port", str(free_port()), "--data-dir", str(tmp_path),
        env={"JAMAK_AUTH": "required"},
    )  # fmt: skip
    assert result.returncode == 2
    assert "jamak users add NAME --admin" in result.stderr
