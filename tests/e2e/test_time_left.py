"""A running job's card says about how long it has left, in the page's language, at the
job's own pace (GET /api/jobs' ``remaining_s``), and stops saying it once the job is done."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jamak.jobs.recognizers import scripted_recognizers
from tests.e2e.test_web_app import DESKTOP, open_app, start_upload
from tests.integration.api.live_server import LiveServer, live_server, server_settings

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Jobs of about twelve seconds, reporting progress forty times on the way."""
    settings = server_settings(tmp_path_factory.mktemp("slow-web"), max_upload_mb=20)
    slow = functools.partial(scripted_recognizers, steps=40, seconds_per_step=0.3)
    with live_server(settings, workers=1, recognizer_factory=slow) as running:
        yield running


@pytest.mark.parametrize(
    ("locale", "left", "done"),
    [("en-US", "less than a minute left", "Done"), ("ko-KR", "1분 안에 끝남", "완료")],
)
def test_a_running_job_tells_how_long_it_has_left(
    browser: Any, slow_server: LiveServer, webm_clip: Path, locale: str, left: str, done: str
) -> None:
    tab = open_app(browser, slow_server, viewport=DESKTOP, locale=locale)
    page = tab.page
    card = start_upload(page, webm_clip)

    details = card.locator(".job-details", has_text=left)
    details.wait_for(timeout=30_000)  # once five seconds and a twentieth of the audio are behind
    assert card.get_attribute("data-status") == "running"

    card.locator(".badge.succeeded").wait_for(timeout=60_000)
    assert card.locator(".badge").inner_text() == done
    assert left not in card.locator(".job-details").inner_text()
    page.context.close()
    assert tab.errors == []
