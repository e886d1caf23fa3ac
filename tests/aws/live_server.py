"""A real jamak API on the AWS backend for tests: uvicorn on loopback, DynamoDB and S3 on
moto's server (over HTTP), and Step Functions + Batch played by a thread.

The launcher starts the real Step Functions execution (so "one execution per job id" holds)
and then does what the Batch container does (``jamak worker run``), ``run_job`` with the
same store, object store, decoding defaults and job limits, in a thread; with no recogniser
factory jobs stay queued, like ``jamak serve --workers 0``. It yields the API suite's own
:class:`LiveServer`, so the API tests run unchanged against this backend.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from jamak.api.app import create_app
from jamak.asr.options import RecognitionOptions
from jamak.backends.aws.launcher import StepFunctionsLauncher
from jamak.bootstrap import build_services, job_limits
from jamak.jobs.limits import JobLimits
from jamak.jobs.model import Job
from jamak.jobs.ports import JobStore, ObjectStore
from jamak.jobs.recognizers import RecognizerFactory, RecognizerProvider
from jamak.jobs.runner import run_job
from jamak.settings import Settings
from tests.aws.moto_support import aws_settings, moto_session
from tests.integration.api.live_server import LiveServer, _wait_until_up, free_port


class ThreadBatchLauncher:
    """StepFunctionsLauncher, plus the Batch worker's part run in a thread."""

    def __init__(
        self,
        launcher: StepFunctionsLauncher,
        *,
        store: JobStore,
        objects: ObjectStore,
        recognizers: RecognizerProvider | None,
        recognition: RecognitionOptions,
        limits: JobLimits,
    ) -> None:
        self._launcher = launcher
        self._store = store
        self._objects = objects
        self._recognizers = recognizers
        self._recognition = recognition
        self._limits = limits
        self._threads: list[threading.Thread] = []

    def launch(self, job: Job) -> None:
        self._launcher.launch(job)
        if self._recognizers is None:
            return
        thread = threading.Thread(target=self._run, args=(job,), name=f"batch-{job.id}")
        self._threads.append(thread)
        thread.start()

    def cancel(self, job: Job) -> None:
        self._launcher.cancel(job)  # the thread sees the cancel at its next progress report

    def close(self) -> None:
        for thread in self._threads:
            thread.join(timeout=30)
        self._launcher.close()

    def _run(self, job: Job) -> None:
        assert self._recognizers is not None
        run_job(
            job,
            store=self._store,
            objects=self._objects,
            recognizers=self._recognizers,
            recognition=self._recognition,
            limits=self._limits,
            progress_interval_s=0.05,
        )


def _state_machine(settings: Settings) -> str:
    """A state machine on moto (not executed there: the thread above does the work)."""
    sfn = moto_session().client("stepfunctions", endpoint_url=settings.aws_endpoint_url)
    definition = '{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}'
    arn: str = sfn.create_state_machine(
        name=settings.aws_table,
        definition=definition,
        roleArn="arn:aws:iam::123456789012:role/jamak-workflow",
    )["stateMachineArn"]
    return arn


@contextmanager
def aws_live_server(
    endpoint_url: str,
    *,
    recognizer_factory: RecognizerFactory | None,
    **overrides: Any,
) -> Iterator[LiveServer]:
    values: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": free_port(),
        "model": "tiny.en",
        "log_level": "WARNING",
        "cpu_threads": 1,
    }
    values.update(overrides)
    settings = aws_settings(endpoint_url, **values)
    settings = settings.model_copy(update={"aws_state_machine_arn": _state_machine(settings)})
    services = build_services(settings)
    assert isinstance(services.launcher, StepFunctionsLauncher)
    recognizers = recognizer_factory(services.recognizer_config) if recognizer_factory else None
    launcher = ThreadBatchLauncher(
        services.launcher,
        store=services.store,
        objects=services.objects,
        recognizers=recognizers,
        recognition=services.recognition,
        limits=job_limits(settings),
    )
    services = dataclasses.replace(
        services, backend=dataclasses.replace(services.backend, launcher=launcher)
    )
    config = uvicorn.Config(
        create_app(services),
        host=settings.host,
        port=settings.port,
        log_level="warning",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-aws", daemon=True)
    thread.start()
    base_url = f"http://{settings.host}:{settings.port}"
    try:
        _wait_until_up(base_url, thread)
        yield LiveServer(base_url, settings, services, None)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        services.close()
        if recognizers is not None:
            recognizers.close()
