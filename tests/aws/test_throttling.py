"""DynamoDB and S3 throttled or failing, through jamak's real clients and botocore's real
retries (tests/aws/throttling.py injects the answers in front of moto's server).

A few throttled answers are absorbed by the retries; throttling that outlasts them is 503
with Retry-After from the API (job store and identity store alike), never 500; and a worker
(``jamak worker run``, the Batch container's command) whose writes keep failing fails its
job with a message saying why, or, when not even that can be stored, exits non-zero, which
makes the state machine mark the job failed (its Transcribe state's Catch: see
tests/aws/test_state_machine.py, test_batch_failure_marks_the_job_failed_with_the_cause).

Throttling errors back off for real (botocore: up to 1, 2, 4, 8, 16 s between the 6 attempts),
so the tests that exhaust them take a few seconds each.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jamak.backends.aws.clients import dynamodb_client, s3_client
from jamak.backends.aws.objects import S3ObjectStore
from jamak.backends.aws.store import DynamoJobStore
from jamak.bootstrap import aws_config
from jamak.cli import worker as worker_cli
from jamak.cli.main import build_app
from jamak.jobs.keys import media_key
from jamak.jobs.model import Job, JobOptions, JobStatus
from jamak.jobs.recognizers import scripted_recognizers
from jamak.settings import Settings
from tests.aws.live_server import aws_live_server
from tests.aws.throttling import (
    DYNAMODB_THROTTLED,
    DYNAMODB_UNAVAILABLE,
    S3_SLOW_DOWN,
    Throttle,
    throttle,
    throttle_sessions,
)
from tests.integration.api.auth_server import AuthServer, enrol
from tests.integration.api.helpers import assert_error, submit, wait_finished
from tests.support.media import make_tone

pytestmark = [pytest.mark.aws, pytest.mark.timeout(180)]

# clients.py asks botocore for max_attempts=5, which botocore counts as retries: the first
# try and 5 more.
ATTEMPTS = 6


# --- the API ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dynamodb() -> Throttle:
    return throttle(DYNAMODB_THROTTLED)


@pytest.fixture(scope="module")
def api(
    moto_endpoint: str, dynamodb: Throttle, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AuthServer]:
    """An API with sign-in on, so each request reads the identity store, then the job store."""
    scripted = functools.partial(scripted_recognizers, steps=1)
    with pytest.MonkeyPatch.context() as patch:
        throttle_sessions(patch, dynamodb)
        with aws_live_server(
            moto_endpoint,
            recognizer_factory=scripted,
            data_dir=tmp_path_factory.mktemp("aws-throttled"),
            auth="required",
        ) as running:
            assert running.services.identities is not None
            made, revoked = enrol(running.services.identities)
            yield AuthServer(running, made, revoked)


@pytest.fixture
def job_id(api: AuthServer, dynamodb: Throttle, tmp_path: Path) -> Iterator[str]:
    with api.client("ana") as client:
        job = submit(client, make_tone(tmp_path / "tone.wav", 0.5))
        wait_finished(client, job["id"])
    yield job["id"]
    dynamodb.stop()


def test_a_few_throttled_answers_are_absorbed_by_the_retries(
    api: AuthServer, dynamodb: Throttle, job_id: str
) -> None:
    dynamodb.next(3, "GetItem")
    with api.client("ana") as client:
        response = client.get(f"/api/jobs/{job_id}")

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "succeeded"
    assert dynamodb.answered == 3


def test_a_job_store_throttled_past_its_retries_is_503_with_retry_after(
    api: AuthServer, dynamodb: Throttle, job_id: str
) -> None:
    dynamodb.persist("Query")  # listing jobs; the token's GetItem goes through
    with api.client("ana") as client:
        response = client.get("/api/jobs")
        assert_error(response, 503, "busy")
        assert int(response.headers["Retry-After"]) > 0
        assert "DynamoDB" in response.json()["error"]["message"]
        assert dynamodb.answered == ATTEMPTS

        dynamodb.stop()
        assert client.get("/api/jobs").status_code == 200  # back as soon as AWS is


def test_an_identity_store_throttled_past_its_retries_is_503_not_401_or_500(
    api: AuthServer, dynamodb: Throttle, job_id: str
) -> None:
    dynamodb.persist("GetItem")  # the token's lookup, first thing of every request
    with api.client("ana") as client:
        response = client.get(f"/api/jobs/{job_id}")
    assert_error(response, 503, "busy")
    assert int(response.headers["Retry-After"]) > 0
    assert dynamodb.answered == ATTEMPTS


# --- the worker ------------------------------------------------------------------------


@pytest.fixture
def s3() -> Throttle:
    return throttle(S3_SLOW_DOWN)


@pytest.fixture
def failing_dynamodb() -> Throttle:
    return throttle(DYNAMODB_UNAVAILABLE)


@pytest.fixture
def running_job(
    moto_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    s3: Throttle,
    failing_dynamodb: Throttle,
    tmp_path: Path,
) -> Job:
    """A job the state machine marked running, in the environment the Batch container has,
    with the scripted recogniser in place of Whisper (recognition is not on trial here)."""
    for name, value in {
        "JAMAK_BACKEND": "aws",
        "JAMAK_AWS_REGION": moto_settings.aws_region,
        "JAMAK_AWS_ENDPOINT_URL": moto_settings.aws_endpoint_url,
        "JAMAK_AWS_TABLE": moto_settings.aws_table,
        "JAMAK_AWS_BUCKET": moto_settings.aws_bucket,
        "JAMAK_LOG_LEVEL": "WARNING",
    }.items():
        monkeypatch.setenv(name, str(value))
    monkeypatch.setattr(
        worker_cli, "model_registry_recognizers", functools.partial(scripted_recognizers, steps=3)
    )
    throttle_sessions(monkeypatch, s3, failing_dynamodb)
    job = Job(
        id="throttled1",
        owner="ana",
        filename="tone.wav",
        media_key=media_key("throttled1"),
        options=JobOptions(formats=("srt", "txt")),
    )
    objects = S3ObjectStore(s3_client(aws_config(moto_settings)), moto_settings.aws_bucket)
    objects.put_bytes(job.media_key, make_tone(tmp_path / "tone.wav", 1.0).read_bytes())
    _store(moto_settings).add(job)
    return _store(moto_settings).transition(job.id, JobStatus.RUNNING)  # MarkRunning


def _store(settings: Settings) -> DynamoJobStore:
    return DynamoJobStore(dynamodb_client(aws_config(settings)), settings.aws_table)


def _run_worker(job: Job) -> tuple[int, str]:
    result = CliRunner().invoke(build_app(), ["worker", "run", job.id])
    return result.exit_code, result.output


def test_a_worker_rides_out_a_few_slow_downs_from_s3(
    running_job: Job, s3: Throttle, moto_settings: Settings
) -> None:
    s3.next(2, "PutObject")
    code, output = _run_worker(running_job)

    assert code == 0, output
    assert _store(moto_settings).get(running_job.id).status is JobStatus.SUCCEEDED
    assert s3.answered == 2


def test_a_worker_whose_outputs_s3_keeps_refusing_fails_the_job_saying_so(
    running_job: Job, s3: Throttle, moto_settings: Settings
) -> None:
    s3.persist("PutObject")  # every output write
    code, output = _run_worker(running_job)

    assert code == worker_cli.EXIT_FAILED, output
    job = _store(moto_settings).get(running_job.id)
    assert job.status is JobStatus.FAILED
    assert job.error is not None and "S3 is busy (SlowDown)" in job.error
    assert "internal error" not in job.error
    assert s3.answered == ATTEMPTS  # the first output write, retried, then the job failed


def test_a_worker_that_cannot_record_the_outcome_exits_non_zero_for_the_state_machine(
    running_job: Job, failing_dynamodb: Throttle, moto_settings: Settings
) -> None:
    """Every write to the table fails (500 past the retries): progress is skipped, the
    success cannot be stored and neither can the failure. The worker says so and exits
    non-zero, so the job is not left running: the state machine's MarkFailed settles it."""
    failing_dynamodb.persist("UpdateItem")
    code, output = _run_worker(running_job)

    assert code == worker_cli.EXIT_STORE_BUSY, output
    assert f"job {running_job.id} could not be recorded: DynamoDB is busy" in output
    assert "Traceback" not in output
    failing_dynamodb.stop()
    assert _store(moto_settings).get(running_job.id).status is JobStatus.RUNNING
