"""The deployment files hold what a real account needs: they lint clean (cfn-lint for the
templates; statelint, a Python port of awslabs/statelint, plus moto's ANTLR-based ASL parser
for the state machine), and the properties that matter for cost, safety and recovery are
there. Executing the state machine is tests/aws/test_state_machine.py's business."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jamak.asr.speed import DEFAULT_SPEED, SPEEDS
from tests.aws.cfn import (
    ASL_PATH,
    STACK_ORDER,
    TEMPLATES,
    asl_placeholders,
    resource,
    state_machine_definition,
    template,
)

pytestmark = pytest.mark.aws

BIN = Path(sys.executable).parent
REPO = TEMPLATES.parents[1]


@pytest.mark.parametrize("name", STACK_ORDER)
def test_template_passes_cfn_lint(name: str) -> None:
    run = subprocess.run(
        [str(BIN / "cfn-lint"), str(TEMPLATES / f"{name}.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_every_template_in_deploy_is_one_of_the_stacks() -> None:
    assert sorted(p.stem for p in TEMPLATES.glob("*.yaml")) == sorted(STACK_ORDER)


def test_state_machine_passes_statelint() -> None:
    run = subprocess.run(
        [str(BIN / "statelint"), str(ASL_PATH)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_statelint_does_reject_a_broken_state_machine(tmp_path: Path) -> None:
    # So that the test above means something.
    broken = json.loads(ASL_PATH.read_text())
    broken["States"]["MarkRunning"]["Next"] = "NoSuchState"
    path = tmp_path / "broken.asl.json"
    path.write_text(json.dumps(broken))
    run = subprocess.run([str(BIN / "statelint"), str(path)], capture_output=True, check=False)
    assert run.returncode != 0


def test_state_machine_parses_with_moto_asl_parser() -> None:
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser

    definition = state_machine_definition(
        {
            "JobsTable": "t",
            "JobQueue": "q",
            "JobDefinition": "d",
            "CpuJobQueue": "cq",
            "CpuJobDefinition": "cd",
            "TranscribeTimeoutSeconds": "3600",
            "CapacityWaitMinutes": "10",
        }
    )
    program, _ = AmazonStateLanguageParser.parse(definition)
    assert program is not None


def test_substitutions_cover_every_placeholder_of_the_state_machine() -> None:
    machine = resource("workflow", "StateMachine")["Properties"]
    assert set(machine["DefinitionSubstitutions"]) == asl_placeholders()
    assert machine["StateMachineType"] == "STANDARD"


def _states() -> dict[str, Any]:
    states: dict[str, Any] = json.loads(ASL_PATH.read_text())["States"]
    return states


def test_workflow_marks_running_runs_batch_synchronously_and_catches_everything() -> None:
    definition = json.loads(ASL_PATH.read_text())
    assert definition.get("QueryLanguage", "JSONPath") == "JSONPath"
    states = _states()
    assert definition["StartAt"] == "Limits"
    assert states["Limits"]["Next"] == "MarkRunning"
    assert states["MarkRunning"]["Resource"] == "arn:aws:states:::dynamodb:updateItem"
    assert states["MarkRunning"]["Parameters"]["ConditionExpression"] == "#status = :queued"
    assert states["MarkRunning"]["Next"] == "Plan"
    part = states["Parts"]["ItemProcessor"]["States"]["Part"]
    for name, batch_job in (("Plan", states["Plan"]), ("Part", part), ("Merge", states["Merge"])):
        assert batch_job["Resource"] == "arn:aws:states:::batch:submitJob.sync", name
        assert batch_job["Parameters"]["Parameters"] == {"job_id.$": "$.job_id"}, name
        assert any("Batch.ServerException" in r["ErrorEquals"] for r in batch_job["Retry"])
        assert all("States.ALL" not in r["ErrorEquals"] for r in batch_job["Retry"]), name
        assert batch_job["TimeoutSecondsPath"] == "$.limits.transcribe_timeout_s", name
    # A failed part is retried on its own; the plan and the merge are not (Batch retries
    # their Spot reclaims).
    assert any(r["ErrorEquals"] == ["States.TaskFailed"] for r in part["Retry"])
    for caught in (states["Plan"], states["Parts"], states["Merge"]):
        assert caught["Catch"][-1]["ErrorEquals"] == ["States.ALL"]
        assert caught["Catch"][-1]["Next"] == "MarkFailed"
    assert (
        "#status IN (:queued, :running)"
        in states["MarkFailed"]["Parameters"]["ConditionExpression"]
    )
    assert (
        "$.error.Cause"
        in states["MarkFailed"]["Parameters"]["ExpressionAttributeValues"][":error"]["S.$"]
    )


def test_every_status_write_of_the_workflow_is_conditional() -> None:
    for name, state in _states().items():
        if state.get("Resource", "") == "arn:aws:states:::dynamodb:updateItem":
            assert "ConditionExpression" in state["Parameters"], name
            caught = [e for c in state["Catch"] for e in c["ErrorEquals"]]
            assert "DynamoDB.ConditionalCheckFailedException" in caught, name


def test_worker_job_definition_asks_for_a_gpu_and_retries_only_spot_reclaims() -> None:
    props = resource("batch", "JobDefinition")["Properties"]
    container = props["ContainerProperties"]
    assert container["Command"] == ["jamak", "worker", "run", "Ref::job_id"]
    gpu_branch, cpu_branch = container["ResourceRequirements"]["Fn::If"][1:]
    assert {r["Type"] for r in gpu_branch} == {"VCPU", "MEMORY", "GPU"}
    assert {r["Type"] for r in cpu_branch} == {"VCPU", "MEMORY"}
    assert {"Type": "GPU", "Value": "1"} in gpu_branch
    retry = props["RetryStrategy"]
    assert retry["EvaluateOnExit"] == [
        {"OnStatusReason": "Host EC2*", "Action": "RETRY"},
        {"OnReason": "*", "Action": "EXIT"},
    ]
    assert props["Timeout"]["AttemptDurationSeconds"] == {"Ref": "AttemptTimeoutSeconds"}
    assert template("batch")["Parameters"]["AttemptTimeoutSeconds"]["Default"] > 0
    env = {e["Name"]: e["Value"] for e in container["Environment"]}
    assert env["JAMAK_BACKEND"] == "aws"


def test_compute_environments_scale_to_zero_spot_first_then_on_demand() -> None:
    spot = resource("batch", "SpotEnvironment")["Properties"]["ComputeResources"]
    on_demand = resource("batch", "OnDemandEnvironment")["Properties"]["ComputeResources"]
    assert spot["Type"] == "SPOT" and on_demand["Type"] == "EC2"
    # The warm minimum is the Spot environment's MinvCpus, none unless asked for.
    assert spot["MinvCpus"] == {"Ref": "GpuMinvCpus"} and on_demand["MinvCpus"] == 0
    assert template("batch")["Parameters"]["GpuMinvCpus"]["Default"] == 0
    gpu_types = template("batch")["Parameters"]["GpuInstanceTypes"]["Default"].split(",")
    assert {t.split(".")[0] for t in gpu_types} == {"g4dn", "g5", "g6"}
    assert spot["InstanceTypes"]["Fn::If"][0] == "UseGpu"
    order = resource("batch", "JobQueue")["Properties"]["ComputeEnvironmentOrder"]
    assert [o["ComputeEnvironment"]["Ref"] for o in sorted(order, key=lambda o: o["Order"])] == [
        "SpotEnvironment",
        "OnDemandEnvironment",
    ]
    assert template("batch")["Conditions"]["UseGpu"] == {
        "Fn::Equals": [{"Ref": "CpuOnly"}, "false"]
    }


def test_the_cpu_route_is_fargate_spot_then_fargate_with_its_own_queue() -> None:
    spot = resource("batch", "FargateSpotEnvironment")["Properties"]
    on_demand = resource("batch", "FargateEnvironment")["Properties"]
    assert spot["ComputeResources"]["Type"] == "FARGATE_SPOT"
    assert on_demand["ComputeResources"]["Type"] == "FARGATE"
    for environment in (spot, on_demand):
        assert environment["Type"] == "MANAGED"
        assert environment["ComputeResources"]["Subnets"] == {"Ref": "SubnetIds"}
        assert "MinvCpus" not in environment["ComputeResources"]  # Fargate keeps nothing warm
    order = resource("batch", "CpuJobQueue")["Properties"]["ComputeEnvironmentOrder"]
    assert [o["ComputeEnvironment"]["Ref"] for o in sorted(order, key=lambda o: o["Order"])] == [
        "FargateSpotEnvironment",
        "FargateEnvironment",
    ]
    outputs = template("batch")["Outputs"]
    assert outputs["CpuJobQueueArn"]["Value"] == {"Ref": "CpuJobQueue"}
    assert outputs["CpuJobDefinitionArn"]["Value"] == {"Ref": "CpuJobDefinition"}


def test_the_cpu_job_definition_runs_the_cpu_image_on_fargate_with_sized_storage() -> None:
    props = resource("batch", "CpuJobDefinition")["Properties"]
    gpu = resource("batch", "JobDefinition")["Properties"]
    assert props["PlatformCapabilities"] == ["FARGATE"]
    container = props["ContainerProperties"]
    assert container["Image"] == {
        "Fn::If": ["HasCpuImage", {"Ref": "CpuImageUri"}, {"Ref": "ImageUri"}]
    }
    requirements = {r["Type"]: r["Value"] for r in container["ResourceRequirements"]}
    assert requirements == {"VCPU": {"Ref": "CpuJobVcpus"}, "MEMORY": {"Ref": "CpuJobMemoryMiB"}}
    parameters = template("batch")["Parameters"]
    assert (parameters["CpuJobVcpus"]["Default"], parameters["CpuJobMemoryMiB"]["Default"]) == (
        "4",
        8192,
    )
    assert container["EphemeralStorage"] == {"SizeInGiB": {"Ref": "CpuEphemeralStorageGiB"}}
    storage = parameters["CpuEphemeralStorageGiB"]
    assert (storage["MinValue"], storage["MaxValue"]) == (21, 200)  # Fargate's range
    assert container["NetworkConfiguration"] == {"AssignPublicIp": "ENABLED"}
    assert container["ExecutionRoleArn"] == {"Fn::GetAtt": ["ExecutionRole", "Arn"]}
    execution_role = resource("batch", "ExecutionRole")["Properties"]
    assert "AmazonECSTaskExecutionRolePolicy" in str(execution_role["ManagedPolicyArns"])
    # The same worker: its job role, command, parameters and settings, on CPUs.
    assert container["JobRoleArn"] == gpu["ContainerProperties"]["JobRoleArn"]
    assert container["Command"] == gpu["ContainerProperties"]["Command"]
    assert props["Parameters"] == gpu["Parameters"]
    env = {e["Name"]: e["Value"] for e in container["Environment"]}
    gpu_env = {e["Name"]: e["Value"] for e in gpu["ContainerProperties"]["Environment"]}
    assert env == {**gpu_env, "JAMAK_DEVICE": "cpu"}
    assert props["RetryStrategy"] == {
        "Attempts": {"Ref": "Attempts"},
        "EvaluateOnExit": [
            {"OnStatusReason": "Your Spot Task was interrupted*", "Action": "RETRY"},
            {"OnReason": "*", "Action": "EXIT"},
        ],
    }
    assert props["Timeout"] == gpu["Timeout"]


def test_plan_and_merge_take_the_cpu_route_and_the_parts_the_gpu_route() -> None:
    states = _states()
    part = states["Parts"]["ItemProcessor"]["States"]["Part"]
    for name in ("Plan", "Merge"):
        parameters = states[name]["Parameters"]
        assert (parameters["JobQueue"], parameters["JobDefinition"]) == (
            "${CpuJobQueue}",
            "${CpuJobDefinition}",
        ), name
    assert (part["Parameters"]["JobQueue"], part["Parameters"]["JobDefinition"]) == (
        "${JobQueue}",
        "${JobDefinition}",
    )
    substitutions = resource("workflow", "StateMachine")["Properties"]["DefinitionSubstitutions"]
    assert substitutions["CpuJobQueue"] == {"Ref": "CpuJobQueueArn"}
    assert substitutions["CpuJobDefinition"] == {"Ref": "CpuJobDefinitionArn"}
    # The state machine may submit to both routes, and nowhere else.
    (submit,) = [
        s
        for s in _policy_statements(resource("workflow", "StateMachineRole"))
        if "batch:SubmitJob" in _actions(s)
    ]
    assert submit["Resource"] == [
        {"Ref": "JobQueueArn"},
        {"Ref": "JobDefinitionArn"},
        {"Ref": "CpuJobQueueArn"},
        {"Ref": "CpuJobDefinitionArn"},
    ]


def _policy_statements(role: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for p in role["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]]


def _actions(statement: dict[str, Any]) -> set[str]:
    action = statement["Action"]
    return {action} if isinstance(action, str) else set(action)


def test_state_machine_role_allows_what_batch_sync_needs_and_no_wildcard_actions() -> None:
    statements = _policy_statements(resource("workflow", "StateMachineRole"))
    allowed = set().union(*(_actions(s) for s in statements))
    assert {
        "batch:SubmitJob",
        "batch:DescribeJobs",
        "batch:TerminateJob",
        "events:PutTargets",
        "events:PutRule",
        "events:DescribeRule",
        "dynamodb:UpdateItem",
        "dynamodb:GetItem",
        # Execution logging (deliveries to CloudWatch Logs), as Step Functions documents it.
        "logs:CreateLogDelivery",
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups",
    } == allowed
    (rule,) = [s for s in statements if "events:PutRule" in _actions(s)]
    assert "rule/StepFunctionsGetEventsForBatchJobsRule" in rule["Resource"]["Fn::Sub"]
    assert all("*" not in a for a in allowed)


def test_bucket_is_encrypted_private_and_aborts_abandoned_multipart_uploads() -> None:
    props = resource("foundation", "MediaBucket")["Properties"]
    (encryption,) = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in {"AES256", "aws:kms"}
    assert all(props["PublicAccessBlockConfiguration"].values())
    rules = props["LifecycleConfiguration"]["Rules"]
    (abort,) = [r for r in rules if "AbortIncompleteMultipartUpload" in r]
    assert abort["Status"] == "Enabled"
    assert abort["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] >= 1
    (cors,) = props["CorsConfiguration"]["CorsRules"]
    assert "PUT" in cors["AllowedMethods"] and "ETag" in cors["ExposedHeaders"]


def test_api_function_runs_the_lambda_handler_image_with_the_aws_backend() -> None:
    props = resource("api", "Function")["Properties"]
    assert props["PackageType"] == "Image"
    env = props["Environment"]["Variables"]
    assert env["JAMAK_BACKEND"] == "aws"
    assert env["JAMAK_AWS_STATE_MACHINE_ARN"] == {"Ref": "StateMachineArn"}
    assert env["JAMAK_DATA_DIR"].startswith("/tmp")
    lambda_dockerfile = (ASL_PATH.parents[1] / "Dockerfile.lambda").read_text()
    assert "jamak.api.lambda_handler.handler" in lambda_dockerfile


def test_the_api_stack_chooses_the_speed_of_jobs_that_name_none() -> None:
    """The API resolves a job's speed at submit, so JAMAK_SPEED goes to the API function;
    the parameter offers exactly jamak's speeds, the embedded default by default."""
    speed = template("api")["Parameters"]["Speed"]
    assert speed["AllowedValues"] == list(SPEEDS)
    assert speed["Default"] == DEFAULT_SPEED
    env = resource("api", "Function")["Properties"]["Environment"]["Variables"]
    assert env["JAMAK_SPEED"] == {"Ref": "Speed"}


def test_the_deployed_api_asks_for_sign_in_with_a_shared_session_key() -> None:
    env = resource("api", "Function")["Properties"]["Environment"]["Variables"]
    assert env["JAMAK_AUTH"] == "required"  # closed by default
    assert "resolve:secretsmanager" in str(env["JAMAK_SESSION_SECRET"])
    secret = resource("api", "SessionSecret")["Properties"]
    assert secret["GenerateSecretString"]["PasswordLength"] >= 32


def test_executions_and_api_requests_are_logged_without_payloads_or_tokens() -> None:
    logging = resource("workflow", "StateMachine")["Properties"]["LoggingConfiguration"]
    assert logging["Level"] == "ALL"
    assert logging["IncludeExecutionData"] is False
    access = resource("api", "DefaultStage")["Properties"]["AccessLogSettings"]["Format"]
    assert "$context.status" in access
    assert "authorization" not in access.lower()
    assert "querystring" not in access.lower()


def test_alarms_watch_failed_and_slow_jobs_of_this_state_machine() -> None:
    failed = resource("workflow", "FailedJobsAlarm")["Properties"]
    assert (failed["Namespace"], failed["MetricName"]) == ("AWS/States", "ExecutionsFailed")
    assert failed["Dimensions"][0]["Value"] == {"Ref": "StateMachine"}
    slow = resource("workflow", "SlowJobsAlarm")["Properties"]
    (stat,) = [m["MetricStat"] for m in slow["Metrics"] if "MetricStat" in m]
    assert stat["Metric"]["MetricName"] == "ExecutionTime"
    assert slow["Threshold"] == {"Ref": "JobWaitAlarmMinutes"}
    assert resource("workflow", "Dashboard")["Type"] == "AWS::CloudWatch::Dashboard"


def test_a_scheduled_sweeper_restarts_jobs_whose_workflow_never_started() -> None:
    import importlib

    function = resource("api", "SweeperFunction")["Properties"]
    (command,) = function["ImageConfig"]["Command"]
    module, name = command.rsplit(".", 1)
    assert callable(getattr(importlib.import_module(module), name))
    assert function["Code"] == resource("api", "Function")["Properties"]["Code"]  # same image
    env = function["Environment"]["Variables"]
    assert env["JAMAK_AWS_STATE_MACHINE_ARN"] == {"Ref": "StateMachineArn"}
    schedule = resource("api", "SweeperSchedule")["Properties"]
    assert schedule["ScheduleExpression"].startswith("rate(")
    assert schedule["Targets"][0]["Arn"] == {"Fn::GetAtt": ["SweeperFunction", "Arn"]}
    permission = resource("api", "SweeperPermission")["Properties"]
    assert permission["Principal"] == "events.amazonaws.com"
    allowed = set().union(
        *(_actions(s) for s in _policy_statements(resource("api", "SweeperRole")))
    )
    assert {"states:StartExecution", "states:DescribeExecution", "dynamodb:Query"} <= allowed
    assert all("*" not in a for a in allowed)


def test_a_job_stuck_without_an_instance_times_out_and_fails_saying_so() -> None:
    """Spot reclaims are retried whatever the exit code (the job definition's RetryStrategy,
    asserted above); a job that never gets an instance ends at the timeout of its Batch
    states (plan, each part, merge), which the deploy sets to the capacity wait plus the
    longest Batch lets one Batch job run. A part's timeout fails its Map, caught alike."""
    assert "TranscribeTimeoutSeconds" in json.dumps(_states()["Limits"]["Parameters"])
    part = _states()["Parts"]["ItemProcessor"]["States"]["Part"]
    assert part["TimeoutSecondsPath"] == "$.limits.transcribe_timeout_s"
    assert all("States.Timeout" not in r["ErrorEquals"] for r in part["Retry"])
    for name in ("Plan", "Parts", "Merge"):
        assert _states()[name]["Catch"][0] == {
            "ErrorEquals": ["States.Timeout"],
            "ResultPath": "$.error",
            "Next": "MarkNoCapacity",
        }, name
    no_capacity = _states()["MarkNoCapacity"]["Parameters"]
    message = no_capacity["ExpressionAttributeValues"][":error"]["S"]
    assert message.startswith("no compute capacity was available within ${CapacityWaitMinutes}")
    assert _states()["MarkNoCapacity"]["Next"] == "JobFailed"
    params = template("workflow")["Parameters"]
    batch = template("batch")["Parameters"]
    assert params["TranscribeTimeoutSeconds"]["Default"] == (
        params["CapacityWaitMinutes"]["Default"] * 60
        + batch["Attempts"]["Default"] * batch["AttemptTimeoutSeconds"]["Default"]
    )
    outputs = template("batch")["Outputs"]
    assert outputs["Attempts"]["Value"] == {"Ref": "Attempts"}
    assert outputs["AttemptTimeoutSeconds"]["Value"] == {"Ref": "AttemptTimeoutSeconds"}


CANARY = """
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Canary:
    Type: AWS::SecretsManager::Secret
    Properties:
      GenerateSecretString: {PasswordLength: 32}
"""


def _checkov() -> str:
    """checkov pins boto3 (==1.35.49 in 3.3.30), so `make install-dev` puts it in a virtual
    environment of its own, .venv-iac; JAMAK_CHECKOV may name another one. Missing, the test
    fails and says how to get it: a template check that quietly skips checks nothing."""
    found = (
        os.environ.get("JAMAK_CHECKOV")
        or shutil.which("checkov", path=str(REPO / ".venv-iac" / "bin"))
        or shutil.which("checkov", path=str(BIN))
    )
    if not found:
        pytest.fail("checkov is not installed: run `make install-dev` (or set JAMAK_CHECKOV)")
    return found


def test_templates_pass_checkov_with_every_exception_explained(tmp_path: Path) -> None:
    # One run over copies of the templates and a canary that must fail, so that a checkov
    # that checks nothing (or skips everything) cannot pass this test.
    for path in TEMPLATES.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "canary.yaml").write_text(CANARY)
    run = subprocess.run(
        [_checkov(), "-d", str(tmp_path), "--framework", "cloudformation", "-o", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(run.stdout)
    results = report["results"]
    failed = {(c["file_path"].lstrip("/"), c["check_id"]) for c in results["failed_checks"]}
    assert failed == {("canary.yaml", "CKV_AWS_149")}, failed
    assert report["summary"]["parsing_errors"] == 0
    assert report["summary"]["passed"] > 50
    for check in results["skipped_checks"]:
        reason = check["check_result"]["suppress_comment"]
        assert len(reason) > 20 and reason != "No comment provided", check["check_id"]
