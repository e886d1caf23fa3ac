"""The workers' disk: a gp3 root volume sized for the image plus the largest allowed upload
(the batch stack's launch template, on both compute environments), worked out by the deploy
command from the same upload limit the API enforces and the same factor the worker checks."""

from __future__ import annotations

import pytest

from jamak.bootstrap import job_limits
from jamak.bootstrap.configs import AWS_SCRATCH_FACTOR
from jamak.deploy import aws as deploy
from jamak.deploy.aws import DeployOptions, fargate_storage_gib, root_volume_gib
from jamak.settings import Settings
from tests.aws.cfn import template

pytestmark = pytest.mark.aws


def test_both_compute_environments_launch_with_the_sized_gp3_root_volume() -> None:
    batch = template("batch")
    data = batch["Resources"]["WorkerLaunchTemplate"]["Properties"]["LaunchTemplateData"]
    (root,) = data["BlockDeviceMappings"]
    assert root["DeviceName"] == "/dev/xvda"
    assert root["Ebs"] == {
        "VolumeType": "gp3",
        "VolumeSize": {"Ref": "RootVolumeGiB"},
        "Encrypted": True,
        "DeleteOnTermination": True,
    }
    assert data["MetadataOptions"]["HttpTokens"] == "required"
    for environment in ("SpotEnvironment", "OnDemandEnvironment"):
        resources = batch["Resources"][environment]["Properties"]["ComputeResources"]
        assert resources["LaunchTemplate"] == {
            "LaunchTemplateId": {"Ref": "WorkerLaunchTemplate"},
            "Version": {"Fn::GetAtt": ["WorkerLaunchTemplate", "LatestVersionNumber"]},
        }
    # The Fargate route has no launch template: its tasks' ephemeral storage is sized instead.
    storage = batch["Resources"]["CpuJobDefinition"]["Properties"]["ContainerProperties"]
    assert storage["EphemeralStorage"] == {"SizeInGiB": {"Ref": "CpuEphemeralStorageGiB"}}


def test_the_volume_holds_the_image_and_the_largest_upload_twice() -> None:
    gpu = DeployOptions()
    # The template's default is what the deploy command passes for its defaults.
    assert template("batch")["Parameters"]["RootVolumeGiB"]["Default"] == root_volume_gib(gpu)
    assert template("api")["Parameters"]["MaxUploadMb"]["Default"] == gpu.max_upload_mb
    # 30 GiB AMI + 20 GiB CUDA image + 20 GiB x 2 + 0.25 GiB of scratch for one job.
    assert root_volume_gib(gpu) == 30 + 20 + 41
    # A CPU instance (8 vCPUs) runs two 4-vCPU jobs: twice the scratch, a smaller image.
    assert root_volume_gib(DeployOptions(cpu_only=True)) == 30 + 6 + 81
    assert root_volume_gib(DeployOptions(max_upload_mb=1024)) == 30 + 20 + 3


def test_the_deploy_command_sizes_for_what_the_worker_checks() -> None:
    worker = job_limits(Settings(_env_file=None, backend="aws")).scratch  # type: ignore[call-arg]
    assert deploy.SCRATCH_FACTOR == AWS_SCRATCH_FACTOR == worker.factor
    assert worker.margin_bytes == deploy.SCRATCH_MARGIN_GIB * 1024**3
    largest = DeployOptions().max_upload_mb * 1024 * 1024
    per_job_gib = worker.required_bytes(largest) / 1024**3
    assert root_volume_gib(DeployOptions()) >= 30 + 20 + per_job_gib


def test_a_fargate_task_holds_the_cpu_image_and_the_largest_upload_twice() -> None:
    default = DeployOptions()
    parameter = template("batch")["Parameters"]["CpuEphemeralStorageGiB"]
    assert parameter["Default"] == fargate_storage_gib(default)
    # 6 GiB CPU image + 20 GiB x 2 + 0.25 GiB of scratch for the one job of a task.
    assert fargate_storage_gib(default) == 6 + 41
    worker = job_limits(Settings(_env_file=None, backend="aws")).scratch  # type: ignore[call-arg]
    per_job_gib = worker.required_bytes(default.max_upload_mb * 1024 * 1024) / 1024**3
    assert fargate_storage_gib(default) >= deploy.IMAGE_GIB["cpu"] + per_job_gib
    # Within Fargate's 21 to 200 GiB, the template's bounds: a small limit gets the
    # minimum, a huge one the maximum (the worker's own check then refuses what won't fit).
    assert fargate_storage_gib(DeployOptions(max_upload_mb=1024)) == 21
    assert fargate_storage_gib(DeployOptions(max_upload_mb=200 * 1024)) == 200
    assert (parameter["MinValue"], parameter["MaxValue"]) == deploy.FARGATE_STORAGE_GIB
