"""The API suite's fixtures, with its two servers on the AWS backend instead of the embedded
one: ``server`` runs jobs (scripted recogniser, like the embedded suite's), ``api_only``
leaves them queued. The other fixtures are the API suite's own, imported unchanged."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pytest

from jamak.jobs.recognizers import scripted_recognizers
from tests.aws.live_server import aws_live_server
from tests.integration.api.auth_server import AuthServer, enrol
from tests.integration.api.conftest import (  # the API suite's fixtures, reused as they are
    MAX_UPLOAD_MB,
    client,
    queued_client,
    small_video,
    speech_path,
    tone_wav,
    user,
)
from tests.integration.api.live_server import LiveServer

__all__ = ["client", "queued_client", "small_video", "speech_path", "tone_wav", "user"]


@pytest.fixture(scope="session")
def server(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    slow_scripted = functools.partial(scripted_recognizers, steps=4, seconds_per_step=0.15)
    with aws_live_server(
        moto_endpoint,
        recognizer_factory=slow_scripted,
        data_dir=tmp_path_factory.mktemp("aws-server"),
        max_upload_mb=MAX_UPLOAD_MB,
    ) as running:
        yield running


@pytest.fixture(scope="session")
def api_only(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with aws_live_server(
        moto_endpoint,
        recognizer_factory=None,
        data_dir=tmp_path_factory.mktemp("aws-api-only"),
        max_upload_mb=MAX_UPLOAD_MB,
    ) as running:
        yield running


@pytest.fixture(scope="session")
def auth(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthServer]:
    """Sign-in on, users and tokens in the DynamoDB table (tests/integration/api's isolation
    suite runs unchanged over it)."""
    scripted = functools.partial(scripted_recognizers, steps=2, seconds_per_step=0.05)
    with aws_live_server(
        moto_endpoint,
        recognizer_factory=scripted,
        data_dir=tmp_path_factory.mktemp("aws-auth"),
        max_upload_mb=MAX_UPLOAD_MB,
        auth="required",
    ) as running:
        assert running.services.identities is not None
        made, revoked = enrol(running.services.identities)
        yield AuthServer(running, made, revoked)
