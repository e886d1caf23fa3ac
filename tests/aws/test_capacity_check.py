"""``jamak aws deploy`` checks the account before creating anything: the G and VT (or, with
--cpu-only, Standard) vCPU quotas, read from Service Quotas, and the region's instance type
offerings, read from EC2. EC2 is moto's server (its offerings are per region, from AWS's own
lists); moto's Service Quotas knows only VPC quotas, so the quota answers are injected
through botocore's ``before-send`` event, in front of the real client and its parser."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse

from jamak.deploy.aws import (
    CPU_INSTANCE_TYPES,
    GPU_INSTANCE_TYPES,
    Deployer,
    DeployOptions,
)
from jamak.deploy.capacity import CapacityReport, check_capacity
from jamak.errors import DeploymentError
from tests.aws.cfn import template
from tests.aws.moto_support import moto_session, unique
from tests.aws.test_deploy import RecordingRunner, RecordingStacks

pytestmark = pytest.mark.aws

REPO = Path(__file__).resolve().parents[2]
SPOT_GPU, ON_DEMAND_GPU = "L-3819A6DF", "L-DB2E81BA"
SPOT_STANDARD, ON_DEMAND_STANDARD = "L-34B43A08", "L-1216C47A"


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Any:
        yield self._body


class QuotaAnswers:
    """Service Quotas' GetServiceQuota, answered with ``values`` (vCPUs by quota code); a
    code not there is AccessDenied, as for a caller without servicequotas:GetServiceQuota."""

    def __init__(self, values: Mapping[str, float]) -> None:
        self.values = dict(values)
        self.asked: list[str] = []

    def __call__(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        asked = json.loads(request.body or b"{}")
        code = asked["QuotaCode"]
        self.asked.append(code)
        headers = {"Content-Type": "application/x-amz-json-1.1"}
        if code not in self.values:
            body = {"__type": "AccessDeniedException", "Message": "not allowed (injected)"}
            return AWSResponse(request.url, 400, headers, _Raw(json.dumps(body).encode()))
        quota = {
            "ServiceCode": asked["ServiceCode"],
            "QuotaCode": code,
            "Value": self.values[code],
            "Unit": "None",
        }
        return AWSResponse(request.url, 200, headers, _Raw(json.dumps({"Quota": quota}).encode()))


def _check(moto_endpoint: str, region: str, answers: QuotaAnswers, *, gpu: bool = True) -> Any:
    session = moto_session()
    ec2 = session.client("ec2", region_name=region, endpoint_url=moto_endpoint)
    quotas = session.client("service-quotas", region_name=region, endpoint_url=moto_endpoint)
    quotas.meta.events.register("before-send.service-quotas.GetServiceQuota", answers)

    def capacity(instance_types: Any, gpu: bool) -> CapacityReport:
        return check_capacity(
            quotas=quotas, ec2=ec2, region=region, instance_types=instance_types, gpu=gpu
        )

    return capacity


@pytest.fixture
def deploy_with(moto_endpoint: str) -> Any:
    """A Deployer on moto (S3, ECR) whose capacity check reads ``region``'s offerings and
    the injected quotas; returns it with its recording stacks and docker runner."""

    def make(region: str, answers: QuotaAnswers) -> tuple[Deployer, RecordingStacks, Any]:
        session = moto_session()
        s3 = session.client("s3", endpoint_url=moto_endpoint)
        ecr = session.client("ecr", endpoint_url=moto_endpoint)
        bucket, repository = unique("jamak-media"), unique("jamak")
        s3.create_bucket(Bucket=bucket)
        ecr.create_repository(repositoryName=repository)
        stacks, runner = RecordingStacks(bucket, repository), RecordingRunner()
        deployer = Deployer(
            stacks=stacks,
            ecr=ecr,
            s3=s3,
            run=runner,
            source_dir=REPO,
            capacity=_check(moto_endpoint, region, answers),
        )
        return deployer, stacks, runner

    return make


def test_zero_gpu_quotas_stop_the_deploy_before_anything_is_created(deploy_with: Any) -> None:
    answers = QuotaAnswers({SPOT_GPU: 0.0, ON_DEMAND_GPU: 0.0})
    deployer, stacks, runner = deploy_with("eu-west-2", answers)

    with pytest.raises(DeploymentError) as raised:
        deployer.deploy(DeployOptions())

    message = str(raised.value)
    assert message.startswith("this account cannot run jamak's workers in eu-west-2 yet:")
    assert f"'All G and VT Spot Instance Requests' ({SPOT_GPU}) is 0 vCPUs" in message
    assert f"'Running On-Demand G and VT instances' ({ON_DEMAND_GPU}) is 0 vCPUs" in message
    assert "fewer than one worker needs (4 for g4dn.xlarge)" in message
    assert "request at least 8" in message and "--skip-quota-check" in message
    assert stacks.deployed == [] and runner.commands == []  # nothing created, nothing built
    assert sorted(answers.asked) == sorted([SPOT_GPU, ON_DEMAND_GPU])


def test_enough_quota_in_a_region_that_offers_the_types_deploys(deploy_with: Any) -> None:
    deployer, stacks, _ = deploy_with("eu-west-2", QuotaAnswers({SPOT_GPU: 8, ON_DEMAND_GPU: 4}))

    deployer.deploy(DeployOptions())

    assert stacks.deployed[0][0] == "jamak-foundation"
    batch = dict(stacks.deployed)["jamak-batch"]
    assert batch["GpuInstanceTypes"] == ",".join(GPU_INSTANCE_TYPES)


def test_one_short_quota_is_named_alone(moto_endpoint: str) -> None:
    check = _check(moto_endpoint, "ap-northeast-2", QuotaAnswers({SPOT_GPU: 16, ON_DEMAND_GPU: 2}))
    report = check(GPU_INSTANCE_TYPES, True)
    assert len(report.problems) == 1 and ON_DEMAND_GPU in report.problems[0]


def test_instance_types_the_region_lacks_are_named_with_what_to_deploy_instead(
    moto_endpoint: str,
) -> None:
    # Cape Town offers g4dn but neither g5 nor g6 (moto carries AWS's offering lists).
    check = _check(moto_endpoint, "af-south-1", QuotaAnswers({SPOT_GPU: 8, ON_DEMAND_GPU: 8}))
    (problem,) = check(GPU_INSTANCE_TYPES, True).problems
    assert problem.startswith("g5.xlarge, g6.xlarge not offered in af-south-1")
    assert "--instance-types g4dn.xlarge" in problem


def test_a_region_with_none_of_the_types_is_refused(moto_endpoint: str) -> None:
    check = _check(moto_endpoint, "ap-southeast-4", QuotaAnswers({}))
    (problem,) = check(GPU_INSTANCE_TYPES, True).problems
    assert "none of the instance types" in problem and "ap-southeast-4" in problem


def test_a_quota_that_cannot_be_read_says_so(moto_endpoint: str) -> None:
    check = _check(moto_endpoint, "eu-west-2", QuotaAnswers({SPOT_GPU: 8}))
    (problem,) = check(GPU_INSTANCE_TYPES, True).problems
    assert problem.startswith(
        f"could not read the quota 'Running On-Demand G and VT instances' ({ON_DEMAND_GPU})"
    )
    assert "AccessDenied" in problem


def test_cpu_only_reads_the_standard_quotas(moto_endpoint: str) -> None:
    answers = QuotaAnswers({SPOT_STANDARD: 5, ON_DEMAND_STANDARD: 64})
    report = _check(moto_endpoint, "eu-west-2", answers)(CPU_INSTANCE_TYPES, False)
    assert sorted(answers.asked) == sorted([SPOT_STANDARD, ON_DEMAND_STANDARD])
    (problem,) = report.problems  # a c7i.2xlarge has 8 vCPUs
    assert SPOT_STANDARD in problem and "(8 for c7i.2xlarge)" in problem


def test_skip_quota_check_deploys_regardless(deploy_with: Any) -> None:
    answers = QuotaAnswers({SPOT_GPU: 0, ON_DEMAND_GPU: 0})
    deployer, stacks, _ = deploy_with("eu-west-2", answers)

    deployer.deploy(DeployOptions(skip_quota_check=True, instance_types=("g6.xlarge",)))

    assert answers.asked == []
    assert dict(stacks.deployed)["jamak-batch"]["GpuInstanceTypes"] == "g6.xlarge"


def test_the_default_instance_types_are_the_templates() -> None:
    parameters = template("batch")["Parameters"]
    assert parameters["GpuInstanceTypes"]["Default"] == ",".join(GPU_INSTANCE_TYPES)
    assert parameters["CpuInstanceTypes"]["Default"] == ",".join(CPU_INSTANCE_TYPES)
