"""``jamak worker``: run the embedded worker pool, or one job in the foreground.

``jamak worker`` starts a pool of worker processes over the local data directory and runs
until SIGTERM or Ctrl-C. ``jamak worker run JOB_ID`` runs one job of the configured backend
and exits; it is the command of the AWS Batch container.

On AWS the exit code is what the state machine sees: 0 means the job's outcome is stored
(its ``MarkSucceeded`` is only a backstop), anything else makes it mark the job failed. So
when the job store stays busy (DynamoDB throttled past every retry) and not even the job's
failure can be written, the worker says so and exits non-zero rather than leaving a job
``running`` that nobody will finish.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
from pathlib import Path
from typing import Annotated

import typer

from jamak.bootstrap import build_services, build_worker_pool, job_limits
from jamak.cli.startup import build_settings
from jamak.errors import BackendBusyError, JobNotFoundError
from jamak.jobs.model import Job, JobStatus
from jamak.jobs.recognizers import model_registry_recognizers
from jamak.jobs.runner import run_job
from jamak.logs import log_context
from jamak.settings import Settings

worker_app = typer.Typer(
    help="Run jobs: a pool of local workers, or one job (`jamak worker run JOB_ID`).",
    no_args_is_help=False,
)

# Exit codes of `jamak worker run`, which AWS Batch reports to the state machine.
EXIT_FAILED = 1
EXIT_NOT_FOUND = 2
EXIT_INTERRUPTED = 3
EXIT_STORE_BUSY = 4  # the outcome could not be stored; the state machine marks the job failed


def register(app: typer.Typer) -> None:
    app.add_typer(worker_app, name="worker")


@worker_app.callback(invoke_without_command=True)
def worker(
    ctx: typer.Context,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-w", help="Worker processes (default: from cores and memory)."),
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Where jobs and files are kept.")
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", help="Model each worker loads at start.")
    ] = None,
) -> None:
    """Run a pool of worker processes until SIGTERM or Ctrl-C."""
    settings = build_settings(data_dir=data_dir, model=model, workers=workers)
    ctx.obj = settings
    if ctx.invoked_subcommand is not None:
        return
    if settings.backend != "embedded":
        raise typer.BadParameter("a worker pool needs JAMAK_BACKEND=embedded")
    stop = _stop_on_signals()
    with build_worker_pool(settings) as pool:
        typer.echo(
            f"jamak worker: {pool.size} worker(s), {pool.threads_per_worker} thread(s) each, "
            f"data in {settings.data_dir}; Ctrl-C to stop",
            err=True,
        )
        while not stop.wait(1.0):
            pass
        typer.echo("jamak worker: stopping (running jobs go back to the queue)", err=True)


@worker_app.command("run")
def run(
    ctx: typer.Context,
    job_id: Annotated[str, typer.Argument(help="The job to run.")],
) -> None:
    """Run one job in the foreground and exit (the AWS Batch container's command)."""
    settings: Settings = ctx.obj
    stop = _stop_on_signals()
    services = build_services(settings)
    recognizers = model_registry_recognizers(services.recognizer_config)
    try:
        job = services.store.get(job_id)
        with log_context(job_id=job.id, user=job.owner):
            result = run_job(
                job,
                store=services.store,
                objects=services.objects,
                recognizers=recognizers,
                worker_id=f"{socket.gethostname()}:{os.getpid()}",
                stop_requested=stop.is_set,
                recognition=services.recognition,
                limits=job_limits(settings),
            )
    except JobNotFoundError as err:
        typer.echo(f"jamak worker: {err}", err=True)
        raise typer.Exit(EXIT_NOT_FOUND) from None
    except BackendBusyError as err:
        typer.echo(f"jamak worker: job {job_id} could not be recorded: {err}", err=True)
        raise typer.Exit(EXIT_STORE_BUSY) from None
    finally:
        recognizers.close()
        services.close()
    typer.echo(_describe(result))
    raise typer.Exit(_exit_code(result))


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda signum, frame: stop.set())
    return stop


def _describe(job: Job) -> str:
    text = f"job {job.id}: {job.status}"
    return f"{text}: {job.error}" if job.error else text


def _exit_code(job: Job) -> int:
    if job.status is JobStatus.FAILED:
        return EXIT_FAILED
    if job.status.is_terminal:
        return 0
    return EXIT_INTERRUPTED
