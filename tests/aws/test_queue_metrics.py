"""Batch publishes no queue metric, so the scheduled sweeper does: the number of jobs waiting
in the Batch job queue and the age of the oldest, to CloudWatch (moto's, over HTTP), for
the workflow stack's alarms and dashboard. The sweeper runs as Lambda runs it (the real
handler, its settings from the environment). moto's Batch runs a job to its end at once,
so the waiting jobs themselves are injected as Batch's ListJobs answers through botocore's
``before-send`` event, in front of the real client (tests/aws/throttling.py does the same)."""

from __future__ import annotations

import datetime
import json
import time
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse

from jamak.api.lambda_handler import sweep
from jamak.backends.aws import clients
from jamak.backends.aws.queue_metrics import (
    NAMESPACE,
    OLDEST_WAIT_METRIC,
    WAITING_METRIC,
    WAITING_STATUSES,
)
from tests.aws.cfn import template
from tests.aws.moto_support import REGION, aws_settings, moto_session, unique

pytestmark = pytest.mark.aws

PASS_THROUGH = '{"StartAt": "Go", "States": {"Go": {"Type": "Pass", "End": true}}}'


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Any:
        yield self._body


class WaitingJobs:
    """Batch's ListJobs for one queue: ``ages_s`` (seconds since submission) per status,
    one job a page, so the sweeper has to follow nextToken."""

    def __init__(self, now_s: float, ages_s: dict[str, list[float]]) -> None:
        self.now_s, self.ages_s = now_s, ages_s
        self.asked: list[tuple[str, str | None]] = []

    def __call__(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        asked = json.loads(request.body or b"{}")
        status, token = asked["jobStatus"], asked.get("nextToken")
        self.asked.append((status, token))
        ages = self.ages_s.get(status, [])
        index = int(token) if token else 0
        page: dict[str, Any] = {"jobSummaryList": []}
        if index < len(ages):
            page["jobSummaryList"] = [
                {
                    "jobId": f"{status.lower()}-{index}",
                    "jobName": "jamak",
                    "createdAt": int((self.now_s - ages[index]) * 1000),
                    "status": status,
                }
            ]
            if index + 1 < len(ages):
                page["nextToken"] = str(index + 1)
        headers = {"Content-Type": "application/json"}
        return AWSResponse(request.url, 200, headers, _Raw(json.dumps(page).encode()))


def _sweep_environment(
    moto_endpoint: str, monkeypatch: pytest.MonkeyPatch, job_queue_arn: str
) -> None:
    sfn = moto_session().client("stepfunctions", endpoint_url=moto_endpoint)
    machine = sfn.create_state_machine(
        name=unique("jamak-transcribe"),
        definition=PASS_THROUGH,
        roleArn="arn:aws:iam::123456789012:role/jamak-workflow",
    )["stateMachineArn"]
    settings = aws_settings(moto_endpoint)
    for name, value in {
        "JAMAK_AWS_ENDPOINT_URL": moto_endpoint,
        "JAMAK_AWS_REGION": REGION,
        "JAMAK_AWS_TABLE": settings.aws_table,
        "JAMAK_AWS_BUCKET": settings.aws_bucket,
        "JAMAK_AWS_STATE_MACHINE_ARN": machine,
        "JAMAK_AWS_JOB_QUEUE_ARN": job_queue_arn,
    }.items():
        monkeypatch.setenv(name, value)


def _published(moto_endpoint: str, metric: str, queue: str) -> list[float]:
    cloudwatch = moto_session().client("cloudwatch", endpoint_url=moto_endpoint)
    now = datetime.datetime.now(datetime.UTC)
    answer = cloudwatch.get_metric_statistics(
        Namespace=NAMESPACE,
        MetricName=metric,
        Dimensions=[{"Name": "JobQueue", "Value": queue}],
        StartTime=now - datetime.timedelta(minutes=10),
        EndTime=now + datetime.timedelta(minutes=10),
        Period=60,
        Statistics=["Maximum"],
    )
    return [point["Maximum"] for point in answer["Datapoints"]]


def test_the_sweeper_publishes_how_many_jobs_wait_and_for_how_long(
    moto_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue = unique("jamak-queue")
    arn = f"arn:aws:batch:{REGION}:123456789012:job-queue/{queue}"
    _sweep_environment(moto_endpoint, monkeypatch, arn)
    now = time.time()
    waiting = WaitingJobs(now, {"RUNNABLE": [900.0, 60.0], "SUBMITTED": [5.0]})
    real = clients.aws_session

    def session_answering_list_jobs(config: Any) -> boto3.Session:
        session = real(config)
        session.events.register("before-send.batch.ListJobs", waiting)
        return session

    monkeypatch.setattr(clients, "aws_session", session_answering_list_jobs)

    result = sweep({"source": "aws.events"}, None)

    assert result["queue"]["waiting"] == 3
    assert 900.0 <= result["queue"]["oldest_wait_s"] < 960.0
    # Every waiting status asked, and RUNNABLE's second page followed.
    assert {status for status, _ in waiting.asked} == set(WAITING_STATUSES)
    assert ("RUNNABLE", "1") in waiting.asked
    assert _published(moto_endpoint, WAITING_METRIC, queue) == [3.0]
    (oldest,) = _published(moto_endpoint, OLDEST_WAIT_METRIC, queue)
    assert 900.0 <= oldest < 960.0


def test_an_empty_queue_publishes_zeros(
    moto_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A real (moto) queue with nothing waiting in it.
    session = moto_session()
    batch = session.client("batch", endpoint_url=moto_endpoint)
    iam = session.client("iam", endpoint_url=moto_endpoint)
    role = iam.create_role(RoleName=unique("jamak-batch"), AssumeRolePolicyDocument="{}")
    environment = batch.create_compute_environment(
        computeEnvironmentName=unique("jamak-spot"),
        type="UNMANAGED",
        state="ENABLED",
        serviceRole=role["Role"]["Arn"],
    )["computeEnvironmentArn"]
    queue = unique("jamak-queue")
    arn = batch.create_job_queue(
        jobQueueName=queue,
        state="ENABLED",
        priority=1,
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": environment}],
    )["jobQueueArn"]
    _sweep_environment(moto_endpoint, monkeypatch, arn)

    result = sweep({"source": "aws.events"}, None)

    assert result["queue"] == {"waiting": 0, "oldest_wait_s": 0.0}
    assert _published(moto_endpoint, WAITING_METRIC, queue) == [0.0]
    assert _published(moto_endpoint, OLDEST_WAIT_METRIC, queue) == [0.0]


def test_without_a_queue_the_sweeper_publishes_nothing(
    moto_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _sweep_environment(moto_endpoint, monkeypatch, "")
    assert "queue" not in sweep({"source": "aws.events"}, None)


def test_the_workflow_stack_alarms_on_what_the_sweeper_publishes() -> None:
    workflow = template("workflow")
    resources = workflow["Resources"]
    queue_name = {"Fn::Select": [1, {"Fn::Split": ["job-queue/", {"Ref": "JobQueueArn"}]}]}
    depth = resources["QueueDepthAlarm"]["Properties"]
    assert (depth["Namespace"], depth["MetricName"]) == (NAMESPACE, WAITING_METRIC)
    assert depth["Dimensions"] == [{"Name": "JobQueue", "Value": queue_name}]
    assert depth["Threshold"] == {"Ref": "QueueDepthAlarmJobs"}
    waiting = resources["JobsWaitingTooLongAlarm"]["Properties"]
    (stat,) = [m["MetricStat"] for m in waiting["Metrics"] if "MetricStat" in m]
    assert (stat["Metric"]["Namespace"], stat["Metric"]["MetricName"]) == (
        NAMESPACE,
        OLDEST_WAIT_METRIC,
    )
    assert stat["Metric"]["Dimensions"] == [{"Name": "JobQueue", "Value": queue_name}]
    assert waiting["Threshold"] == {"Ref": "QueueWaitAlarmMinutes"}
    # The dashboard draws both figures and shows every alarm.
    body, names = resources["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    assert WAITING_METRIC in body and OLDEST_WAIT_METRIC in body
    for alarm in ("FailedJobsAlarm", "SlowJobsAlarm", "JobsWaitingTooLongAlarm", "QueueDepthAlarm"):
        assert {"Fn::GetAtt": [alarm, "Arn"]} in names.values()
    # Step Functions execution logging and the API's access log are on.
    logging = resources["StateMachine"]["Properties"]["LoggingConfiguration"]
    assert logging["Level"] == "ALL"
    stage = template("api")["Resources"]
    assert any("AccessLogSettings" in r.get("Properties", {}) for r in stage.values())


def test_the_sweeper_may_count_the_queue_and_publish_to_its_namespace_only() -> None:
    api = template("api")["Resources"]
    statements = api["SweeperRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    by_sid = {statement["Sid"]: statement for statement in statements}
    assert by_sid["CountWaitingJobs"]["Action"] == "batch:ListJobs"
    publish = by_sid["PublishQueueMetrics"]
    assert publish["Action"] == "cloudwatch:PutMetricData"
    assert publish["Condition"] == {"StringEquals": {"cloudwatch:namespace": NAMESPACE}}
    variables = api["SweeperFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["JAMAK_AWS_JOB_QUEUE_ARN"] == {"Ref": "JobQueueArn"}
