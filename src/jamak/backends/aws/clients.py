"""boto3 clients built from Settings: the one place that knows about profiles and endpoints.

Every AWS adapter takes a ready client, so tests hand in clients pointed at moto and the
Lambda handler, the Batch worker and the CLI all build theirs the same way. An endpoint URL
(moto, LocalStack) switches S3 to path-style addressing, which such servers need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_stepfunctions import SFNClient

    from jamak.settings import Settings

# Standard retry mode backs off on throttling, which DynamoDB and Step Functions both use.
_RETRIES = Config(retries={"mode": "standard", "max_attempts": 5})


def aws_session(settings: Settings) -> boto3.Session:
    return boto3.Session(profile_name=settings.aws_profile, region_name=settings.aws_region)


def dynamodb_client(settings: Settings, session: boto3.Session | None = None) -> DynamoDBClient:
    session = session or aws_session(settings)
    return session.client("dynamodb", endpoint_url=settings.aws_endpoint_url, config=_RETRIES)


def s3_client(settings: Settings, session: boto3.Session | None = None) -> S3Client:
    session = session or aws_session(settings)
    # SigV4 everywhere: presigned URLs for buckets in newer regions require it.
    config = _RETRIES.merge(Config(signature_version="s3v4"))
    if settings.aws_endpoint_url:
        config = config.merge(Config(s3={"addressing_style": "path"}))
    return session.client("s3", endpoint_url=settings.aws_endpoint_url, config=config)


def stepfunctions_client(settings: Settings, session: boto3.Session | None = None) -> SFNClient:
    session = session or aws_session(settings)
    return session.client("stepfunctions", endpoint_url=settings.aws_endpoint_url, config=_RETRIES)
