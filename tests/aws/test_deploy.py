"""``jamak aws deploy`` / ``destroy`` without an account: the CloudFormation adapter against
moto (with a template moto can evaluate: it cannot do Fn::Cidr or Fn::GetAZs, which the real
foundation uses), and the deploy order and wiring with moto's ECR and S3, a recording
docker runner and stacks that answer with the outputs the real templates declare."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from jamak.cli.main import build_app
from jamak.deploy.aws import Deployer, DeployOptions
from jamak.deploy.stacks import CloudFormationStacks, Outputs
from tests.aws.cfn import ASL_PATH, STACK_ORDER, template
from tests.aws.moto_support import REGION, moto_session, unique

pytestmark = pytest.mark.aws

REPO = Path(__file__).resolve().parents[2]

SIMPLE_TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Label: {Type: String}
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
Outputs:
  TableName: {Value: !Ref Table}
  Label: {Value: !Ref Label}
"""


class Aws:
    """Clients on the shared moto server."""

    def __init__(self, endpoint: str) -> None:
        self._endpoint = endpoint

    def client(self, name: str) -> Any:
        return moto_session().client(name, endpoint_url=self._endpoint)  # type: ignore[call-overload]


@pytest.fixture
def aws(moto_endpoint: str) -> Aws:
    return Aws(moto_endpoint)


def test_cloudformation_stacks_create_update_and_delete(aws: Aws) -> None:
    stacks = CloudFormationStacks(aws.client("cloudformation"), poll_s=1)
    name = unique("jamak-test")

    created = stacks.deploy(name, SIMPLE_TEMPLATE, {"Label": "one"})
    unchanged = stacks.deploy(name, SIMPLE_TEMPLATE, {"Label": "one"})

    assert created["Label"] == "one"
    assert unchanged == created
    table = created["TableName"]
    assert table in aws.client("dynamodb").list_tables()["TableNames"]
    stacks.delete(name)
    assert stacks.outputs(name) is None
    stacks.delete(name)  # deleting what is gone is fine


class RecordingStacks:
    """Stacks that remember each deploy and answer with every output the template
    declares, so a parameter wired to an output that does not exist fails the test."""

    def __init__(self, bucket: str, repository: str) -> None:
        self.deployed: list[tuple[str, dict[str, str]]] = []
        self.deleted: list[str] = []
        self._bucket, self._repository = bucket, repository

    def deploy(self, name: str, template_body: str, parameters: Mapping[str, str]) -> Outputs:
        stack = name.rsplit("-", 1)[1]
        declared = template(stack)
        assert set(parameters) <= set(declared["Parameters"]), name
        required = {k for k, v in declared["Parameters"].items() if "Default" not in v}
        assert required <= set(parameters), f"{name} misses {required - set(parameters)}"
        self.deployed.append((name, dict(parameters)))
        return self.outputs(name)

    def outputs(self, name: str) -> Outputs:
        stack = name.rsplit("-", 1)[1]
        values = {key: f"{stack}.{key}" for key in template(stack)["Outputs"]}
        if stack == "foundation":
            values["BucketName"] = self._bucket
            values["RepositoryName"] = self._repository
            values["RepositoryUri"] = f"123456789012.dkr.ecr.{REGION}.amazonaws.com/jamak"
        if stack == "batch":
            values["Attempts"] = "3"
            values["AttemptTimeoutSeconds"] = "14400"
        return values

    def delete(self, name: str) -> None:
        self.deleted.append(name)


class RecordingRunner:
    def __init__(self) -> None:
        self.commands: list[tuple[list[str], str | None]] = []

    def __call__(self, argv: Sequence[str], stdin: str | None) -> None:
        self.commands.append((list(argv), stdin))


@pytest.fixture
def setup(aws: Aws) -> tuple[Deployer, RecordingStacks, RecordingRunner, Any, Any, str, str]:
    s3, ecr = aws.client("s3"), aws.client("ecr")
    bucket, repository = unique("jamak-media"), unique("jamak")
    s3.create_bucket(Bucket=bucket)
    ecr.create_repository(repositoryName=repository)
    stacks, runner = RecordingStacks(bucket, repository), RecordingRunner()
    deployer = Deployer(stacks=stacks, ecr=ecr, s3=s3, run=runner, source_dir=REPO)
    return deployer, stacks, runner, s3, ecr, bucket, repository


def test_deploy_runs_the_stacks_in_order_passing_outputs_on(setup: Any) -> None:
    deployer, stacks, _runner, s3, _, bucket, _ = setup

    deployment = deployer.deploy(DeployOptions(prefix="jk", image_tag="t1", models=("base",)))

    assert [name for name, _ in stacks.deployed] == [f"jk-{s}" for s in STACK_ORDER]
    params = dict(stacks.deployed)
    assert params["jk-batch"]["SubnetIds"] == "foundation.SubnetIds"
    assert params["jk-batch"]["CpuOnly"] == "false"
    assert params["jk-batch"]["ImageUri"].endswith("/jamak:worker-t1")
    assert params["jk-workflow"]["JobQueueArn"] == "batch.JobQueueArn"
    assert params["jk-workflow"]["JobDefinitionArn"] == "batch.JobDefinitionArn"
    # The CPU route (Fargate: plan, short files, merge) beside the GPU one.
    assert params["jk-workflow"]["CpuJobQueueArn"] == "batch.CpuJobQueueArn"
    assert params["jk-workflow"]["CpuJobDefinitionArn"] == "batch.CpuJobDefinitionArn"
    assert params["jk-batch"]["CpuImageUri"].endswith("/jamak:worker-cpu-t1")
    assert params["jk-batch"]["CpuEphemeralStorageGiB"] == "47"
    assert params["jk-batch"]["GpuMinvCpus"] == "0"  # no warm GPU unless asked
    # 60 minutes of waiting for an instance, then 3 attempts of at most 4 hours each.
    assert params["jk-workflow"]["CapacityWaitMinutes"] == "60"
    assert params["jk-workflow"]["TranscribeTimeoutSeconds"] == str(60 * 60 + 3 * 14400)
    assert params["jk-api"]["StateMachineArn"] == "workflow.StateMachineArn"
    assert params["jk-api"]["JobQueueArn"] == "batch.JobQueueArn"  # the sweeper's queue metrics
    assert params["jk-api"]["ImageUri"].endswith("/jamak:api-t1")
    assert params["jk-api"]["JobRetentionDays"] == "foundation.JobRetentionDays"
    # The workers' disks are sized for the largest upload the API takes.
    assert params["jk-api"]["MaxUploadMb"] == "20480"
    assert params["jk-api"]["Speed"] == "balanced"  # jobs that name no speed
    assert params["jk-batch"]["RootVolumeGiB"] == "91"
    assert deployment.api_url == "api.ApiUrl"
    # The state machine definition is uploaded where the workflow stack reads it.
    key = params["jk-workflow"]["DefinitionKey"]
    uploaded = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    assert uploaded == ASL_PATH.read_bytes()
    assert hashlib.sha256(uploaded).hexdigest()[:16] in key


def test_deploy_logs_in_builds_and_pushes_both_images_with_docker(setup: Any) -> None:
    deployer, stacks, runner, *_ = setup

    deployer.deploy(DeployOptions(image_tag="t2", models=("tiny.en", "small")))

    (login, login_stdin), *rest = runner.commands
    assert login[:2] == ["docker", "login"] and login[-1].endswith(".amazonaws.com")
    assert login_stdin  # the ECR token's password goes in on stdin, never on the command line
    assert login_stdin not in " ".join(login)
    verbs = [argv[1] for argv, _ in rest]
    assert verbs == ["build", "push", "build", "push", "build", "push"]
    worker_build, cpu_build, api_build = rest[0][0], rest[2][0], rest[4][0]
    assert str(REPO / "deploy" / "Dockerfile.cuda") in worker_build
    # The CPU worker image for the Fargate route, with the same models baked in.
    assert str(REPO / "deploy" / "Dockerfile") in cpu_build
    assert "MODELS=tiny.en,small" in cpu_build
    assert rest[3][0] == ["docker", "push", dict(stacks.deployed)["jamak-batch"]["CpuImageUri"]]
    assert "MODEL=tiny.en" in worker_build
    # What is baked is what the stacks offer: one list for the image and both stacks.
    assert "MODELS=tiny.en,small" in worker_build
    params = dict(stacks.deployed)
    for stack in ("jamak-batch", "jamak-api"):
        assert params[stack]["OfferedModels"] == "tiny.en,small"
        assert params[stack]["Model"] == "tiny.en"
    assert str(REPO / "deploy" / "Dockerfile.lambda") in api_build
    assert "--provenance=false" in api_build
    assert worker_build[-1] == str(REPO)


def test_cpu_only_deploys_cpu_instances_and_the_cpu_image(setup: Any) -> None:
    deployer, stacks, runner, *_ = setup

    deployer.deploy(DeployOptions(cpu_only=True, image_tag="t3"))

    batch = dict(stacks.deployed)["jamak-batch"]
    assert batch["CpuOnly"] == "true"
    worker_build = runner.commands[1][0]
    assert str(REPO / "deploy" / "Dockerfile") in worker_build
    # One CPU image serves both routes: no CUDA build at all.
    builds = [argv for argv, _ in runner.commands if argv[1] == "build"]
    assert len(builds) == 2 and not any("Dockerfile.cuda" in " ".join(b) for b in builds)
    assert batch["CpuImageUri"] == batch["ImageUri"]


def test_deploy_keeps_gpu_instances_warm_only_when_asked(setup: Any) -> None:
    deployer, stacks, *_ = setup

    deployer.deploy(DeployOptions(gpu_min_vcpus=4, image_tag="t4"))

    assert dict(stacks.deployed)["jamak-batch"]["GpuMinvCpus"] == "4"
    with pytest.raises(ValueError, match="gpu_min_vcpus"):
        DeployOptions(gpu_min_vcpus=-1)


def test_deploy_sets_the_speed_of_jobs_that_name_none(setup: Any) -> None:
    deployer, stacks, *_ = setup

    deployer.deploy(DeployOptions(speed="fast", image_tag="t5"))

    assert dict(stacks.deployed)["jamak-api"]["Speed"] == "fast"
    with pytest.raises(ValueError, match="speed"):
        DeployOptions(speed="turbo")  # type: ignore[arg-type]


def test_deploy_command_refuses_an_unknown_speed() -> None:
    result = CliRunner().invoke(build_app(), ["aws", "deploy", "--region", REGION, "--speed", "x"])
    assert result.exit_code != 0
    unwrapped = " ".join(result.output.replace("│", " ").split())
    assert "fast" in unwrapped and "balanced" in unwrapped and "accurate" in unwrapped


def test_destroy_keeps_the_data_unless_asked(setup: Any) -> None:
    deployer, _, _, s3, _, bucket, _ = setup
    s3.put_object(Bucket=bucket, Key="jobs/1/media", Body=b"x")

    kept = deployer.destroy("jamak", delete_data=False)

    assert kept == ["jamak-api", "jamak-workflow", "jamak-batch"]
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 1


def test_destroy_with_delete_data_empties_bucket_and_repository(setup: Any) -> None:
    deployer, _, _, s3, ecr, bucket, repository = setup
    s3.put_object(Bucket=bucket, Key="jobs/1/media", Body=b"x")
    s3.create_multipart_upload(Bucket=bucket, Key="jobs/2/media")
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"digest": "sha256:" + "0" * 64},
        "layers": [],
    }
    ecr.put_image(
        repositoryName=repository, imageManifest=json.dumps(manifest), imageTag="worker-1"
    )
    assert ecr.list_images(repositoryName=repository)["imageIds"]

    deleted = deployer.destroy("jamak", delete_data=True)

    assert deleted[-1] == "jamak-foundation"
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    assert ecr.list_images(repositoryName=repository)["imageIds"] == []


def test_deploy_command_refuses_a_folder_that_is_not_a_checkout(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        build_app(), ["aws", "deploy", "--region", REGION, "--source-dir", str(tmp_path)]
    )
    assert result.exit_code != 0
    # The message is wrapped at the terminal's width: a long temporary path moves the line
    # breaks (pytest-134 broke it where pytest-9 did not).
    unwrapped = " ".join(result.output.replace("│", " ").split())
    assert "not a jamak checkout" in unwrapped


@pytest.mark.parametrize("flag", ["--models", "--model"])
def test_deploy_command_checks_the_models_it_would_bake(flag: str) -> None:
    """--model (the flag's first name) still works; an unknown model stops the deploy
    before anything is built, naming the models it knows."""
    result = CliRunner().invoke(
        build_app(), ["aws", "deploy", "--region", REGION, flag, "base,no-such-model"]
    )
    assert result.exit_code != 0
    unwrapped = " ".join(result.output.replace("│", " ").split())
    assert "no-such-model" in unwrapped and "known models" in unwrapped
