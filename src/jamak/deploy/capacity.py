"""Before ``jamak aws deploy`` creates anything: can this account run a worker at all?

New accounts have 0 vCPUs for G and VT instances, On-Demand and Spot alike, and not every
region offers every instance type. Deployed regardless, the stacks come up green and every
job then waits RUNNABLE until the capacity wait fails it. So the deploy first reads the
account's EC2 quotas (Service Quotas) and the region's instance type offerings (EC2), and
stops with what to request where they fall short (``--skip-quota-check`` deploys anyway).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError


@dataclass(frozen=True, slots=True)
class Quota:
    code: str
    name: str  # as the Service Quotas console lists it


# vCPU quotas, per region (the codes the Service Quotas console and API use).
GPU_QUOTAS = (
    Quota("L-3819A6DF", "All G and VT Spot Instance Requests"),
    Quota("L-DB2E81BA", "Running On-Demand G and VT instances"),
)
CPU_QUOTAS = (
    Quota("L-34B43A08", "All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests"),
    Quota("L-1216C47A", "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances"),
)
# What docs/aws.md asks for: two xlarge workers at once.
RECOMMENDED_WORKERS = 2


class QuotaReader(Protocol):
    def get_service_quota(self, **kwargs: Any) -> Mapping[str, Any]: ...


class OfferingReader(Protocol):
    def describe_instance_type_offerings(self, **kwargs: Any) -> Mapping[str, Any]: ...

    def describe_instance_types(self, **kwargs: Any) -> Mapping[str, Any]: ...


@dataclass(frozen=True, slots=True)
class CapacityReport:
    region: str
    problems: tuple[str, ...]  # each says what is short and what to do about it

    @property
    def ok(self) -> bool:
        return not self.problems

    def message(self) -> str:
        lines = [f"this account cannot run jamak's workers in {self.region} yet:"]
        lines += [f"  - {problem}" for problem in self.problems]
        lines.append(
            "Request the increases in the Service Quotas console (EC2, this region) and deploy "
            "again once they are approved, or deploy anyway with --skip-quota-check."
        )
        return "\n".join(lines)


def check_capacity(
    *,
    quotas: QuotaReader,
    ec2: OfferingReader,
    region: str,
    instance_types: Sequence[str],
    gpu: bool,
) -> CapacityReport:
    """What stands between this account and one running worker in ``region``."""
    problems: list[str] = []
    offered = _offered(ec2, instance_types)
    missing = [name for name in instance_types if name not in offered]
    if missing and not offered:
        problems.append(
            f"none of the instance types {', '.join(instance_types)} is offered in {region}: "
            "choose a region that offers them, or other types (--instance-types)"
        )
    elif missing:
        problems.append(
            f"{', '.join(missing)} not offered in {region} (a Batch compute environment "
            f"naming them fails): deploy with --instance-types {','.join(offered)}"
        )
    if not offered:
        return CapacityReport(region, tuple(problems))
    vcpus = _vcpus(ec2, offered)
    largest = max(offered, key=lambda name: vcpus.get(name, 0))
    one_worker = vcpus.get(largest, 4)  # xlarge GPU types have 4
    wanted = one_worker * RECOMMENDED_WORKERS
    for quota in GPU_QUOTAS if gpu else CPU_QUOTAS:
        try:
            value = _quota_value(quotas, quota.code)
        except (ClientError, BotoCoreError) as err:
            problems.append(
                f"could not read the quota {quota.name!r} ({quota.code}): {err}; check it "
                "yourself in the Service Quotas console"
            )
            continue
        if value < one_worker:
            problems.append(
                f"{quota.name!r} ({quota.code}) is {value:g} vCPUs, fewer than one worker "
                f"needs ({one_worker} for {largest}): request at "
                f"least {wanted} (two workers at once)"
            )
    return CapacityReport(region, tuple(problems))


def _offered(ec2: OfferingReader, instance_types: Sequence[str]) -> list[str]:
    """The types among ``instance_types`` this region offers, in their order."""
    answer = ec2.describe_instance_type_offerings(
        LocationType="region",
        Filters=[{"Name": "instance-type", "Values": list(instance_types)}],
    )
    names = {offering["InstanceType"] for offering in answer.get("InstanceTypeOfferings", [])}
    return [name for name in instance_types if name in names]


def _vcpus(ec2: OfferingReader, instance_types: Sequence[str]) -> dict[str, int]:
    answer = ec2.describe_instance_types(InstanceTypes=list(instance_types))
    return {
        item["InstanceType"]: int(item["VCpuInfo"]["DefaultVCpus"])
        for item in answer.get("InstanceTypes", [])
    }


def _quota_value(quotas: QuotaReader, code: str) -> float:
    value = float(quotas.get_service_quota(ServiceCode="ec2", QuotaCode=code)["Quota"]["Value"])
    return value if math.isfinite(value) else 0.0
