"""The workers' disk: a gp3 root volume sized for the image plus the largest allowed upload
(the batch stack's launch template, on both compute environments), worked out by the deploy
command from the same upload limit the API enforces and the same factor the worker checks."""

from __future__ import annotations

import pytest

from jamak.bootstrap import job_limits
from jamak.bootstrap.configs import AWS_SCRATCH_FACTOR
from jamak.deploy import aws as deploy
from jamak.deploy.aws import DeployOptions, root_volume_gib
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
    # No Fargate environment in this stack, so no ephemeral storage to size.
    assert "Fargate" not in str(batch["Resources"])


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
