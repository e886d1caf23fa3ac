"""When sign-in is on, and when a server must refuse to start (bootstrap.auth)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from jamak.bootstrap.auth import (
    AuthConfig,
    AuthSetupError,
    auth_required,
    check_can_serve,
    load_or_create_secret,
)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_without_auth_is_single_user(host: str) -> None:
    assert not auth_required(host=host, mode="auto", insecure=False)
    assert auth_required(host=host, mode="required", insecure=False)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.5", "10.0.0.1", "example.com"])
def test_any_other_host_needs_sign_in_unless_insecure(host: str) -> None:
    assert auth_required(host=host, mode="auto", insecure=False)
    assert not auth_required(host=host, mode="auto", insecure=True)
    assert auth_required(host=host, mode="required", insecure=True)


def test_sign_in_with_no_user_refuses_and_says_how_to_add_one() -> None:
    with pytest.raises(AuthSetupError) as refused:
        check_can_serve(auth=AuthConfig(required=True), has_users=False)
    assert "jamak users add NAME --admin" in str(refused.value)
    assert "jamak tokens create NAME" in str(refused.value)
    with pytest.raises(AuthSetupError):
        check_can_serve(auth=AuthConfig(required=True), has_users=None)
    check_can_serve(auth=AuthConfig(required=True), has_users=True)
    check_can_serve(auth=AuthConfig(required=False), has_users=False)


def test_the_session_key_is_made_once_and_private(tmp_path: Path) -> None:
    path = tmp_path / "data" / "session.key"
    first = load_or_create_secret(path)
    assert len(first) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_secret(path) == first


def test_a_shared_session_key_from_the_settings_wins_over_the_file(tmp_path: Path) -> None:
    from jamak.bootstrap.configs import auth_config
    from jamak.settings import Settings

    settings = Settings(_env_file=None, data_dir=tmp_path, auth="required", session_secret="k" * 64)  # type: ignore[call-arg]
    assert auth_config(settings).session_secret == b"k" * 64
    assert not (tmp_path / "session.key").exists()
