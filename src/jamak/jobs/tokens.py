"""Use cases over an :class:`~jamak.jobs.identity.IdentityStore`: add users, make, check and
revoke tokens.

A token reads ``jamak_<id>_<secret>``: the id (64 random bits, public, shown by
``jamak tokens list``) finds the record directly, then the secret's SHA-256 is compared with
the stored one in constant time, so neither a lookup nor a comparison leaks how close a
guess was. ``last_used_at`` is written at most once a minute per token, so a busy script
does not turn every read into a database write.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable

from jamak.jobs.identity import USER_NAME, ApiToken, IdentityError, IdentityStore, User

PREFIX = "jamak"
TOUCH_EVERY_S = 60.0


def add_user(*, store: IdentityStore, name: str, admin: bool, now: float | None = None) -> User:
    if not USER_NAME.match(name):
        raise IdentityError(
            f"{name!r} is not a user name: letters, digits and _.@+- only, at most 128"
        )
    user = User(name=name, admin=admin, created_at=time.time() if now is None else now)
    store.add_user(user)
    return user


def create_token(
    *, store: IdentityStore, user: str, name: str = "token", now: float | None = None
) -> tuple[ApiToken, str]:
    """A new token for ``user``: its record, and the token itself (shown once, never kept)."""
    if store.get_user(user) is None:
        raise IdentityError(f"no user {user!r}; add one with: jamak users add {user}")
    token_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    record = ApiToken(
        id=token_id,
        user=user,
        name=name,
        secret_sha256=_digest(secret),
        created_at=time.time() if now is None else now,
    )
    store.save_token(record)
    return record, f"{PREFIX}_{token_id}_{secret}"


def authenticate(
    *, store: IdentityStore, token: str, clock: Callable[[], float] = time.time
) -> tuple[User, ApiToken] | None:
    """The user a token stands for, or None for anything not a live token of a user."""
    prefix, _, rest = token.partition("_")
    token_id, _, secret = rest.partition("_")
    if prefix != PREFIX or not token_id or not secret:
        return None
    record = store.get_token(token_id)
    if record is None or not hmac.compare_digest(record.secret_sha256, _digest(secret)):
        return None
    user = active_user(store=store, token=record)
    if user is None:
        return None
    now = clock()
    if record.last_used_at is None or now - record.last_used_at >= TOUCH_EVERY_S:
        record = record.used(now)
        store.save_token(record)
    return user, record


def active_user(*, store: IdentityStore, token: ApiToken) -> User | None:
    """The token's user while the token is not revoked (sessions re-check this per request)."""
    if token.revoked:
        return None
    return store.get_user(token.user)


def revoke_token(*, store: IdentityStore, token_id: str, now: float | None = None) -> ApiToken:
    record = store.get_token(token_id)
    if record is None:
        raise IdentityError(f"no token {token_id!r}; see: jamak tokens list")
    revoked = record.revoke(time.time() if now is None else now)
    store.save_token(revoked)
    return revoked


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
