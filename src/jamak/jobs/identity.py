"""Who may use a deployment: users, their API tokens, and the port that keeps them.

A token is shown once, when it is made, and stored only as the SHA-256 of its secret part:
someone who reads the database (a backup, a stolen disk) learns who has tokens, not a way
to use them. The secret is 256 random bits, so a plain hash is enough (no slow KDF is
needed for a secret nobody chose). The store lives in the job store's backend, the same
SQLite file on the embedded backend, so one data folder is one deployment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Protocol

from jamak.errors import JamakError

# The same shape as a job's owner label: it is what jobs are filed under.
USER_NAME = re.compile(r"^[\w.@+-]{1,128}$")


class IdentityError(JamakError):
    """A user or token that cannot be made or found as asked."""


@dataclass(frozen=True, slots=True)
class User:
    name: str
    admin: bool
    created_at: float


@dataclass(frozen=True, slots=True)
class ApiToken:
    """A token's record; ``secret_sha256`` is all that is kept of its secret."""

    id: str  # public; also the token's prefix, so a lookup needs no scan
    user: str
    name: str  # a label its owner chose ("laptop", "ci")
    secret_sha256: str  # hex
    created_at: float
    last_used_at: float | None = None
    revoked_at: float | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def used(self, now: float) -> ApiToken:
        return replace(self, last_used_at=now)

    def revoke(self, now: float) -> ApiToken:
        return self if self.revoked else replace(self, revoked_at=now)


class IdentityStore(Protocol):
    """Users and token records. Adapters store; :mod:`jamak.jobs.tokens` decides."""

    def add_user(self, user: User) -> None:
        """Raises :class:`IdentityError` if the name is taken."""
        ...

    def get_user(self, name: str) -> User | None: ...

    def has_users(self) -> bool: ...

    def save_token(self, token: ApiToken) -> None:
        """Insert or replace the record with ``token.id``."""
        ...

    def get_token(self, token_id: str) -> ApiToken | None: ...

    def list_tokens(self, *, user: str | None = None) -> tuple[ApiToken, ...]:
        """Oldest first; every user's when ``user`` is None."""
        ...
