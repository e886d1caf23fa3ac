"""Users and API tokens in the embedded backend's SQLite file, in tables of their own.

The same file as the jobs (one data folder is one deployment, backed up as one), opened
through its own connections, and brought to the same schema version by the same
migrations, so ``jamak users add`` works on a data folder no server has opened yet.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from jamak.backends.embedded.connections import SqliteConnections, translate_errors
from jamak.backends.embedded.schema import migrate
from jamak.jobs.identity import ApiToken, IdentityError, User

_TOKEN_COLUMNS = "id, user, name, secret_sha256, created_at, last_used_at, revoked_at"


class SqliteIdentityStore:
    def __init__(self, path: Path, *, busy_timeout_s: float = 30.0) -> None:
        self._path = Path(path)
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._connections = SqliteConnections(self._path, busy_timeout_s=busy_timeout_s)
        migrate(self._connection())

    @translate_errors
    def add_user(self, user: User) -> None:
        try:
            self._connection().execute(
                "INSERT INTO users (name, admin, created_at) VALUES (?, ?, ?)",
                (user.name, int(user.admin), user.created_at),
            )
        except sqlite3.IntegrityError:
            raise IdentityError(f"there is already a user {user.name!r}") from None

    @translate_errors
    def get_user(self, name: str) -> User | None:
        row = (
            self._connection()
            .execute("SELECT name, admin, created_at FROM users WHERE name = ?", (name,))
            .fetchone()
        )
        return None if row is None else User(name=row[0], admin=bool(row[1]), created_at=row[2])

    @translate_errors
    def has_users(self) -> bool:
        return self._connection().execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None

    @translate_errors
    def save_token(self, token: ApiToken) -> None:
        self._connection().execute(
            f"INSERT OR REPLACE INTO tokens ({_TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                token.id,
                token.user,
                token.name,
                token.secret_sha256,
                token.created_at,
                token.last_used_at,
                token.revoked_at,
            ),
        )

    @translate_errors
    def get_token(self, token_id: str) -> ApiToken | None:
        row = (
            self._connection()
            .execute(f"SELECT {_TOKEN_COLUMNS} FROM tokens WHERE id = ?", (token_id,))
            .fetchone()
        )
        return None if row is None else ApiToken(*row)

    @translate_errors
    def list_tokens(self, *, user: str | None = None) -> tuple[ApiToken, ...]:
        where, params = ("WHERE user = ?", (user,)) if user is not None else ("", ())
        rows = (
            self._connection()
            .execute(f"SELECT {_TOKEN_COLUMNS} FROM tokens {where} ORDER BY created_at, id", params)
            .fetchall()
        )
        return tuple(ApiToken(*row) for row in rows)

    def close(self) -> None:
        """Close every connection this store opened, in any thread."""
        self._connections.close()

    def _connection(self) -> sqlite3.Connection:
        return self._connections.get()
