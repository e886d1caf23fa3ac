"""The AWS adapters as factories for the shared contract suite (tests/contract/conftest.py):
each yields a fresh store over a new table or bucket on moto's server, reached over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jamak.backends.aws.identity import DynamoIdentityStore
from jamak.backends.aws.objects import S3ObjectStore
from jamak.backends.aws.store import DynamoJobStore
from tests.aws.moto_support import create_jobs_table, moto_session, shared_endpoint, unique


@contextmanager
def dynamo_job_store(tmp_path: Path) -> Iterator[DynamoJobStore]:
    client = moto_session().client("dynamodb", endpoint_url=shared_endpoint())
    table = unique("jobs")
    create_jobs_table(client, table)
    try:
        yield DynamoJobStore(client, table)
    finally:
        client.delete_table(TableName=table)


@contextmanager
def s3_object_store(tmp_path: Path) -> Iterator[S3ObjectStore]:
    client = moto_session().client("s3", endpoint_url=shared_endpoint())
    bucket = unique("media")
    client.create_bucket(Bucket=bucket)
    yield S3ObjectStore(client, bucket)


@contextmanager
def dynamo_identity_store(tmp_path: Path) -> Iterator[DynamoIdentityStore]:
    """Over a jobs table, as deployed: users and tokens share it with the jobs."""
    client = moto_session().client("dynamodb", endpoint_url=shared_endpoint())
    table = unique("jobs")
    create_jobs_table(client, table)
    try:
        yield DynamoIdentityStore(client, table)
    finally:
        client.delete_table(TableName=table)
