"""Load limits through a real server: quotas (429), a full queue (503) and the per-user
rate limit (429), each with ``Retry-After`` and the API's usual JSON error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.api.auth_server import AuthServer, add_users
from tests.integration.api.helpers import assert_error, submit, upload
from tests.integration.api.live_server import LiveServer, live_server, server_settings

RATE_PER_MINUTE = 40


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """No workers, so jobs stay queued: two unfinished jobs per user, no queue cap."""
    settings = server_settings(
        tmp_path_factory.mktemp("limited"),
        max_active_jobs_per_user=2,
        max_queued_jobs=0,
        rate_limit_per_minute=RATE_PER_MINUTE,
    )
    with live_server(settings, workers=0) as running:
        yield running


@pytest.fixture(scope="module")
def small_queue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = server_settings(tmp_path_factory.mktemp("small-queue"), max_queued_jobs=3)
    with live_server(settings, workers=0) as running:
        yield running


def test_a_user_past_the_unfinished_jobs_quota_gets_429(
    limited: LiveServer, tone_wav: Path
) -> None:
    with limited.client(user="quota-ana") as ana, limited.client(user="quota-bo") as bo:
        first = submit(ana, tone_wav)
        submit(ana, tone_wav)
        refused = upload(ana, tone_wav)
        message = assert_error(refused, 429, "quota_exceeded")
        assert "2 unfinished jobs" in message
        assert int(refused.headers["Retry-After"]) > 0
        submit(bo, tone_wav)  # the quota is per user

        assert ana.post(f"/api/jobs/{first['id']}/cancel").status_code == 200
        submit(ana, tone_wav)  # a finished (cancelled) job frees its place


def test_a_full_queue_answers_503_to_everyone(small_queue: LiveServer, tone_wav: Path) -> None:
    for user in ("queue-ana", "queue-bo", "queue-cy"):
        with small_queue.client(user=user) as http:
            submit(http, tone_wav)
    with small_queue.client(user="queue-dee") as dee:
        refused = upload(dee, tone_wav)
        assert "jobs are already waiting" in assert_error(refused, 503, "queue_full")
        assert int(refused.headers["Retry-After"]) > 0
        assert dee.get("/readyz").status_code == 200  # busy is not broken


def test_past_the_rate_limit_a_user_gets_429_and_health_stays_open(
    limited: LiveServer,
) -> None:
    with limited.client(user="rate-ana") as ana, limited.client(user="rate-bo") as bo:
        answers = [ana.get("/api/jobs").status_code for _ in range(RATE_PER_MINUTE)]
        assert answers == [200] * RATE_PER_MINUTE
        refused = ana.get("/api/jobs")
        assert "Too many requests" in assert_error(refused, 429, "rate_limited")
        assert 1 <= int(refused.headers["Retry-After"]) <= 60 // RATE_PER_MINUTE + 1
        assert bo.get("/api/jobs").status_code == 200  # buckets are per user
        assert all(ana.get("/healthz").status_code == 200 for _ in range(5))


def test_signed_in_users_have_quotas_and_admins_do_not(tmp_path: Path, tone_wav: Path) -> None:
    data_dir = tmp_path / "signed-in"
    made, revoked = add_users(data_dir)
    settings = server_settings(data_dir, auth="required", max_active_jobs_per_user=1)
    with live_server(settings, workers=0) as running:
        signed_in = AuthServer(running, made, revoked)
        with signed_in.client("ana") as ana, signed_in.client("root") as root:
            submit(ana, tone_wav)
            assert_error(upload(ana, tone_wav), 429, "quota_exceeded")
            submit(root, tone_wav)
            submit(root, tone_wav)  # an admin is not held to the per-user quota
