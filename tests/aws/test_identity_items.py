"""Users and tokens share the jobs' DynamoDB table: no job listing or lookup ever sees them."""

from __future__ import annotations

from pathlib import Path

import pytest

from jamak.backends.aws.identity import DynamoIdentityStore
from jamak.backends.aws.store import DynamoJobStore
from jamak.errors import JobNotFoundError
from jamak.jobs import tokens
from tests.aws.moto_support import create_jobs_table, moto_session, shared_endpoint, unique

pytestmark = pytest.mark.aws


def test_identity_items_stay_out_of_job_listings(tmp_path: Path) -> None:
    client = moto_session().client("dynamodb", endpoint_url=shared_endpoint())
    table = unique("jobs")
    create_jobs_table(client, table)
    try:
        identities, jobs = DynamoIdentityStore(client, table), DynamoJobStore(client, table)
        tokens.add_user(store=identities, name="ana", admin=True)
        record, _ = tokens.create_token(store=identities, user="ana")
        assert jobs.list().jobs == ()
        assert jobs.list(owner="ana").jobs == ()
        with pytest.raises(JobNotFoundError):
            jobs.get(record.id)
    finally:
        client.delete_table(TableName=table)
