"""What every IdentityStore promises, with the token rules of jamak.jobs.tokens over it:
tokens kept only as hashes, found by id, refused once revoked, and users that are unique."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from jamak.backends.embedded import SqliteIdentityStore
from jamak.backends.memory import InMemoryIdentityStore
from jamak.jobs import tokens
from jamak.jobs.identity import IdentityError, IdentityStore
from tests.aws.contract_backends import dynamo_identity_store


@contextmanager
def memory_identity_store(tmp_path: Path) -> Iterator[InMemoryIdentityStore]:
    yield InMemoryIdentityStore()


@contextmanager
def sqlite_identity_store(tmp_path: Path) -> Iterator[SqliteIdentityStore]:
    store = SqliteIdentityStore(tmp_path / "jobs.sqlite3")
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(
    params=[
        pytest.param(memory_identity_store, id="memory"),
        pytest.param(sqlite_identity_store, id="sqlite"),
        pytest.param(dynamo_identity_store, id="dynamodb", marks=pytest.mark.aws),
    ]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    with request.param(tmp_path) as opened:
        yield opened


def test_users_are_unique_and_remember_admin(store: IdentityStore) -> None:
    assert not store.has_users()
    tokens.add_user(store=store, name="ana", admin=True, now=1.0)
    tokens.add_user(store=store, name="bo", admin=False, now=2.0)
    assert store.has_users()
    ana, bo = store.get_user("ana"), store.get_user("bo")
    assert ana is not None and ana.admin and ana.created_at == 1.0
    assert bo is not None and not bo.admin
    assert store.get_user("cy") is None
    with pytest.raises(IdentityError):
        tokens.add_user(store=store, name="ana", admin=False)


def test_bad_user_names_are_refused(store: IdentityStore) -> None:
    for name in ("", "a b", "../x", "x" * 129):
        with pytest.raises(IdentityError):
            tokens.add_user(store=store, name=name, admin=False)


def test_a_token_is_stored_only_as_a_hash_and_authenticates(store: IdentityStore) -> None:
    tokens.add_user(store=store, name="ana", admin=False)
    record, secret = tokens.create_token(store=store, user="ana", name="laptop")
    stored = store.get_token(record.id)
    assert stored == record
    assert secret.startswith(f"jamak_{record.id}_")
    assert secret.split("_", 2)[2] not in repr(stored)
    found = tokens.authenticate(store=store, token=secret)
    assert found is not None and found[0].name == "ana" and found[1].id == record.id


def test_wrong_or_malformed_tokens_are_refused(store: IdentityStore) -> None:
    tokens.add_user(store=store, name="ana", admin=False)
    record, secret = tokens.create_token(store=store, user="ana")
    for guess in (
        "",
        "jamak",
        secret[:-1] + ("A" if secret[-1] != "A" else "B"),
        f"x{secret}",
        f"jamak_{record.id}_",
        f"jamak_nope_{secret.split('_', 2)[2]}",
    ):
        assert tokens.authenticate(store=store, token=guess) is None


def test_last_used_is_recorded(store: IdentityStore) -> None:
    tokens.add_user(store=store, name="ana", admin=False)
    record, secret = tokens.create_token(store=store, user="ana", now=10.0)
    assert record.last_used_at is None
    tokens.authenticate(store=store, token=secret, clock=lambda: 100.0)
    used = store.get_token(record.id)
    assert used is not None and used.last_used_at == 100.0


def test_a_revoked_token_is_refused_and_listed_as_revoked(store: IdentityStore) -> None:
    tokens.add_user(store=store, name="ana", admin=False)
    tokens.add_user(store=store, name="bo", admin=False)
    first, secret = tokens.create_token(store=store, user="ana", now=1.0)
    second, _ = tokens.create_token(store=store, user="bo", now=2.0)
    revoked = tokens.revoke_token(store=store, token_id=first.id, now=5.0)
    assert revoked.revoked and revoked.revoked_at == 5.0
    assert tokens.authenticate(store=store, token=secret) is None
    assert [t.id for t in store.list_tokens()] == [first.id, second.id]
    assert [t.id for t in store.list_tokens(user="bo")] == [second.id]
    assert store.list_tokens()[0].revoked
    with pytest.raises(IdentityError):
        tokens.revoke_token(store=store, token_id="missing")


def test_a_token_needs_a_user(store: IdentityStore) -> None:
    with pytest.raises(IdentityError):
        tokens.create_token(store=store, user="ghost")
