"""``jamak models``: what is installed, what can be fetched, and fetching it."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from jamak.bootstrap import build_model_registry
from jamak.errors import JamakError
from jamak.settings import Settings

models_app = typer.Typer(help="List and install Whisper models.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(models_app, name="models")


@models_app.command("list")
def list_models() -> None:
    """Every known model: installed, installable offline (from PyPI), or downloadable."""
    registry = build_model_registry(Settings())
    table = Table("name", "languages", "size", "state", "source")
    for row in registry.listing():
        table.add_row(
            row.name,
            "multilingual" if row.multilingual else "English",
            f"~{row.approx_mb} MB",
            row.state,
            row.origin,
        )
    Console().print(table)
    Console().print(f"model folder: {registry.model_dir}")


@models_app.command("pull")
def pull(
    name: Annotated[str, typer.Argument(help="A model name from `jamak models list`.")],
) -> None:
    """Install a model now, so later runs work offline."""
    console = Console(stderr=True)
    registry = build_model_registry(Settings())
    try:
        with console.status(f"installing {name}..."):
            path = registry.pull(name)
    except JamakError as err:
        console.print(f"[red]error:[/] {err}")
        raise typer.Exit(2) from err
    Console().print(f"{name}: installed in {path}")
