"""Job records expire with their files: one number, the foundation stack's
JobRetentionDays, drives the bucket's lifecycle rule and the table's TTL (through the API's
JAMAK_AWS_JOB_RETENTION_DAYS), and the store writes the TTL attribute the table watches."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from jamak.backends.aws import open_backend
from jamak.backends.aws.items import EXPIRY_ATTRIBUTE
from jamak.backends.aws.store import DynamoJobStore
from jamak.bootstrap.configs import aws_config
from jamak.jobs.model import Job, JobStatus
from jamak.jobs.recognizers import scripted_recognizers
from jamak.jobs.retention import DAY_S
from jamak.settings import Settings
from tests.aws.cfn import resource, template
from tests.aws.live_server import aws_live_server
from tests.aws.moto_support import aws_settings, moto_session
from tests.integration.api.helpers import wait_finished

pytestmark = pytest.mark.aws


def _raw_item(settings: Settings, job_id: str) -> dict[str, Any]:
    client = moto_session().client("dynamodb", endpoint_url=settings.aws_endpoint_url)
    item: dict[str, Any] = client.get_item(
        TableName=settings.aws_table, Key={"id": {"S": job_id}}, ConsistentRead=True
    )["Item"]
    return item


def _job(job_id: str) -> Job:
    return Job(id=job_id, owner="ana", filename="talk.mp4", media_key=f"jobs/{job_id}/media")


def test_a_new_job_expires_retention_days_after_its_creation(moto_endpoint: str) -> None:
    settings = aws_settings(moto_endpoint, aws_job_retention_days=7)
    backend = open_backend(aws_config(settings))
    try:
        job = _job("job-ttl-1")
        backend.store.add(job)
        backend.store.transition(job.id, JobStatus.RUNNING)  # updates keep the expiry

        item = _raw_item(settings, job.id)
        assert item[EXPIRY_ATTRIBUTE] == {"N": str(int(job.created_at + 7 * DAY_S))}
        assert backend.store.get(job.id).status is JobStatus.RUNNING  # still reads as a job
    finally:
        backend.close()


def test_retention_zero_keeps_records_for_good(moto_endpoint: str) -> None:
    settings = aws_settings(moto_endpoint)
    client = moto_session().client("dynamodb", endpoint_url=moto_endpoint)
    store = DynamoJobStore(client, settings.aws_table, retention_days=0)

    store.add(_job("job-ttl-0"))

    assert EXPIRY_ATTRIBUTE not in _raw_item(settings, "job-ttl-0")
    assert store.get("job-ttl-0").id == "job-ttl-0"


def test_the_deployed_table_expires_items_on_the_attribute_the_store_writes(
    moto_endpoint: str,
) -> None:
    # The test table is made from foundation.yaml's definition, TTL included.
    settings = aws_settings(moto_endpoint)
    client = moto_session().client("dynamodb", endpoint_url=moto_endpoint)
    ttl = client.describe_time_to_live(TableName=settings.aws_table)["TimeToLiveDescription"]
    assert ttl["TimeToLiveStatus"] == "ENABLED"
    assert ttl["AttributeName"] == EXPIRY_ATTRIBUTE


def test_one_number_drives_file_expiry_and_record_expiry() -> None:
    foundation = template("foundation")
    rules = resource("foundation", "MediaBucket")["Properties"]["LifecycleConfiguration"]["Rules"]
    (expire,) = [r for r in rules if r["Id"] == "expire-job-files"]
    assert expire["Prefix"] == "jobs/"
    assert expire["ExpirationInDays"]["Fn::If"][1] == {"Ref": "JobRetentionDays"}
    assert foundation["Outputs"]["JobRetentionDays"]["Value"] == {"Ref": "JobRetentionDays"}
    env = resource("api", "Function")["Properties"]["Environment"]["Variables"]
    assert env["JAMAK_AWS_JOB_RETENTION_DAYS"] == {"Ref": "JobRetentionDays"}
    defaults = {
        foundation["Parameters"]["JobRetentionDays"]["Default"],
        template("api")["Parameters"]["JobRetentionDays"]["Default"],
        Settings(_env_file=None).aws_job_retention_days,  # type: ignore[call-arg]
    }
    assert defaults == {30}


def test_the_api_tells_each_job_when_aws_deletes_it(
    moto_endpoint: str, tmp_path: Path, speech_wav: Any
) -> None:
    """On AWS the clock starts at the upload (the record's TTL, the objects' lifecycle), so
    a job says when it goes from the start, queued or finished."""
    scripted = functools.partial(scripted_recognizers, steps=2, seconds_per_step=0.0)
    with (
        aws_live_server(
            moto_endpoint,
            recognizer_factory=scripted,
            data_dir=tmp_path,
            aws_job_retention_days=7,
        ) as server,
        server.client(user="keeper") as api,
    ):
        data = speech_wav.path.read_bytes()
        body = {"filename": "talk.wav", "size_bytes": len(data)}
        ticket = api.post("/api/uploads", json=body).json()
        assert httpx.put(ticket["url"], content=data).status_code == 200
        completed = api.post(ticket["complete_url"])
        assert completed.status_code == 201, completed.text
        started = completed.json()
        done = wait_finished(api, started["id"])
        config = api.get("/api/config").json()
        record = _raw_item(server.settings, started["id"])

    created = datetime.fromisoformat(done["created_at"])
    assert done["status"] == "succeeded"
    expires = datetime.fromisoformat(started["expires_at"])
    assert abs(expires - (created + timedelta(days=7))) < timedelta(milliseconds=1)
    assert done["expires_at"] == started["expires_at"]
    assert (config["retention_days"], config["retention_from"]) == (7, "upload")
    # The record goes when its owner was told it would (its TTL in whole seconds).
    assert abs(int(record[EXPIRY_ATTRIBUTE]["N"]) - expires.timestamp()) < 1
