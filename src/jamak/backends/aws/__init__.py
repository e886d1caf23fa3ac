"""The AWS backend: jobs in DynamoDB, files in S3, work started as Step Functions executions
that run the worker in AWS Batch.

The adapters need boto3 (the ``aws`` extra), so this package imports them only inside
:func:`open_backend`: :mod:`jamak.backends.aws.transfers` stays importable everywhere (the
API's upload routes use it in every deployment).
"""

from __future__ import annotations

from jamak.backends import Backend
from jamak.settings import Settings


def open_backend(settings: Settings) -> Backend:
    """Adapters over one boto3 session; there is no queue, work is pushed to Batch."""
    from jamak.backends.aws.clients import (
        aws_session,
        dynamodb_client,
        s3_client,
        stepfunctions_client,
    )
    from jamak.backends.aws.launcher import StepFunctionsLauncher
    from jamak.backends.aws.objects import S3ObjectStore
    from jamak.backends.aws.store import DynamoJobStore

    session = aws_session(settings)
    return Backend(
        store=DynamoJobStore(dynamodb_client(settings, session), settings.aws_table),
        objects=S3ObjectStore(s3_client(settings, session), settings.aws_bucket),
        launcher=StepFunctionsLauncher(
            stepfunctions_client(settings, session), settings.aws_state_machine_arn
        ),
        queue=None,
    )


__all__ = ["open_backend"]
