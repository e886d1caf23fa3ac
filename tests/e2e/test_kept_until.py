"""Where the server deletes finished jobs (``JAMAK_JOB_RETENTION_DAYS``), the upload form
says so, and a finished job's card says until when it is kept, in the page's language, so
its owner knows to download the subtitles before then; a job still working says nothing of
it yet. A server that keeps every job says nothing of either (test_web_app's servers)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from jamak.jobs.recognizers import scripted_recognizers
from tests.e2e.test_web_app import DESKTOP, open_app, start_upload
from tests.integration.api.live_server import LiveServer, live_server, server_settings

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def keeping_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = server_settings(
        tmp_path_factory.mktemp("keeping-web"), max_upload_mb=20, job_retention_days=7
    )
    scripted = functools.partial(scripted_recognizers, steps=8, seconds_per_step=0.25)
    with live_server(settings, workers=1, recognizer_factory=scripted) as running:
        yield running


@pytest.mark.parametrize(
    ("locale", "rule", "kept"),
    [
        ("en-US", "Finished jobs are deleted with their files after 7 days", "Kept until"),
        ("ko-KR", "끝난 작업은 7일 뒤 파일과 함께 삭제됩니다", "까지 보관"),
    ],
)
def test_a_finished_job_says_until_when_it_is_kept(
    browser: Any, keeping_server: LiveServer, webm_clip: Path, locale: str, rule: str, kept: str
) -> None:
    tab = open_app(browser, keeping_server, viewport=DESKTOP, locale=locale)
    page = tab.page
    assert rule in page.locator("#retention-hint").inner_text()  # said before any upload
    card = start_upload(page, webm_clip)
    card.locator(".badge.running").wait_for(timeout=30_000)
    assert kept not in card.inner_text()

    card.locator(".badge.succeeded").wait_for(timeout=60_000)
    details = card.locator(".job-details").inner_text()
    assert kept in details
    job_id = (card.get_attribute("id") or "").removeprefix("job-")
    with keeping_server.client() as api:
        job = api.get(f"/api/jobs/{job_id}").json()
    expires = datetime.fromisoformat(job["expires_at"])
    assert str(expires.year) in details and str(expires.day) in details
    page.context.close()
    assert tab.errors == []
