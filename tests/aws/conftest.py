"""Fixtures for the AWS backend tests: one moto server per session, fresh resources per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from jamak.settings import Settings
from tests.aws.moto_support import aws_settings, set_fake_credentials, shared_endpoint


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """The moto server; boto3's default credential chain finds moto's dummy keys meanwhile."""
    with pytest.MonkeyPatch.context() as patch:
        set_fake_credentials(patch.setenv)
        yield shared_endpoint()


@pytest.fixture
def moto_settings(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    set_fake_credentials(monkeypatch.setenv)
    return aws_settings(moto_endpoint)
