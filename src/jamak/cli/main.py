"""Builds the ``jamak`` Typer application from the command modules beside it.

Logging is configured here, at the edge, and nowhere in library code.
"""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from jamak.cli import aws, models, serve, transcribe, users, worker


def build_app() -> typer.Typer:
    app = typer.Typer(
        name="jamak",
        help="jamak (자막): video and audio files to readable subtitles with Whisper.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        # Help text is plain text: Rich markup would take any [word...] in it for a style
        # tag and drop it (a help's "[default: base]" never showed).
        rich_markup_mode=None,
    )
    app.callback()(_options)
    transcribe.register(app)
    models.register(app)
    serve.register(app)
    worker.register(app)
    aws.register(app)
    users.register(app)
    return app


def _options(
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Log what jamak does: the model, its compute type and CPU kernels, "
            "and every piece of text it drops as non-speech.",
        ),
    ] = False,
) -> None:
    """jamak (자막): video and audio files to readable subtitles with Whisper."""
    if verbose:
        logging.getLogger("jamak").setLevel(logging.DEBUG)


def run() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    build_app()()
