"""CloudFormation stacks, deployed and deleted by name: what ``jamak aws deploy`` needs of it.

Creating and updating are one call (:meth:`CloudFormationStacks.deploy`), which waits for
the stack to settle and returns its outputs; an update with nothing to change is not an
error, and a stack left in ROLLBACK_COMPLETE by a failed first create is deleted and
created again, since CloudFormation can't update one.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal, Protocol

from botocore.exceptions import ClientError, WaiterError

from jamak.errors import DeploymentError

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient
    from mypy_boto3_cloudformation.type_defs import ParameterTypeDef, StackTypeDef

log = logging.getLogger(__name__)

Outputs = dict[str, str]
WaiterName = Literal["stack_create_complete", "stack_update_complete", "stack_delete_complete"]


class Stacks(Protocol):
    def deploy(self, name: str, template_body: str, parameters: Mapping[str, str]) -> Outputs: ...

    def outputs(self, name: str) -> Outputs | None:
        """None when the stack does not exist."""
        ...

    def delete(self, name: str) -> None: ...


class CloudFormationStacks:
    def __init__(self, client: CloudFormationClient, *, poll_s: int = 10) -> None:
        self._client = client
        self._delay_s = poll_s

    def deploy(self, name: str, template_body: str, parameters: Mapping[str, str]) -> Outputs:
        status = self._status(name)
        if status == "ROLLBACK_COMPLETE":
            log.info("%s: deleting the failed first attempt", name)
            self.delete(name)
            status = None
        values = _parameters(parameters)
        try:
            if status is None:
                self._client.create_stack(
                    StackName=name,
                    TemplateBody=template_body,
                    Parameters=values,
                    Capabilities=["CAPABILITY_IAM"],
                )
                self._wait("stack_create_complete", name)
            else:
                self._client.update_stack(
                    StackName=name,
                    TemplateBody=template_body,
                    Parameters=values,
                    Capabilities=["CAPABILITY_IAM"],
                )
                self._wait("stack_update_complete", name)
        except ClientError as err:
            if "No updates are to be performed" not in str(err):
                raise DeploymentError(f"{name}: {err}") from err
            log.info("%s: already up to date", name)
        outputs = self.outputs(name)
        assert outputs is not None
        return outputs

    def outputs(self, name: str) -> Outputs | None:
        stack = self._describe(name)
        if stack is None:
            return None
        return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}

    def delete(self, name: str) -> None:
        if self._status(name) is None:
            return
        self._client.delete_stack(StackName=name)
        self._wait("stack_delete_complete", name)

    def _status(self, name: str) -> str | None:
        stack = self._describe(name)
        return None if stack is None else stack["StackStatus"]

    def _describe(self, name: str) -> StackTypeDef | None:
        try:
            stacks = self._client.describe_stacks(StackName=name)["Stacks"]
        except ClientError as err:
            if "does not exist" in str(err):
                return None
            raise
        return stacks[0] if stacks else None

    def _wait(self, waiter: WaiterName, name: str) -> None:
        try:
            # Batch compute environments and IAM roles take minutes; wait up to an hour.
            self._client.get_waiter(waiter).wait(
                StackName=name, WaiterConfig={"Delay": self._delay_s, "MaxAttempts": 360}
            )
        except WaiterError as err:
            raise DeploymentError(f"{name}: {self._reason(name) or err}") from err

    def _reason(self, name: str) -> str | None:
        """The first failure CloudFormation recorded for the stack, for the error message."""
        try:
            events = self._client.describe_stack_events(StackName=name)["StackEvents"]
        except ClientError:
            return None
        failed = [e for e in events if str(e.get("ResourceStatus", "")).endswith("FAILED")]
        if not failed:
            return None
        first = failed[-1]  # events come newest first
        return f"{first.get('LogicalResourceId')}: {first.get('ResourceStatusReason')}"


def _parameters(values: Mapping[str, str]) -> list[ParameterTypeDef]:
    return [{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()]
