"""A missing object reads as missing, and a refused one as refused, with the stacks' own
policies: moto's server enforces IAM for these tests, and the S3 client acts as an IAM user
holding exactly the S3 statements of the API's and the worker's roles.

moto answers 404 for a missing key whenever s3:GetObject is allowed, where S3 answers 403
unless s3:ListBucket is allowed too; that half is checked on the templates
(:func:`test_roles_that_read_objects_may_list_the_bucket`), the mapping of each answer on
moto's real responses.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from moto import settings as moto_settings_module

from jamak.backends.aws.objects import S3ObjectStore
from jamak.errors import ObjectNotFoundError, StorageAccessDeniedError
from tests.aws.cfn import resource, role_policy_document
from tests.aws.moto_support import REGION, moto_session, unique

pytestmark = pytest.mark.aws

ROLES = [("api", "FunctionRole"), ("batch", "JobRole")]

StoreFor = Callable[[dict[str, Any]], S3ObjectStore]


@pytest.fixture
def bucket(moto_endpoint: str) -> str:
    name = unique("media")
    client = moto_session().client("s3", endpoint_url=moto_endpoint)
    client.create_bucket(Bucket=name)
    client.put_object(Bucket=name, Key="jobs/j1/media", Body=b"media bytes")
    return name


@pytest.fixture
def store_for(
    moto_endpoint: str, bucket: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[StoreFor]:
    """Stores whose client is an IAM user with the given policy. Making one switches IAM
    enforcement on for the rest of the test (users are made with moto's keys before that);
    the server runs in this process and tests run one at a time, so it is undone in time."""
    iam = moto_session().client("iam", endpoint_url=moto_endpoint)
    stores: list[S3ObjectStore] = []

    def make(policy: dict[str, Any]) -> S3ObjectStore:
        name = unique("jamak-role")
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName="role", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        client = boto3.client(
            "s3",
            endpoint_url=moto_endpoint,
            region_name=REGION,
            aws_access_key_id=key["AccessKeyId"],
            aws_secret_access_key=key["SecretAccessKey"],
        )
        stores.append(S3ObjectStore(client, bucket))
        monkeypatch.setattr(moto_settings_module, "INITIAL_NO_AUTH_ACTION_COUNT", 0)
        return stores[-1]

    yield make
    for store in stores:
        store.close()


def _bucket_parameters(bucket: str) -> dict[str, str]:
    return {"BucketArn": f"arn:aws:s3:::{bucket}"}


@pytest.mark.parametrize(("template_name", "role_id"), ROLES)
def test_with_the_roles_policy_a_missing_object_is_not_found(
    template_name: str, role_id: str, bucket: str, store_for: StoreFor
) -> None:
    policy = role_policy_document(template_name, role_id, "s3", _bucket_parameters(bucket))
    store = store_for(policy)

    assert store.open("jobs/j1/media").read() == b"media bytes"
    assert store.size("jobs/j1/media") == len(b"media bytes")
    with pytest.raises(ObjectNotFoundError):
        store.open("jobs/j1/subtitles.srt")
    with pytest.raises(ObjectNotFoundError):
        store.size("jobs/j1/subtitles.srt")
    with pytest.raises(ObjectNotFoundError), store.local_path("jobs/j1/subtitles.srt"):
        pass


def test_a_refused_read_is_access_denied_never_not_found(bucket: str, store_for: StoreFor) -> None:
    # A role that may write job files but not read them: S3 says AccessDenied (GET) or a
    # bare 403 (HEAD) whether or not the object exists.
    store = store_for(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "s3:PutObject",
                    "Resource": f"arn:aws:s3:::{bucket}/jobs/*",
                }
            ],
        }
    )
    store.put_bytes("jobs/j2/media", b"written")  # the policy is in force, and allows this

    for key in ("jobs/j1/media", "jobs/j1/missing"):
        with pytest.raises(StorageAccessDeniedError, match="s3:ListBucket"):
            store.open(key)
        with pytest.raises(StorageAccessDeniedError):
            store.size(key)
        with pytest.raises(StorageAccessDeniedError), store.local_path(key):
            pass


def test_a_delete_s3_refuses_fails_and_keeps_the_record_of_what_is_left(
    bucket: str, store_for: StoreFor
) -> None:
    # A role that may list and read the job files but not delete them: S3 answers the
    # DeleteObjects request itself with 200, and each key it kept as an error entry.
    store = store_for(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["s3:ListBucket", "s3:ListBucketMultipartUploads"],
                    "Resource": f"arn:aws:s3:::{bucket}",
                },
                {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{bucket}/jobs/*",
                },
            ],
        }
    )

    with pytest.raises(StorageAccessDeniedError, match="s3:DeleteObject"):
        store.delete_prefix("jobs/j1/")

    assert store.open("jobs/j1/media").read() == b"media bytes"  # still there, and said so


def test_with_the_apis_policy_the_readiness_probe_can_write_and_leaves_nothing(
    moto_endpoint: str, bucket: str, store_for: StoreFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    # /readyz asks this of the API's own role: a probe outside what that role may write
    # would call every deployed API unavailable. The listing after it is the test's own,
    # with IAM off again.
    store = store_for(role_policy_document("api", "FunctionRole", "s3", _bucket_parameters(bucket)))

    store.check_writable()

    monkeypatch.setattr(moto_settings_module, "INITIAL_NO_AUTH_ACTION_COUNT", float("inf"))
    listing = moto_session().client("s3", endpoint_url=moto_endpoint).list_objects_v2(Bucket=bucket)
    assert [item["Key"] for item in listing["Contents"]] == ["jobs/j1/media"]


def test_an_access_denied_object_is_a_500_not_a_404() -> None:
    from jamak.api.errors import _JAMAK_ERRORS

    status = next(code for kind, code, _ in _JAMAK_ERRORS if kind is StorageAccessDeniedError)
    assert status == 500


@pytest.mark.parametrize(("template_name", "role_id"), ROLES)
def test_roles_that_read_objects_may_list_the_bucket(template_name: str, role_id: str) -> None:
    """S3 tells a missing key from a forbidden one only to callers with s3:ListBucket on the
    bucket; a condition on s3:prefix would not apply to GetObject, so the grant has none."""
    policy = role_policy_document(template_name, role_id, "s3", {"BucketArn": "BUCKET"})
    statements = policy["Statement"]
    reads = [s for s in statements if "s3:GetObject" in _as_list(s["Action"])]
    assert reads and all(s["Resource"] == "BUCKET/jobs/*" for s in reads)
    (listing,) = [s for s in statements if "s3:ListBucket" in _as_list(s["Action"])]
    assert listing["Effect"] == "Allow"
    assert listing["Resource"] == "BUCKET"
    assert "Condition" not in listing
    assert resource(template_name, role_id)["Type"] == "AWS::IAM::Role"


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value
