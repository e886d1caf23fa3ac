"""Starts one Step Functions execution per job, named after the job id.

The name makes starting idempotent: Step Functions refuses a second execution of the same
name (``ExecutionAlreadyExists``), so a retried API call or a double click can never run a
job twice. Cancelling stops the execution, and Step Functions then terminates the Batch
job it is waiting on (the ``.sync`` integration does that).
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from jamak.errors import LauncherNotConfiguredError
from jamak.jobs.model import Job

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions import SFNClient

log = logging.getLogger(__name__)


def execution_arn(state_machine_arn: str, job_id: str) -> str:
    """arn:aws:states:R:A:stateMachine:NAME -> arn:aws:states:R:A:execution:NAME:JOB_ID."""
    prefix, name = state_machine_arn.rsplit(":stateMachine:", 1)
    return f"{prefix}:execution:{name}:{job_id}"


def execution_input(job: Job) -> str:
    """What the workflow needs: only the id; everything else it reads from the table."""
    return json.dumps({"job_id": job.id})


class StepFunctionsLauncher:
    def __init__(self, client: SFNClient, state_machine_arn: str | None) -> None:
        self._client = client
        self._state_machine_arn = state_machine_arn

    def launch(self, job: Job) -> None:
        try:
            self._client.start_execution(
                stateMachineArn=self._arn(), name=job.id, input=execution_input(job)
            )
        except self._client.exceptions.ExecutionAlreadyExists:
            log.info("job %s already has an execution; not starting another", job.id)

    def is_started(self, job: Job) -> bool:
        """Whether the job's execution exists (in any state): the sweeper restarts only jobs
        whose start was lost, never one whose execution is merely slow."""
        try:
            self._client.describe_execution(executionArn=execution_arn(self._arn(), job.id))
        except self._client.exceptions.ExecutionDoesNotExist:
            return False
        return True

    def cancel(self, job: Job) -> None:
        try:
            self._client.stop_execution(
                executionArn=execution_arn(self._arn(), job.id), cause="cancelled by the user"
            )
        except self._client.exceptions.ExecutionDoesNotExist:
            log.info("job %s has no execution to stop", job.id)
        except ClientError as err:
            # Stopping an execution that already finished is not an error for a cancel.
            if err.response.get("Error", {}).get("Code") != "ValidationException":
                raise
            log.info("job %s: execution not stopped: %s", job.id, err)

    def close(self) -> None:
        self._client.close()

    def _arn(self) -> str:
        if not self._state_machine_arn:
            raise LauncherNotConfiguredError(
                "JAMAK_AWS_STATE_MACHINE_ARN is not set, so jobs cannot be started"
            )
        return self._state_machine_arn
