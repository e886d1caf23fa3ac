"""Builds the ``jamak`` Typer application from the command modules beside it.

Logging is configured here, at the edge, and nowhere in library code.
"""

from __future__ import annotations

import logging

import typer

from jamak.cli import aws, models, serve, transcribe, worker


def build_app() -> typer.Typer:
    app = typer.Typer(
        name="jamak",
        help="jamak (자막): video and audio files to readable subtitles with Whisper.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    transcribe.register(app)
    models.register(app)
    serve.register(app)
    worker.register(app)
    aws.register(app)
    return app


def run() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    build_app()()
