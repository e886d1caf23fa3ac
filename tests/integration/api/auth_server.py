"""A live server with sign-in on, and its users: ``ana`` and ``bo`` (users) and ``root``
(an admin), each with a token, and one revoked token of ana's."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from jamak.backends.embedded import SqliteIdentityStore
from jamak.bootstrap import embedded_config
from jamak.jobs import tokens
from jamak.jobs.identity import IdentityStore
from jamak.jobs.recognizers import scripted_recognizers
from tests.integration.api.live_server import LiveServer, live_server, server_settings

USERS = {"ana": False, "bo": False, "root": True}


@dataclass
class AuthServer:
    server: LiveServer
    tokens: dict[str, str]  # user -> token
    revoked: str  # a token of ana's, revoked

    def client(self, user: str | None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[user]}"} if user else {}
        return httpx.Client(base_url=self.server.base_url, headers=headers, timeout=30.0)


def enrol(store: IdentityStore) -> tuple[dict[str, str], str]:
    """USERS, a token each, and a revoked token of ana's."""
    made = {}
    for name, admin in USERS.items():
        tokens.add_user(store=store, name=name, admin=admin)
        made[name] = tokens.create_token(store=store, user=name, name="tests")[1]
    old, revoked = tokens.create_token(store=store, user="ana", name="old")
    tokens.revoke_token(store=store, token_id=old.id)
    return made, revoked


def add_users(data_dir: Path) -> tuple[dict[str, str], str]:
    store = SqliteIdentityStore(embedded_config(server_settings(data_dir)).db_path)
    try:
        return enrol(store)
    finally:
        store.close()


@contextmanager
def auth_server(data_dir: Path, *, workers: int = 1) -> Iterator[AuthServer]:
    overrides: dict[str, object] = {"auth": "required", "max_upload_mb": 2}
    made, revoked = add_users(data_dir)
    settings = server_settings(data_dir, **overrides)
    factory = functools.partial(scripted_recognizers, steps=2, seconds_per_step=0.05)
    with live_server(settings, workers=workers, recognizer_factory=factory) as running:
        yield AuthServer(running, made, revoked)
