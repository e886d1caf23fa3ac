"""boto3 clients built from an :class:`AwsConfig`: the one place that knows about profiles and
endpoints.

Every AWS adapter takes a ready client, so tests hand in clients pointed at moto and the
Lambda handler, the Batch worker and the CLI all build theirs the same way. An endpoint URL
(moto, LocalStack) switches S3 to path-style addressing, which such servers need; on AWS
itself S3 URLs use the bucket's regional virtual host (below).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from jamak.backends.aws.config import AwsConfig

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_stepfunctions import SFNClient

# Standard retry mode backs off on throttling, which DynamoDB and Step Functions both use.
_RETRIES = Config(retries={"mode": "standard", "max_attempts": 5})


def aws_session(config: AwsConfig) -> boto3.Session:
    return boto3.Session(profile_name=config.profile, region_name=config.region)


def dynamodb_client(config: AwsConfig, session: boto3.Session | None = None) -> DynamoDBClient:
    session = session or aws_session(config)
    return session.client("dynamodb", endpoint_url=config.endpoint_url, config=_RETRIES)


def s3_client(config: AwsConfig, session: boto3.Session | None = None) -> S3Client:
    session = session or aws_session(config)
    # SigV4 everywhere: presigned URLs for buckets in newer regions require it.
    retries = _RETRIES.merge(Config(signature_version="s3v4"))
    if config.endpoint_url:
        retries = retries.merge(Config(s3={"addressing_style": "path"}))
    else:
        # Presigned URLs on https://BUCKET.s3.REGION.amazonaws.com (botocore's default is the
        # global BUCKET.s3.amazonaws.com): a bucket created minutes ago outside us-east-1
        # answers the global host with a 307 to its regional one, and a browser's CORS
        # preflight does not follow redirects, so a first upload would fail. The partition's
        # own domain (amazonaws.com.cn, ...) comes from botocore's endpoint rules; bucket
        # names with dots, which a TLS wildcard cannot cover, stay path-style on that host.
        retries = retries.merge(
            Config(s3={"addressing_style": "virtual", "us_east_1_regional_endpoint": "regional"})
        )
    return session.client("s3", endpoint_url=config.endpoint_url, config=retries)


def stepfunctions_client(config: AwsConfig, session: boto3.Session | None = None) -> SFNClient:
    session = session or aws_session(config)
    return session.client("stepfunctions", endpoint_url=config.endpoint_url, config=_RETRIES)


def batch_client(config: AwsConfig, session: boto3.Session | None = None) -> Any:
    session = session or aws_session(config)
    return session.client("batch", endpoint_url=config.endpoint_url, config=_RETRIES)


def cloudwatch_client(config: AwsConfig, session: boto3.Session | None = None) -> Any:
    session = session or aws_session(config)
    return session.client("cloudwatch", endpoint_url=config.endpoint_url, config=_RETRIES)
