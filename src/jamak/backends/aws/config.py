"""Which account, region and resources the AWS backend talks to, as plain values.

Apart from the clients so that the composition root can build it without importing boto3
(an optional extra that only AWS deployments install).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AwsConfig:
    """Which account, region and resources the AWS backend talks to."""

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None  # moto or LocalStack; None for AWS itself
    bucket: str = "jamak-media"
    table: str = "jamak-jobs"
    state_machine_arn: str | None = None
    job_queue_arn: str | None = None  # the Batch queue whose depth the sweeper publishes
    job_retention_days: int = 30  # records expire with their files; 0 keeps them
