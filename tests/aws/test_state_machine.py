"""The real state machine (deploy/statemachine), executed by moto's Step Functions
interpreter against moto's DynamoDB and Batch (Batch without Docker: its jobs end at once,
succeeded, or failed when MOTO_SIMPLE_BATCH_FAIL_AFTER is set), all on the shared moto
server. The server runs in this process, so switching execution on is a change to moto's
configuration for the test's duration; the interpreter reaches the server on MOTO_PORT.

The job records are written and read through the real DynamoJobStore, and executions are
started through the real StepFunctionsLauncher, so the table layout, the launcher's input
and the ASL's DynamoDB updates are checked against each other.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest
from moto.core.config import default_user_config

from jamak.backends.aws.launcher import StepFunctionsLauncher, execution_arn
from jamak.backends.aws.store import DynamoJobStore
from jamak.jobs.model import Job, JobStatus
from tests.aws.cfn import resource, state_machine_definition
from tests.aws.moto_support import (
    create_jobs_table,
    moto_session,
    patch_moto_batch_integration,
    unique,
)

pytestmark = pytest.mark.aws


@dataclass
class Workflow:
    store: DynamoJobStore
    launcher: StepFunctionsLauncher
    state_machine_arn: str
    sfn: Any
    batch: Any
    job_queue_arn: str  # the GPU route (parts)
    cpu_job_queue_arn: str  # the CPU route (plan, a short file whole, merge)
    # What make_workflow was given, so a test can deploy another state machine beside it.
    parts: tuple[Any, ...] = ()

    def with_timeout(self, timeout_s: int) -> Workflow:
        """The same table, queue and job definition under a state machine whose Transcribe
        state times out after ``timeout_s``."""
        return make_workflow(*self.parts, timeout_s=timeout_s)

    def run(self, job: Job) -> dict[str, Any]:
        """Launch ``job`` and wait for its execution to end; returns its description."""
        self.launcher.launch(job)
        return self.wait(job.id)

    def wait(self, job_id: str, timeout_s: float = 30.0) -> dict[str, Any]:
        arn = execution_arn(self.state_machine_arn, job_id)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            described: dict[str, Any] = self.sfn.describe_execution(executionArn=arn)
            if described["status"] != "RUNNING":
                return described
            time.sleep(0.05)
        raise AssertionError(f"execution {arn} still running after {timeout_s} s")

    def states_entered(self, job_id: str) -> list[str]:
        arn = execution_arn(self.state_machine_arn, job_id)
        events = self.sfn.get_execution_history(executionArn=arn)["events"]
        return [
            e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e
        ]

    def batch_jobs(self) -> list[dict[str, Any]]:
        ids = [
            summary["jobId"]
            for queue in (self.cpu_job_queue_arn, self.job_queue_arn)
            for status in ("SUCCEEDED", "FAILED")
            for summary in self.batch.list_jobs(jobQueue=queue, jobStatus=status)["jobSummaryList"]
        ]
        return self.batch.describe_jobs(jobs=ids)["jobs"] if ids else []


def _batch_resources(batch: Any, role: str, route: str = "JobDefinition") -> tuple[str, str]:
    """A queue and a job definition shaped like the template's ``route`` (JobDefinition, the
    GPU route, or CpuJobDefinition, Fargate): its command, parameters and platform."""
    environment = batch.create_compute_environment(
        computeEnvironmentName=unique("jamak-spot"),
        type="UNMANAGED",
        state="ENABLED",
        serviceRole=role,
    )["computeEnvironmentArn"]
    queue = batch.create_job_queue(
        jobQueueName=unique("jamak-queue"),
        state="ENABLED",
        priority=1,
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": environment}],
    )["jobQueueArn"]
    props = resource("batch", route)["Properties"]
    container = props["ContainerProperties"]
    definition = batch.register_job_definition(
        jobDefinitionName=unique("jamak-worker"),
        type="container",
        platformCapabilities=props["PlatformCapabilities"],
        parameters=props["Parameters"],
        containerProperties={
            "image": "jamak-worker:test",
            "command": container["Command"],
            "resourceRequirements": [
                {"type": "VCPU", "value": "1"},
                {"type": "MEMORY", "value": "512"},
            ],
        },
    )["jobDefinitionArn"]
    return queue, definition


@pytest.fixture
def workflow(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Workflow:
    monkeypatch.delenv("MOTO_SIMPLE_BATCH_FAIL_AFTER", raising=False)
    monkeypatch.setenv("MOTO_PORT", moto_endpoint.rsplit(":", 1)[1])
    monkeypatch.setitem(default_user_config["stepfunctions"], "execute_state_machine", True)
    monkeypatch.setitem(default_user_config["batch"], "use_docker", False)
    patch_moto_batch_integration(monkeypatch.setattr)
    session = moto_session()
    dynamodb, sfn, batch, iam = (
        session.client(name, endpoint_url=moto_endpoint)
        for name in ("dynamodb", "stepfunctions", "batch", "iam")
    )
    table = unique("jobs")
    create_jobs_table(dynamodb, table)
    role = iam.create_role(RoleName=unique("jamak-role"), AssumeRolePolicyDocument="{}")
    gpu = _batch_resources(batch, role["Role"]["Arn"])
    cpu = _batch_resources(batch, role["Role"]["Arn"], "CpuJobDefinition")
    return make_workflow(dynamodb, sfn, batch, table, gpu, cpu, role["Role"]["Arn"], timeout_s=3600)


def make_workflow(
    dynamodb: Any,
    sfn: Any,
    batch: Any,
    table: str,
    gpu: tuple[str, str],
    cpu: tuple[str, str],
    role_arn: str,
    *,
    timeout_s: int,
) -> Workflow:
    """A state machine from the real definition, with the substitutions a deploy makes:
    ``gpu`` and ``cpu`` are each route's (job queue, job definition)."""
    arn = sfn.create_state_machine(
        name=unique("jamak-transcribe"),
        definition=state_machine_definition(
            {
                "JobsTable": table,
                "JobQueue": gpu[0],
                "JobDefinition": gpu[1],
                "CpuJobQueue": cpu[0],
                "CpuJobDefinition": cpu[1],
                "TranscribeTimeoutSeconds": str(timeout_s),
                "CapacityWaitMinutes": "42",
            }
        ),
        roleArn=role_arn,
        type="STANDARD",
    )["stateMachineArn"]
    return Workflow(
        DynamoJobStore(dynamodb, table),
        StepFunctionsLauncher(sfn, arn),
        arn,
        sfn,
        batch,
        gpu[0],
        cpu[0],
        (dynamodb, sfn, batch, table, gpu, cpu, role_arn),
    )


def _queued_job(store: DynamoJobStore) -> Job:
    job = Job(id=f"job{time.monotonic_ns()}", owner="ana", filename="talk.mp4", media_key="m")
    store.add(job)
    return job


def test_success_marks_running_runs_the_worker_and_marks_succeeded(workflow: Workflow) -> None:
    job = _queued_job(workflow.store)

    execution = workflow.run(job)

    assert execution["status"] == "SUCCEEDED"
    stored = workflow.store.get(job.id)
    assert stored.status is JobStatus.SUCCEEDED
    assert stored.attempts == 1
    assert stored.progress == 100.0
    assert stored.started_at is not None and stored.finished_at is not None
    assert stored.created_at <= stored.started_at + 1 and stored.started_at <= stored.finished_at
    # moto's Batch ends the plan job at once without running it: no parts were planned.
    assert workflow.states_entered(job.id) == [
        "Limits",
        "MarkRunning",
        "Plan",
        "ReadPlan",
        "Split",
        "MarkSucceeded",
        "Done",
    ]
    (batch_job,) = workflow.batch_jobs()
    assert batch_job["parameters"] == {"job_id": job.id}
    assert batch_job["jobName"] == f"jamak-{job.id}-plan"
    assert batch_job["container"]["command"] == ["jamak", "worker", "plan", job.id]
    assert batch_job["jobQueue"] == workflow.cpu_job_queue_arn  # the plan runs on Fargate


def test_batch_failure_marks_the_job_failed_with_the_cause(
    workflow: Workflow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOTO_SIMPLE_BATCH_FAIL_AFTER", "0")
    job = _queued_job(workflow.store)

    execution = workflow.run(job)

    assert execution["status"] == "FAILED"
    assert execution["error"] == "JobFailed"
    stored = workflow.store.get(job.id)
    assert stored.status is JobStatus.FAILED
    assert stored.error is not None
    assert stored.error.startswith("States.TaskFailed: ")
    (batch_job,) = workflow.batch_jobs()
    assert batch_job["jobId"] in stored.error  # the cause is Batch's description of the job
    assert stored.finished_at is not None
    assert workflow.states_entered(job.id)[-2:] == ["MarkFailed", "JobFailed"]


def test_starting_a_job_twice_runs_it_once(workflow: Workflow) -> None:
    job = _queued_job(workflow.store)
    workflow.run(job)

    workflow.launcher.launch(job)  # e.g. the API retried after a timeout

    executions = workflow.sfn.list_executions(stateMachineArn=workflow.state_machine_arn)
    assert [e["name"] for e in executions["executions"]] == [job.id]
    assert len(workflow.batch_jobs()) == 1
    assert workflow.store.get(job.id).attempts == 1


def test_a_job_cancelled_before_it_starts_is_left_alone(workflow: Workflow) -> None:
    job = _queued_job(workflow.store)
    workflow.store.transition(job.id, JobStatus.CANCELLED)

    execution = workflow.run(job)

    assert execution["status"] == "SUCCEEDED"
    assert workflow.states_entered(job.id) == ["Limits", "MarkRunning", "NotQueued"]
    assert workflow.store.get(job.id).status is JobStatus.CANCELLED
    assert workflow.batch_jobs() == []


def test_a_job_the_worker_failed_keeps_the_workers_error(
    workflow: Workflow, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The worker fails the job itself (say, unreadable media) and exits non-zero; the
    # workflow's "mark failed" must not overwrite the worker's clearer message. moto's Batch
    # holds the job for a second before failing it, which is when the "worker" writes.
    monkeypatch.setenv("MOTO_SIMPLE_BATCH_FAIL_AFTER", "1")
    job = _queued_job(workflow.store)
    workflow.launcher.launch(job)
    _wait_for_status(workflow.store, job.id, JobStatus.RUNNING)
    workflow.store.transition(job.id, JobStatus.FAILED, error="not a media file")

    execution = workflow.wait(job.id)

    assert execution["status"] == "SUCCEEDED"
    assert workflow.states_entered(job.id)[-2:] == ["MarkFailed", "AlreadyFinished"]
    assert workflow.store.get(job.id).error == "not a media file"


def _wait_for_status(store: DynamoJobStore, job_id: str, status: JobStatus) -> None:
    deadline = time.monotonic() + 10
    while store.get(job_id).status is not status:
        assert time.monotonic() < deadline, f"job {job_id} never became {status}"
        time.sleep(0.02)


def test_a_job_that_finds_no_instance_in_time_fails_saying_so(
    workflow: Workflow, monkeypatch: pytest.MonkeyPatch
) -> None:
    # moto's Batch holds the job for 5 s (as if RUNNABLE, waiting for an instance); the
    # Transcribe state gives up after 1 s.
    monkeypatch.setenv("MOTO_SIMPLE_BATCH_FAIL_AFTER", "5")
    quick = workflow.with_timeout(1)
    job = _queued_job(quick.store)

    execution = quick.run(job)

    assert execution["status"] == "FAILED"
    assert quick.states_entered(job.id)[-3:] == ["Plan", "MarkNoCapacity", "JobFailed"]
    stored = quick.store.get(job.id)
    assert stored.status is JobStatus.FAILED
    assert stored.error is not None
    assert stored.error.startswith("no compute capacity was available within 42 minutes")
    assert stored.error_kind == "NoCapacity"
    assert stored.finished_at is not None
