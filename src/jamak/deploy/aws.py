"""``jamak aws deploy`` / ``destroy``: the four stacks in order, images built and pushed
between them, each stack's outputs passed on as the next one's parameters.

    foundation (VPC, table, bucket, ECR) -> images -> batch -> workflow -> api

Every side effect goes through something handed in (a :class:`Stacks`, boto3 clients, a
command runner for docker), so the order and the wiring are tested without an account.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jamak.asr.speed import DEFAULT_SPEED, SPEEDS, Speed, is_speed
from jamak.deploy.capacity import CapacityReport
from jamak.deploy.stacks import Outputs, Stacks
from jamak.errors import DeploymentError

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import ObjectIdentifierTypeDef

log = logging.getLogger(__name__)

# Runs one command (argv) with optional text on stdin; raises when it fails.
CommandRunner = Callable[[Sequence[str], str | None], None]
# Reads the account's quotas and the region's offerings for these instance types (GPU ones
# when the flag is true): jamak.deploy.capacity.check_capacity with its clients bound.
CapacityCheck = Callable[[Sequence[str], bool], CapacityReport]

# The batch stack's GpuInstanceTypes and CpuInstanceTypes defaults.
GPU_INSTANCE_TYPES = ("g4dn.xlarge", "g5.xlarge", "g6.xlarge")
CPU_INSTANCE_TYPES = ("c7i.2xlarge", "c6i.2xlarge", "m7i.2xlarge")

STACKS = ("foundation", "batch", "workflow", "api")


@dataclass(frozen=True, slots=True)
class DeployOptions:
    prefix: str = "jamak"  # stack names are "<prefix>-<stack>"
    cpu_only: bool = False  # CPU instances and deploy/Dockerfile instead of GPUs and .cuda
    # Baked into the worker image and the only ones offered; the first is the default.
    models: tuple[str, ...] = ("base",)
    allowed_origins: str = "*"  # comma list: browser origins allowed to upload and call the API
    image_tag: str = "latest"  # a fresh tag per deploy makes CloudFormation roll the images
    # A job waiting this long for an instance (no capacity, a quota too low) fails, saying so.
    capacity_wait_minutes: int = 60
    # The largest upload the API takes (its MaxUploadMb); the workers' disks are sized for it.
    max_upload_mb: int = 20480
    # The worker instance types; empty: GPU_INSTANCE_TYPES, or CPU_INSTANCE_TYPES.
    instance_types: tuple[str, ...] = ()
    # Deploy even where the account's vCPU quotas or the region's offerings fall short.
    skip_quota_check: bool = False
    # vCPUs the Spot GPU environment keeps running with no job (its MinvCpus): 0 scales to
    # zero; 4 keeps one xlarge GPU instance warm, billed around the clock.
    gpu_min_vcpus: int = 0
    # The speed of a job that names none (the API stack's Speed, its JAMAK_SPEED).
    speed: Speed = DEFAULT_SPEED

    def __post_init__(self) -> None:
        if not self.models or any(not name or "," in name for name in self.models):
            raise ValueError(f"models must be one or more model names, not {self.models!r}")
        if not is_speed(self.speed):
            raise ValueError(f"speed must be one of {', '.join(SPEEDS)}, not {self.speed!r}")
        if self.gpu_min_vcpus < 0:
            raise ValueError(f"gpu_min_vcpus must be 0 or more, not {self.gpu_min_vcpus}")

    @property
    def model(self) -> str:
        """The default model for new jobs."""
        return self.models[0]

    @property
    def worker_instance_types(self) -> tuple[str, ...]:
        default = CPU_INSTANCE_TYPES if self.cpu_only else GPU_INSTANCE_TYPES
        return self.instance_types or default

    @property
    def offered_models(self) -> str:
        """The comma list the image's MODELS build argument and the stacks' OfferedModels
        both get, so what is offered is what is baked."""
        return ",".join(dict.fromkeys(self.models))


@dataclass(frozen=True, slots=True)
class Deployment:
    api_url: str
    outputs: dict[str, Outputs]  # per stack


def stack_name(prefix: str, stack: str) -> str:
    return f"{prefix}-{stack}"


def transcribe_timeout_s(options: DeployOptions, batch: Outputs) -> int:
    """The state machine's limit on its Batch task: the capacity wait plus the longest the
    job may run (Batch stops each attempt at AttemptTimeoutSeconds). Batch bounds the
    running, so a task that reaches this limit waited for an instance at least the capacity
    wait. Worked out here because CloudFormation cannot multiply."""
    longest_run_s = int(batch["Attempts"]) * int(batch["AttemptTimeoutSeconds"])
    return options.capacity_wait_minutes * 60 + longest_run_s


# The workers' root volume: the ECS-optimized AL2023 AMIs' own 30 GiB; the worker image,
# compressed layers and unpacked (CUDA ~ 20 GiB, CPU ~ 6 GiB: docs/aws.md); and per job on
# an instance the scratch the worker checks for (JAMAK_SCRATCH_SPACE_FACTOR, 2 x the media
# + 256 MiB). A GPU instance runs one job (one GPU each); a CPU one (8 vCPUs) two of 4.
AMI_ROOT_GIB = 30
IMAGE_GIB = {"gpu": 20, "cpu": 6}
JOBS_PER_INSTANCE = {"gpu": 1, "cpu": 2}
SCRATCH_FACTOR = 2.0
SCRATCH_MARGIN_GIB = 0.25


def _scratch_gib(options: DeployOptions) -> float:
    """One job's scratch for the largest upload: what the worker checks at job start."""
    return options.max_upload_mb / 1024 * SCRATCH_FACTOR + SCRATCH_MARGIN_GIB


def root_volume_gib(options: DeployOptions) -> int:
    """The batch stack's RootVolumeGiB for these options (CloudFormation cannot multiply)."""
    kind = "cpu" if options.cpu_only else "gpu"
    return (
        AMI_ROOT_GIB + IMAGE_GIB[kind] + math.ceil(JOBS_PER_INSTANCE[kind] * _scratch_gib(options))
    )


# Fargate's ephemeral storage per task: the image counts against it (no AMI, one job per
# task), between Fargate's 21 and 200 GiB. Past 200 GiB the worker's own check fails the
# largest uploads, saying so.
FARGATE_STORAGE_GIB = (21, 200)


def fargate_storage_gib(options: DeployOptions) -> int:
    """The batch stack's CpuEphemeralStorageGiB: the CPU image plus one job's scratch."""
    low, high = FARGATE_STORAGE_GIB
    return min(high, max(low, IMAGE_GIB["cpu"] + math.ceil(_scratch_gib(options))))


class Deployer:
    def __init__(
        self,
        *,
        stacks: Stacks,
        ecr: ECRClient,
        s3: S3Client,
        run: CommandRunner,
        source_dir: Path,
        capacity: CapacityCheck | None = None,
    ) -> None:
        self._capacity = capacity
        self._stacks = stacks
        self._ecr = ecr
        self._s3 = s3
        self._run = run
        self._source = source_dir
        self._deploy_dir = source_dir / "deploy"

    def deploy(self, options: DeployOptions) -> Deployment:
        def name(stack: str) -> str:
            return stack_name(options.prefix, stack)

        self.check_capacity(options)
        base = self._deploy_stack(
            name("foundation"), "foundation", AllowedOrigins=options.allowed_origins
        )
        worker_image, cpu_image, api_image = self._push_images(base["RepositoryUri"], options)
        shared = {key: base[key] for key in ("TableName", "TableArn", "BucketName", "BucketArn")}
        batch = self._deploy_stack(
            name("batch"),
            "batch",
            ImageUri=worker_image,
            CpuImageUri=cpu_image,  # the Fargate route: planning, short files, merging
            SubnetIds=base["SubnetIds"],
            SecurityGroupId=base["WorkerSecurityGroupId"],
            CpuOnly="true" if options.cpu_only else "false",
            **{
                "CpuInstanceTypes" if options.cpu_only else "GpuInstanceTypes": ",".join(
                    options.worker_instance_types
                )
            },
            Model=options.model,
            OfferedModels=options.offered_models,
            RootVolumeGiB=str(root_volume_gib(options)),
            CpuEphemeralStorageGiB=str(fargate_storage_gib(options)),
            GpuMinvCpus=str(options.gpu_min_vcpus),
            **shared,
        )
        workflow = self._deploy_stack(
            name("workflow"),
            "workflow",
            DefinitionBucket=base["BucketName"],
            DefinitionKey=self._upload_state_machine(base["BucketName"]),
            TableName=base["TableName"],
            TableArn=base["TableArn"],
            JobQueueArn=batch["JobQueueArn"],
            JobDefinitionArn=batch["JobDefinitionArn"],
            CpuJobQueueArn=batch["CpuJobQueueArn"],
            CpuJobDefinitionArn=batch["CpuJobDefinitionArn"],
            CapacityWaitMinutes=str(options.capacity_wait_minutes),
            TranscribeTimeoutSeconds=str(transcribe_timeout_s(options, batch)),
        )
        api = self._deploy_stack(
            name("api"),
            "api",
            ImageUri=api_image,
            StateMachineArn=workflow["StateMachineArn"],
            JobQueueArn=batch["JobQueueArn"],  # the sweeper publishes its depth
            AllowedOrigins=options.allowed_origins,
            Model=options.model,
            OfferedModels=options.offered_models,
            Speed=options.speed,
            MaxUploadMb=str(options.max_upload_mb),
            # One number for files and records: the bucket's lifecycle rule and the TTL.
            JobRetentionDays=base["JobRetentionDays"],
            **shared,
        )
        outputs = {"foundation": base, "batch": batch, "workflow": workflow, "api": api}
        return Deployment(api_url=api["ApiUrl"], outputs=outputs)

    def check_capacity(self, options: DeployOptions) -> CapacityReport | None:
        """Stop before creating anything where no worker could start: a vCPU quota below
        one worker, or instance types the region does not offer (DeploymentError saying
        what to request). None: not checked (skipped, or no check was handed in)."""
        if self._capacity is None or options.skip_quota_check:
            return None
        report = self._capacity(options.worker_instance_types, not options.cpu_only)
        if not report.ok:
            raise DeploymentError(report.message())
        return report

    def destroy(self, prefix: str, *, delete_data: bool) -> list[str]:
        """Delete the stacks, newest first; returns the names deleted. The foundation (the
        jobs table, the bucket with everyone's media, the images) only with ``delete_data``."""
        deleted = []
        for stack in ("api", "workflow", "batch"):
            self._stacks.delete(stack_name(prefix, stack))
            deleted.append(stack_name(prefix, stack))
        if delete_data:
            base = self._stacks.outputs(stack_name(prefix, "foundation"))
            if base is not None:
                self._empty_bucket(base["BucketName"])
                self._empty_repository(base["RepositoryName"])
                self._stacks.delete(stack_name(prefix, "foundation"))
                deleted.append(stack_name(prefix, "foundation"))
        return deleted

    # --- steps ------------------------------------------------------------------------

    def _deploy_stack(self, name: str, template: str, **parameters: str) -> Outputs:
        log.info("deploying %s", name)
        body = (self._deploy_dir / "cloudformation" / f"{template}.yaml").read_text()
        return self._stacks.deploy(name, body, parameters)

    def _push_images(self, repository_uri: str, options: DeployOptions) -> tuple[str, str, str]:
        """Build and push the worker images and the API (Lambda) image; returns the URIs of
        the worker (GPU route), the CPU worker (Fargate route; the same image with
        ``cpu_only``) and the API."""
        self._docker_login(repository_uri.split("/", 1)[0])
        models = ["--build-arg", f"MODEL={options.model}"]
        models += ["--build-arg", f"MODELS={options.offered_models}"]
        cpu = f"{repository_uri}:worker-cpu-{options.image_tag}"
        if options.cpu_only:
            cpu = worker = f"{repository_uri}:worker-{options.image_tag}"
        else:
            worker = f"{repository_uri}:worker-{options.image_tag}"
            self._build_and_push(worker, "Dockerfile.cuda", *models)
        self._build_and_push(cpu, "Dockerfile", *models)
        api = f"{repository_uri}:api-{options.image_tag}"
        # Lambda takes only single-platform Docker v2 manifests: no provenance attestation.
        self._build_and_push(api, "Dockerfile.lambda", "--provenance=false")
        return worker, cpu, api

    def _docker_login(self, registry: str) -> None:
        token = self._ecr.get_authorization_token()["authorizationData"][0]["authorizationToken"]
        user, password = base64.b64decode(token).decode().split(":", 1)
        self._run(["docker", "login", "--username", user, "--password-stdin", registry], password)

    def _build_and_push(self, image: str, dockerfile: str, *extra: str) -> None:
        build = ["docker", "build", "--platform", "linux/amd64"]
        build += ["-f", str(self._deploy_dir / dockerfile), *extra, "-t", image, str(self._source)]
        self._run(build, None)
        self._run(["docker", "push", image], None)

    def _upload_state_machine(self, bucket: str) -> str:
        """Put the ASL file where the workflow stack reads it; the key carries its hash, so
        a changed definition is a changed parameter and CloudFormation updates the machine."""
        body = (self._deploy_dir / "statemachine" / "transcribe.asl.json").read_bytes()
        key = f"deploy/statemachine/transcribe-{hashlib.sha256(body).hexdigest()[:16]}.asl.json"
        self._s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType="application/json")
        return key

    def _empty_bucket(self, bucket: str) -> None:
        pages = self._s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        for page in pages:
            keys: list[ObjectIdentifierTypeDef] = [
                {"Key": obj["Key"]} for obj in page.get("Contents", [])
            ]
            if keys:
                self._s3.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
        uploads = self._s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
        for upload in uploads:
            self._s3.abort_multipart_upload(
                Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"]
            )

    def _empty_repository(self, repository: str) -> None:
        images = self._ecr.list_images(repositoryName=repository).get("imageIds", [])
        if images:
            self._ecr.batch_delete_image(repositoryName=repository, imageIds=images)
