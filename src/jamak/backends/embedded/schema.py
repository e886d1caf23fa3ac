"""The SQLite schema of the embedded job store, as numbered migrations.

``PRAGMA user_version`` records how many migrations a database file has had; opening a file
applies the missing ones in one transaction. A new column is a new entry at the end of
:data:`MIGRATIONS`, never an edit of an old one, so existing data directories keep working.
"""

from __future__ import annotations

import sqlite3

from jamak.errors import StorageError

# Each migration is a tuple of statements (sqlite3's executescript would commit on its own).
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        # The job itself is one JSON document (Job.to_dict); the columns beside it are the
        # ones queries filter or sort on, plus the lease, which is the store's, not the job's.
        """
        CREATE TABLE jobs (
            id TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            status TEXT NOT NULL,
            created_at REAL NOT NULL,
            lease_owner TEXT,
            lease_expires_at REAL,
            data TEXT NOT NULL
        )
        """,
        "CREATE INDEX jobs_by_status ON jobs (status, created_at, id)",
        "CREATE INDEX jobs_by_owner ON jobs (owner, created_at, id)",
        "CREATE INDEX jobs_by_created ON jobs (created_at, id)",
        "CREATE INDEX jobs_by_lease ON jobs (status, lease_expires_at)",
    ),
    (
        # Users and their API tokens (jamak.jobs.identity); a token keeps only its secret's
        # SHA-256. Tokens are never deleted, only revoked, so `jamak tokens list` tells the
        # whole story.
        """
        CREATE TABLE users (
            name TEXT PRIMARY KEY,
            admin INTEGER NOT NULL,
            created_at REAL NOT NULL
        )
        """,
        """
        CREATE TABLE tokens (
            id TEXT PRIMARY KEY,
            user TEXT NOT NULL REFERENCES users (name),
            name TEXT NOT NULL,
            secret_sha256 TEXT NOT NULL,
            created_at REAL NOT NULL,
            last_used_at REAL,
            revoked_at REAL
        )
        """,
        "CREATE INDEX tokens_by_user ON tokens (user, created_at, id)",
    ),
    (
        # One user's jobs in one status, newest first: the API's filtered listing and the
        # submit quotas (jamak.jobs.quotas), which count a user's queued and running jobs
        # on every submit and would otherwise walk all of that user's finished ones.
        "CREATE INDEX jobs_by_owner_status ON jobs (owner, status, created_at, id)",
    ),
    (
        # What the claim chooses by (SqliteJobStore.claim): the length the media's header
        # declared at submit, so an express worker takes only short jobs before touching
        # one, and the job a part task belongs to, so the next free worker prefers a job
        # none of whose parts is running yet. Generated from the JSON document, so no
        # write can leave them out of step with it; virtual, so old rows need no rewrite.
        "ALTER TABLE jobs ADD COLUMN declared_s REAL "
        "GENERATED ALWAYS AS (json_extract(data, '$.declared_s')) VIRTUAL",
        "ALTER TABLE jobs ADD COLUMN parent_id TEXT "
        "GENERATED ALWAYS AS (json_extract(data, '$.parent_id')) VIRTUAL",
        "CREATE INDEX jobs_by_parent ON jobs (parent_id, status)",
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)


def migrate(connection: sqlite3.Connection) -> int:
    """Bring the database up to :data:`SCHEMA_VERSION`; returns the version it was at."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        found = int(connection.execute("PRAGMA user_version").fetchone()[0])
        if found > SCHEMA_VERSION:
            raise StorageError(
                f"the job database has schema version {found}, newer than this jamak "
                f"understands ({SCHEMA_VERSION}); upgrade jamak"
            )
        for version in range(found, SCHEMA_VERSION):
            for statement in MIGRATIONS[version]:
                connection.execute(statement)
            # PRAGMA takes no parameters; the value is our own integer.
            connection.execute(f"PRAGMA user_version = {version + 1}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return found
