"""The isolation suite (tests/integration/api/test_isolation.py), run unchanged against the
AWS backend: users, tokens and jobs in DynamoDB, files in S3, all on moto over HTTP."""

from __future__ import annotations

import pytest

from tests.integration.api.test_isolation import *  # noqa: F403

pytestmark = pytest.mark.aws
