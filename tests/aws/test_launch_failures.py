"""A job whose workflow could not be started is failed with the reason, never left queued;
and the sweeper starts again (or fails) the queued jobs whose start was lost. All against
moto's Step Functions, DynamoDB and S3 on the shared server, with the real launcher and
store; a start fails the way it does on a real account when the state machine's ARN is
wrong (StateMachineDoesNotExist)."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from jamak.api.app import create_app
from jamak.api.lambda_handler import sweep
from jamak.backends.aws.launcher import StepFunctionsLauncher, execution_arn
from jamak.backends.aws.store import DynamoJobStore
from jamak.bootstrap import build_services
from jamak.errors import JobLaunchError
from jamak.jobs.model import Job, JobStatus
from jamak.jobs.service import LAUNCH_FAILED, register_uploaded_job, restart_stalled_jobs
from jamak.settings import Settings
from tests.aws.moto_support import REGION, aws_settings, moto_session, unique

pytestmark = pytest.mark.aws

MINUTE = 60.0
MISSING_MACHINE = f"arn:aws:states:{REGION}:123456789012:stateMachine:no-such-machine"
PASS_THROUGH = '{"StartAt": "Go", "States": {"Go": {"Type": "Pass", "End": true}}}'


class Aws:
    def __init__(self, settings: Settings, state_machine_arn: str) -> None:
        session = moto_session()
        self.settings = settings
        self.sfn: Any = session.client("stepfunctions", endpoint_url=settings.aws_endpoint_url)
        dynamodb: Any = session.client("dynamodb", endpoint_url=settings.aws_endpoint_url)
        self.store = DynamoJobStore(dynamodb, settings.aws_table)
        self.state_machine_arn = state_machine_arn

    def launcher(self, arn: str | None = None) -> StepFunctionsLauncher:
        return StepFunctionsLauncher(self.sfn, arn or self.state_machine_arn)

    def executions(self, job_id: str) -> list[str]:
        listed = self.sfn.list_executions(stateMachineArn=self.state_machine_arn)["executions"]
        return [e["executionArn"] for e in listed if e["name"] == job_id]


@pytest.fixture
def aws(moto_endpoint: str) -> Aws:
    # Executions are recorded, not run (moto's default): whether one exists is the point.
    sfn = moto_session().client("stepfunctions", endpoint_url=moto_endpoint)
    arn = sfn.create_state_machine(
        name=unique("jamak-transcribe"),
        definition=PASS_THROUGH,
        roleArn="arn:aws:iam::123456789012:role/jamak-workflow",
    )["stateMachineArn"]
    return Aws(aws_settings(moto_endpoint, aws_state_machine_arn=arn), arn)


def _job(*, age_s: float = 0.0) -> Job:
    job_id = unique("job")
    return Job(
        id=job_id,
        owner="ana",
        filename="talk.mp4",
        media_key=f"jobs/{job_id}/media",
        created_at=time.time() - age_s,
        updated_at=time.time() - age_s,
    )


def test_a_job_whose_start_fails_is_failed_with_the_reason(aws: Aws) -> None:
    job = _job()

    with pytest.raises(JobLaunchError, match="could not be started"):
        register_uploaded_job(store=aws.store, launcher=aws.launcher(MISSING_MACHINE), job=job)

    stored = aws.store.get(job.id)
    assert stored.status is JobStatus.FAILED
    assert stored.error is not None and "StateMachineDoesNotExist" in stored.error
    assert stored.error_kind == LAUNCH_FAILED
    assert stored.finished_at is not None


def test_the_api_answers_503_and_the_job_reads_failed(aws: Aws) -> None:
    settings = aws.settings.model_copy(update={"aws_state_machine_arn": MISSING_MACHINE})
    services = build_services(settings)
    try:
        with TestClient(create_app(services)) as api:
            ticket = api.post("/api/uploads", json={"filename": "a.wav", "size_bytes": 4})
            assert ticket.status_code == 201, ticket.text
            job_id = ticket.json()["job_id"]
            assert httpx.put(ticket.json()["url"], content=b"RIFF").status_code == 200

            completed = api.post(f"/api/uploads/{job_id}/complete")
            again = api.post(f"/api/uploads/{job_id}/complete")
            shown = api.get(f"/api/jobs/{job_id}").json()
    finally:
        services.close()

    assert completed.status_code == 503
    assert completed.json()["error"]["code"] == "launch_failed"
    assert again.status_code in {200, 201} and again.json()["status"] == "failed"
    assert shown["status"] == "failed"
    assert "could not be started" in shown["error"]


def test_the_sweeper_restarts_old_queued_jobs_with_no_execution_only(aws: Aws) -> None:
    lost, fresh, started = _job(age_s=20 * MINUTE), _job(), _job(age_s=20 * MINUTE)
    for job in (lost, fresh, started):
        aws.store.add(job)  # recorded; the start was lost (no execution)
    aws.launcher().launch(started)

    handled = restart_stalled_jobs(
        store=aws.store, launcher=aws.launcher(), older_than_s=10 * MINUTE, now=time.time()
    )

    assert [job.id for job in handled] == [lost.id]
    assert aws.executions(lost.id) == [execution_arn(aws.state_machine_arn, lost.id)]
    assert aws.executions(fresh.id) == []  # the API call that recorded it may still start it
    assert len(aws.executions(started.id)) == 1
    assert aws.launcher().is_started(lost) and not aws.launcher().is_started(fresh)


def test_the_sweeper_fails_a_job_it_cannot_start_either(aws: Aws) -> None:
    lost = _job(age_s=20 * MINUTE)
    aws.store.add(lost)

    (handled,) = restart_stalled_jobs(
        store=aws.store,
        launcher=aws.launcher(MISSING_MACHINE),
        older_than_s=10 * MINUTE,
        now=time.time(),
    )

    assert handled.id == lost.id and handled.status is JobStatus.FAILED
    assert aws.store.get(lost.id).error_kind == LAUNCH_FAILED
    # Failed, it is not queued any more: the next sweep leaves it alone.
    assert lost.id not in {
        job.id
        for job in restart_stalled_jobs(
            store=aws.store,
            launcher=aws.launcher(MISSING_MACHINE),
            older_than_s=10 * MINUTE,
            now=time.time(),
        )
    }


def test_the_scheduled_lambda_handler_sweeps_the_configured_table(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    lost = _job(age_s=20 * MINUTE)
    aws.store.add(lost)
    settings = aws.settings
    for name, value in {
        "JAMAK_AWS_ENDPOINT_URL": settings.aws_endpoint_url,
        "JAMAK_AWS_REGION": REGION,
        "JAMAK_AWS_TABLE": settings.aws_table,
        "JAMAK_AWS_BUCKET": settings.aws_bucket,
        "JAMAK_AWS_STATE_MACHINE_ARN": aws.state_machine_arn,
    }.items():
        monkeypatch.setenv(name, str(value))

    result = sweep({"source": "aws.events"}, None)

    assert lost.id in result["restarted"] and result["failed"] == []
    assert aws.executions(lost.id) == [execution_arn(aws.state_machine_arn, lost.id)]
