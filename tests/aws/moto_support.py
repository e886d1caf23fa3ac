"""moto for the AWS tests: a real HTTP server on loopback, fresh resources per test, and the
one moto bug the state machine tests have to step around."""

from __future__ import annotations

import atexit
import logging
import socket
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import boto3
import botocore.session
from botocore import xform_name

from jamak.settings import Settings
from tests.aws.cfn import jobs_table_definition, jobs_table_ttl

REGION = "us-east-1"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def moto_server() -> Iterator[str]:
    """moto's server mode in a thread; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    _expose_etag_to_browsers()
    # werkzeug logs each request to the stderr it finds first, which under pytest is a
    # capture that is closed by the time a later test's request comes ("Logging error").
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def _expose_etag_to_browsers() -> None:
    """moto answers browsers with one global CORS policy (flask-cors) that hides the ETag
    header, where the real bucket's CORS rule (deploy/cloudformation/foundation.yaml)
    exposes it for multipart uploads. Test code only: the web app's multipart path reads it."""
    from flask_cors import core

    core.DEFAULT_OPTIONS["expose_headers"] = ["ETag"]


_shared_lock = threading.Lock()
_shared_endpoint: list[str] = []


def shared_endpoint() -> str:
    """One moto server for the whole test process, started on first use: the contract
    suite's factories take no fixtures, and a server per test would be slow."""
    with _shared_lock:
        if not _shared_endpoint:
            context = moto_server()
            _shared_endpoint.append(context.__enter__())
            atexit.register(context.__exit__, None, None, None)
        return _shared_endpoint[0]


def moto_session() -> boto3.Session:
    """A session with moto's dummy credentials, whatever the environment holds."""
    return boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
    )


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def create_jobs_table(client: Any, name: str) -> None:
    client.create_table(**jobs_table_definition(name))
    client.update_time_to_live(TableName=name, TimeToLiveSpecification=jobs_table_ttl())


def aws_settings(endpoint_url: str, **overrides: Any) -> Settings:
    """Settings for a fresh table and bucket on the moto server, both created here."""
    # Suites share one server per session and send many requests as one user within a
    # minute: the API rate limit is off unless a test asks for it.
    overrides = {"rate_limit_per_minute": 0, **overrides}
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        backend="aws",
        aws_region=REGION,
        aws_endpoint_url=endpoint_url,
        aws_table=unique("jobs"),
        aws_bucket=unique("media"),
        **overrides,
    )
    session = moto_session()
    create_jobs_table(session.client("dynamodb", endpoint_url=endpoint_url), settings.aws_table)
    session.client("s3", endpoint_url=endpoint_url).create_bucket(Bucket=settings.aws_bucket)
    return settings


def set_fake_credentials(setenv: Any, values: Mapping[str, str] = FAKE_CREDENTIALS) -> None:
    for name, value in values.items():
        setenv(name, value)


# --- moto 5.2 Step Functions -> Batch ------------------------------------------------------
# Work-around for getmoto/moto#10076, in test code only: moto's port of the Step Functions
# interpreter leaves StateTaskService._normalise_parameters/_normalise_response as no-ops,
# so a Batch task's Parameters reach boto3 in Step Functions' PascalCase ("JobName",
# "Parameters") instead of Batch's camelCase ("jobName", "parameters") and are dropped, and
# the answer is never mapped back ("JobId"). These two functions restore what AWS does,
# from botocore's own service model, for the Batch integration only.


def _batch_operation(task: Any, service_action_name: str | None) -> Any:
    model = botocore.session.get_session().get_service_model("batch")
    wanted = xform_name(service_action_name or task.resource.api_action)
    for name in model.operation_names:
        if xform_name(name) == wanted:
            return model.operation_model(name)
    raise KeyError(wanted)


def _normalise_batch_parameters(
    self: Any,
    parameters: dict[str, Any],
    boto_service_name: Any = None,
    service_action_name: Any = None,
) -> None:
    shape = _batch_operation(self, service_action_name).input_shape
    if shape is not None:
        self._to_boto_request(parameters, shape)


def _normalise_batch_response(
    self: Any, response: Any, boto_service_name: Any = None, service_action_name: Any = None
) -> None:
    shape = _batch_operation(self, service_action_name).output_shape
    if shape is not None:
        self._from_boto_response(response, shape)


# A second moto 5.2 work-around: a ``.sync`` task gets one callback endpoint per state
# evaluation, and the first attempt closes it when it ends; a Retry then waits on the closed
# endpoint, which answers at once as if the task had timed out (States.Timeout). AWS runs
# each retry attempt as a fresh task. Each attempt gets a fresh endpoint here.


def _fresh_endpoint_per_attempt(original: Any) -> Any:
    from moto.stepfunctions.parser.asl.eval.callback.callback import CallbackEndpoint

    def evaluate(self: Any, env: Any, *args: Any, **kwargs: Any) -> Any:
        token = env.states.context_object.context_object_data.get("Task", {}).get("Token")
        if token is not None:
            env.callback_pool_manager._pool[token] = CallbackEndpoint(callback_id=token)
        return original(self, env, *args, **kwargs)

    return evaluate


def patch_moto_batch_integration(setattr_: Any) -> None:
    """Apply the work-arounds with ``monkeypatch.setattr`` (undone after the test)."""
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service_batch as batch_task,
    )

    setattr_(batch_task.StateTaskServiceBatch, "_normalise_parameters", _normalise_batch_parameters)
    setattr_(
        batch_task.StateTaskServiceBatch,
        "_eval_integration_pattern",
        _fresh_endpoint_per_attempt(batch_task.StateTaskServiceBatch._eval_integration_pattern),
    )
    setattr_(batch_task.StateTaskServiceBatch, "_normalise_response", _normalise_batch_response)
