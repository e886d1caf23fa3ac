"""``jamak serve``: the REST API and web app, with a local worker pool beside them.

Flags override ``JAMAK_*`` settings. ``--workers 0`` serves the API alone, so API and
workers (``jamak worker``) can run as separate processes, or on separate machines sharing
the data folder. Ctrl-C or SIGTERM stops uvicorn first (no new requests; open streams get a
few seconds), then the workers, whose running jobs go back to the queue.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer
import uvicorn
from uvicorn.config import LOGGING_CONFIG

from jamak.api.app import create_app
from jamak.api.metrics import count_workers
from jamak.bootstrap import (
    AuthSetupError,
    auth_config,
    build_retention_sweeper,
    build_services,
    build_worker_pool,
    check_can_serve,
)
from jamak.cli.startup import DATA_DIR_DEFAULT, WORKERS_DEFAULT, build_settings, env_default
from jamak.jobs.recognizers import RecognizerFactory, model_registry_recognizers
from jamak.settings import Settings

if TYPE_CHECKING:
    from jamak.backends.embedded.pool import WorkerPool

logger = logging.getLogger(__name__)

# Seconds uvicorn waits for open requests (SSE streams, long polls) before closing them.
GRACEFUL_SHUTDOWN_S = 5


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: Annotated[
        str | None,
        typer.Option("--host", help="Address to listen on.", show_default=env_default("host")),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option("--port", help="Port to listen on.", show_default=env_default("port")),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            "-w",
            min=0,
            help="Worker processes beside the API (0: API only).",
            show_default=WORKERS_DEFAULT,
        ),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir", help="Where jobs and files are kept.", show_default=DATA_DIR_DEFAULT
        ),
    ] = None,
    auth: Annotated[
        bool, typer.Option("--auth", help="Ask for sign-in (a token), even on loopback.")
    ] = False,
    insecure: Annotated[
        bool,
        typer.Option("--insecure", help="Serve a non-loopback --host without sign-in."),
    ] = False,
) -> None:
    """Serve the REST API and the web app (open http://HOST:PORT/ in a browser)."""
    settings = build_settings(
        host=host,
        port=port,
        data_dir=data_dir,
        workers=workers or None,
        auth="required" if auth else None,
        insecure=insecure or None,
    )
    sign_in = "sign-in required" if auth_config(settings).required else "no sign-in, one user"
    typer.echo(f"jamak: serving on http://{settings.host}:{settings.port}/ ({sign_in})", err=True)
    try:
        run_server(settings, start_workers=workers != 0)
    except AuthSetupError as error:
        typer.echo(f"jamak: {error}", err=True)
        raise typer.Exit(2) from None


def run_server(
    settings: Settings,
    *,
    start_workers: bool = True,
    recognizer_factory: RecognizerFactory = model_registry_recognizers,
) -> None:
    """Run until interrupted: services, then workers, then uvicorn; stopped in reverse."""
    services = build_services(settings)
    try:
        identities = services.identities
        check_can_serve(
            auth=services.auth, has_users=identities.has_users() if identities else None
        )
    except AuthSetupError:
        services.close()
        raise
    pool = _worker_pool(settings, recognizer_factory) if start_workers else None
    retention = build_retention_sweeper(settings, services)
    try:
        if pool is not None:
            pool.start()
        if retention is not None:
            retention.start()
        app = create_app(services)
        if pool is not None:
            count_workers(app, lambda: len(pool.pids()))
        config = uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            log_level=settings.log_level.lower(),
            # JSON: uvicorn's loggers go through the root handler (jamak.logs) too.
            log_config=None if settings.log_format == "json" else LOGGING_CONFIG,
            # jamak.api.request_log writes the line per request, with the route and the user.
            access_log=False,
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
        )
        server = uvicorn.Server(config)
        with _settle_signals(server):
            server.run()
    finally:
        if retention is not None:
            retention.stop()
        if pool is not None:
            pool.stop()
        services.close()


@contextmanager
def _settle_signals(server: uvicorn.Server) -> Iterator[None]:
    """Handlers for SIGINT and SIGTERM around uvicorn's own.

    After a graceful shutdown uvicorn puts back the handlers it found and raises the signal
    that stopped it again; with Python's defaults that kills the process (SIGTERM) or raises
    KeyboardInterrupt (SIGINT) before the workers are stopped. These handlers let that echo
    pass, so shutdown carries on in order; a signal before uvicorn has started still stops
    at once.
    """

    def handle(signum: int, frame: FrameType | None) -> None:
        if not server.started:
            raise KeyboardInterrupt
        logger.debug("uvicorn stopped on signal %d; stopping the workers", signum)

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _worker_pool(settings: Settings, recognizer_factory: RecognizerFactory) -> WorkerPool | None:
    if settings.backend != "embedded":
        logger.info("the %s backend runs its own workers; serving the API only", settings.backend)
        return None
    return build_worker_pool(settings, recognizer_factory=recognizer_factory)
