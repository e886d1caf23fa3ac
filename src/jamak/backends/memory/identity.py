"""An in-memory :class:`~jamak.jobs.identity.IdentityStore` for tests of the layers above."""

from __future__ import annotations

import threading

from jamak.jobs.identity import ApiToken, IdentityError, User


class InMemoryIdentityStore:
    def __init__(self) -> None:
        self._users: dict[str, User] = {}
        self._tokens: dict[str, ApiToken] = {}
        self._lock = threading.Lock()

    def add_user(self, user: User) -> None:
        with self._lock:
            if user.name in self._users:
                raise IdentityError(f"there is already a user {user.name!r}")
            self._users[user.name] = user

    def get_user(self, name: str) -> User | None:
        return self._users.get(name)

    def has_users(self) -> bool:
        return bool(self._users)

    def save_token(self, token: ApiToken) -> None:
        with self._lock:
            self._tokens[token.id] = token

    def get_token(self, token_id: str) -> ApiToken | None:
        return self._tokens.get(token_id)

    def list_tokens(self, *, user: str | None = None) -> tuple[ApiToken, ...]:
        tokens = sorted(self._tokens.values(), key=lambda token: (token.created_at, token.id))
        return tuple(token for token in tokens if user is None or token.user == user)
