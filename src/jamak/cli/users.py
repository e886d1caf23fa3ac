"""``jamak users`` and ``jamak tokens``: who may sign in to a server, and with what.

Scripts rely on ``jamak tokens create NAME`` printing the new token alone on the last line
of standard output (everything else goes above it or to standard error), so
``TOKEN=$(jamak tokens create ana | tail -n 1)`` works. The token is shown only then: the
data folder keeps its SHA-256, never the token.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from jamak.bootstrap import build_identity_store
from jamak.cli.startup import DATA_DIR_DEFAULT, build_settings
from jamak.errors import JamakError
from jamak.jobs import tokens
from jamak.jobs.identity import ApiToken, IdentityStore

users_app = typer.Typer(help="Add the people who may sign in.", no_args_is_help=True)
tokens_app = typer.Typer(help="Make, list and revoke API tokens.", no_args_is_help=True)

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="The server's data folder (as jamak serve).",
        show_default=DATA_DIR_DEFAULT,
    ),
]


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
    app.add_typer(tokens_app, name="tokens")


@contextmanager
def _identities(data_dir: Path | None) -> Iterator[IdentityStore]:
    try:
        store = build_identity_store(build_settings(data_dir=data_dir))
    except JamakError as error:
        typer.echo(f"jamak: {error}", err=True)
        raise typer.Exit(1) from None
    try:
        yield store
    except JamakError as error:
        typer.echo(f"jamak: {error}", err=True)
        raise typer.Exit(1) from None
    finally:
        close = getattr(store, "close", None)
        if callable(close):
            close()


@users_app.command("add")
def add_user(
    name: Annotated[str, typer.Argument(help="The user's name; their jobs are filed under it.")],
    admin: Annotated[bool, typer.Option("--admin", help="May see every user's jobs.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Add a user (then give them a token: jamak tokens create NAME)."""
    with _identities(data_dir) as store:
        user = tokens.add_user(store=store, name=name, admin=admin)
    typer.echo(f"added {'admin' if user.admin else 'user'} {user.name}")


@tokens_app.command("create")
def create_token(
    name: Annotated[str, typer.Argument(help="The user the token signs in as.")],
    label: Annotated[str, typer.Option("--label", help="What the token is for.")] = "token",
    data_dir: DataDir = None,
) -> None:
    """Make a token; it is printed once, alone on the last line."""
    with _identities(data_dir) as store:
        record, secret = tokens.create_token(store=store, user=name, name=label)
    typer.echo(f"token {record.id} for {record.user} (shown once; keep it secret):")
    typer.echo(secret)


@tokens_app.command("list")
def list_tokens(
    user: Annotated[str | None, typer.Option("--user", help="Only this user's tokens.")] = None,
    data_dir: DataDir = None,
) -> None:
    """Every token: id, user, label, when made, last used, and whether revoked."""
    with _identities(data_dir) as store:
        records = store.list_tokens(user=user)
    typer.echo("id\tuser\tlabel\tcreated\tlast_used\tstate")
    for record in records:
        typer.echo(_row(record))


@tokens_app.command("revoke")
def revoke_token(
    token_id: Annotated[str, typer.Argument(metavar="ID", help="The id from jamak tokens list.")],
    data_dir: DataDir = None,
) -> None:
    """Revoke a token: it and every web session signed in with it stop working at once."""
    with _identities(data_dir) as store:
        record = tokens.revoke_token(store=store, token_id=token_id)
    typer.echo(f"revoked token {record.id} of {record.user}")


def _row(record: ApiToken) -> str:
    state = "revoked" if record.revoked else "active"
    return "\t".join(
        (
            record.id,
            record.user,
            record.name,
            _when(record.created_at),
            _when(record.last_used_at),
            state,
        )
    )


def _when(timestamp: float | None) -> str:
    if timestamp is None:
        return "-"
    return datetime.datetime.fromtimestamp(timestamp, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
