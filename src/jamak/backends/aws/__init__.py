"""The AWS backend: jobs in DynamoDB, files in S3, work started as Step Functions executions
that run the worker in AWS Batch.

The adapters need boto3 (the ``aws`` extra), so this package imports them only inside
:func:`open_backend`; importing the package itself costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jamak.backends import Backend

if TYPE_CHECKING:
    from jamak.backends.aws.config import AwsConfig


def open_backend(config: AwsConfig) -> Backend:
    """Adapters over one boto3 session; there is no queue, work is pushed to Batch, and
    browsers upload to S3 directly."""
    from jamak.backends.aws.clients import (
        aws_session,
        dynamodb_client,
        s3_client,
        stepfunctions_client,
    )
    from jamak.backends.aws.identity import DynamoIdentityStore
    from jamak.backends.aws.launcher import StepFunctionsLauncher
    from jamak.backends.aws.objects import S3ObjectStore
    from jamak.backends.aws.store import DynamoJobStore

    session = aws_session(config)
    objects = S3ObjectStore(s3_client(config, session), config.bucket)
    dynamodb = dynamodb_client(config, session)
    return Backend(
        store=DynamoJobStore(dynamodb, config.table, retention_days=config.job_retention_days),
        objects=objects,
        launcher=StepFunctionsLauncher(
            stepfunctions_client(config, session), config.state_machine_arn
        ),
        queue=None,
        direct_uploads=objects,
        # API Gateway buffers whole responses, so an event stream never reaches the browser.
        live_updates="poll",
        identities=DynamoIdentityStore(dynamodb, config.table),
    )


__all__ = ["open_backend"]
