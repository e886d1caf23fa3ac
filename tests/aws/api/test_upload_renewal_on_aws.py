"""Signing an upload again answers its owner only: with sign-in on (users in DynamoDB,
files in S3, on moto over HTTP), another user's upload in progress is 404, the same as a
missing one, and an admin may renew anyone's."""

from __future__ import annotations

import pytest

from tests.integration.api.auth_server import AuthServer
from tests.integration.api.helpers import assert_error

pytestmark = pytest.mark.aws


def test_only_the_owner_and_an_admin_can_renew_an_uploads_urls(auth: AuthServer) -> None:
    with auth.client("ana") as ana:
        started = ana.post("/api/uploads", json={"filename": "talk.wav", "size_bytes": 2048})
        assert started.status_code == 201, started.text
        job_id = started.json()["job_id"]
        path = f"/api/uploads/{job_id}/urls"

        with auth.client("bo") as bo:
            message = assert_error(bo.post(path), 404, "upload_not_found")
            assert "talk.wav" not in message

        renewed = ana.post(path)
        assert renewed.status_code == 200, renewed.text
        assert renewed.json()["job_id"] == job_id and renewed.json()["url"]
        with auth.client("root") as root:
            assert root.post(path).status_code == 200
        assert ana.delete(f"/api/uploads/{job_id}").status_code == 204
        assert_error(ana.post(path), 404, "upload_not_found")  # given up: nothing to sign
