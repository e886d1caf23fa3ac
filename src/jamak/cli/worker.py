"""``jamak worker``: run the embedded worker pool, or one job in the foreground.

``jamak worker`` starts a pool of worker processes over the local data directory and runs
until SIGTERM or Ctrl-C. ``jamak worker run JOB_ID`` runs one job of the configured backend
and exits; it is the command of the AWS Batch container. A long job on AWS runs as steps
(jamak.jobs.parts): ``jamak worker plan JOB_ID``, then ``jamak worker run JOB_ID --part N``
for each part (side by side), then ``jamak worker merge JOB_ID``.

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
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from jamak.asr.heap import keep_freed_memory
from jamak.bootstrap import build_services, build_worker_pool, job_limits
from jamak.cli.startup import DATA_DIR_DEFAULT, WORKERS_DEFAULT, build_settings, env_default
from jamak.errors import BackendBusyError, JobNotFoundError
from jamak.jobs.model import Job, JobStatus
from jamak.jobs.parts import merge_job, plan_job, run_part
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
        typer.Option("--workers", "-w", help="Worker processes.", show_default=WORKERS_DEFAULT),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir", help="Where jobs and files are kept.", show_default=DATA_DIR_DEFAULT
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model", help="Model each worker loads at start.", show_default=env_default("model")
        ),
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
            f"{pool.express_size} express worker(s) for short jobs, "
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
    part: Annotated[
        int | None,
        typer.Option("--part", help="Only this part of a split job (after `worker plan`)."),
    ] = None,
) -> None:
    """Run one job in the foreground and exit (the AWS Batch container's command); with
    --part, recognise one part of a job that `jamak worker plan` split."""
    if part is None:
        _step(ctx.obj, job_id, "job", run_job)
        return

    def one_part(job: Job, **steps: Any) -> Job:
        return run_part(job, part, **steps)

    _step(ctx.obj, job_id, f"part {part}", one_part, part=True)


@worker_app.command("plan")
def plan(
    ctx: typer.Context,
    job_id: Annotated[str, typer.Argument(help="The job to plan.")],
) -> None:
    """Split a long job into parts (stored for `worker run --part` and `worker merge`); a
    file too short to split is transcribed whole, here."""
    _step(ctx.obj, job_id, "plan", plan_job, split=True)


@worker_app.command("merge")
def merge(
    ctx: typer.Context,
    job_id: Annotated[str, typer.Argument(help="The split job to finish.")],
) -> None:
    """Join a split job's parts into its subtitles and mark it succeeded."""

    def merged(job: Job, *, store: Any, objects: Any, **_: Any) -> Job:
        return merge_job(job, store=store, objects=objects)

    _step(ctx.obj, job_id, "merge", merged)


def _step(
    settings: Settings,
    job_id: str,
    what: str,
    step: Callable[..., Job],
    *,
    part: bool = False,
    split: bool = False,
) -> None:
    """Run one step of ``job_id`` with the configured backend and exit with its code."""
    keep_freed_memory()  # first: before any other thread has an arena; one job, alone
    stop = _stop_on_signals()
    services = build_services(settings)
    recognizers = model_registry_recognizers(services.recognizer_config)
    try:
        job = services.store.get(job_id)
        with log_context(job_id=job.id, user=job.owner):
            result = step(
                job,
                store=services.store,
                objects=services.objects,
                recognizers=recognizers,
                stop_requested=stop.is_set,
                recognition=services.recognition,
                limits=job_limits(settings),
                worker_id=f"{socket.gethostname()}:{os.getpid()}",
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
    typer.echo(f"{what}: {_describe(result)}")
    raise typer.Exit(step_exit_code(result, step_done=part or (split and result.parts > 1)))


def step_exit_code(job: Job, *, step_done: bool = False) -> int:
    """The exit code Batch reports: 0 when the job's outcome is stored, or when this step
    did its share of a job that goes on (a part, a plan with parts to run)."""
    if job.status is JobStatus.RUNNING and step_done:
        return 0
    return _exit_code(job)


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        return stop  # signals reach the main thread only (a test running a step in a thread)
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
