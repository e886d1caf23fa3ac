"""The hostile corpus (tests/integration/api/test_hostile.py), run unchanged against the AWS
backend: uploads through the same API into S3 on moto, jobs in DynamoDB, each run by the
Batch worker's ``run_job`` in a thread (tests/aws/live_server.py).

Only the fixtures differ: the server is the AWS one, and ``stored_keys`` lists the bucket
instead of the objects folder, so "names never become keys" is checked where the objects
are. The embedded test that counts the worker processes is left out: on AWS each job has
its own Batch container, and the good job alongside the corpus succeeding is the check that
one broken file harms no other.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pytest

from jamak.jobs.recognizers import scripted_recognizers
from tests.aws.live_server import aws_live_server
from tests.aws.moto_support import moto_session
from tests.integration.api.live_server import LiveServer
from tests.integration.api.test_hostile import (  # the tests and the corpus, as they are
    corpus,
    test_every_hostile_file_ends_as_written_and_a_good_job_alongside_succeeds,
    test_the_corpus_is_large_and_varied,
    test_uploaded_names_never_become_paths,
)
from tests.support.hostile import MAX_DURATION_S, MAX_UPLOAD_MB

__all__ = [
    "corpus",
    "test_every_hostile_file_ends_as_written_and_a_good_job_alongside_succeeds",
    "test_the_corpus_is_large_and_varied",
    "test_uploaded_names_never_become_paths",
]

# S3 and DynamoDB over HTTP are slower than SQLite: a bound of its own (~15 s here).
pytestmark = [pytest.mark.aws, pytest.mark.timeout(180)]


@pytest.fixture(scope="module")
def hostile_server(
    moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    fast = functools.partial(scripted_recognizers, steps=1)
    with aws_live_server(
        moto_endpoint,
        recognizer_factory=fast,
        data_dir=tmp_path_factory.mktemp("aws-hostile"),
        max_upload_mb=MAX_UPLOAD_MB,
        max_duration_s=MAX_DURATION_S,
    ) as running:
        yield running


@pytest.fixture
def stored_keys(hostile_server: LiveServer) -> list[str]:
    """Every key in the server's bucket."""
    settings = hostile_server.settings
    s3 = moto_session().client("s3", endpoint_url=settings.aws_endpoint_url)
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=settings.aws_bucket)
    return [item["Key"] for page in pages for item in page.get("Contents", [])]
