"""The web app on the AWS backend, in headless Chromium: files go from the browser straight to
S3 (moto's server) through presigned URLs, as they must behind API Gateway and Lambda, whose
request bodies are capped at a few megabytes; the API only signs, completes and reports.
"""

from __future__ import annotations

import functools
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from jamak.jobs.recognizers import scripted_recognizers
from tests.aws.live_server import aws_live_server
from tests.aws.moto_support import set_fake_credentials, shared_endpoint
from tests.e2e.test_web_app import DESKTOP, FINISH_MS, Tab, open_app
from tests.integration.api.live_server import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.aws]

PART_MB = 5  # S3's smallest part


@pytest.fixture(scope="module")
def aws_web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    scripted = functools.partial(scripted_recognizers, steps=4, seconds_per_step=0.1)
    with pytest.MonkeyPatch.context() as patch:
        set_fake_credentials(patch.setenv)
        with aws_live_server(
            shared_endpoint(),
            recognizer_factory=scripted,
            data_dir=tmp_path_factory.mktemp("aws-web"),
            max_upload_mb=64,
            aws_multipart_threshold_mb=PART_MB,
            aws_multipart_part_mb=PART_MB,
        ) as running:
            yield running


@pytest.fixture
def aws_page(browser: Any, aws_web_server: LiveServer) -> Iterator[Any]:
    tab: Tab = open_app(browser, aws_web_server, viewport=DESKTOP, locale="en-US")
    yield tab.page
    tab.page.context.close()
    assert tab.errors == []


@pytest.fixture(scope="module")
def long_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Over 11 MiB of 16 kHz audio: three parts of a multipart upload."""
    path = tmp_path_factory.mktemp("aws-web-media") / "long lecture.wav"
    seconds = 370
    t = np.arange(seconds * 16_000) / 16_000
    samples = (0.2 * np.sin(2 * np.pi * 220 * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(samples.tobytes())
    return path


def test_the_page_knows_to_upload_directly(aws_web_server: LiveServer) -> None:
    with aws_web_server.client() as client:
        assert client.get("/api/config").json()["direct_uploads"] is True


def test_a_small_file_goes_to_s3_in_one_put_and_becomes_a_job(
    aws_page: Any, aws_web_server: LiveServer, webm_clip: Path
) -> None:
    page = aws_page
    form_posts: list[str] = []
    s3_puts: list[str] = []
    s3_gets: list[str] = []
    page.on("request", lambda req: _note(req, aws_web_server, form_posts, s3_puts, s3_gets))
    page.set_input_files("#file-input", str(webm_clip))
    page.click("#start")

    card = page.locator(".job", has_text=webm_clip.name)
    card.locator(".badge.succeeded").wait_for(timeout=FINISH_MS)
    page.locator("#cues li").first.wait_for()
    assert form_posts == []  # nothing went through POST /api/jobs
    assert len(s3_puts) == 1 and "X-Amz-Signature" in s3_puts[0]
    # The player streams the media from S3 too (Lambda could not answer with a large file).
    page.wait_for_function("() => document.querySelector('#video').readyState >= 1")
    assert any("/media" in url and "X-Amz-Signature" in url for url in s3_gets)
    job_id = _only_job_id(aws_web_server, webm_clip.name)
    stored = aws_web_server.services.objects.size(f"jobs/{job_id}/media")
    assert stored == webm_clip.stat().st_size


def test_a_large_file_goes_up_in_parts_and_becomes_a_job(
    aws_page: Any, aws_web_server: LiveServer, long_wav: Path
) -> None:
    page = aws_page
    form_posts: list[str] = []
    s3_puts: list[str] = []
    page.on("request", lambda req: _note(req, aws_web_server, form_posts, s3_puts))
    page.set_input_files("#file-input", str(long_wav))
    page.click("#start")

    card = page.locator(".job", has_text=long_wav.name)
    card.locator(".badge.succeeded").wait_for(timeout=FINISH_MS)
    assert form_posts == []
    assert len(s3_puts) == 3 and all("partNumber=" in url for url in s3_puts)
    job_id = _only_job_id(aws_web_server, long_wav.name)
    assert aws_web_server.services.objects.size(f"jobs/{job_id}/media") == long_wav.stat().st_size


def _note(
    request: Any,
    server: LiveServer,
    form_posts: list[str],
    s3_puts: list[str],
    s3_gets: list[str] | None = None,
) -> None:
    if request.method == "POST" and request.url.startswith(server.base_url + "/api/jobs"):
        form_posts.append(request.url)
    if not request.url.startswith(server.settings.aws_endpoint_url or "-"):
        return
    if request.method == "PUT":
        s3_puts.append(request.url)
    elif request.method == "GET" and s3_gets is not None:
        s3_gets.append(request.url)


def _only_job_id(server: LiveServer, filename: str) -> str:
    with server.client() as client:
        jobs = [
            job for job in client.get("/api/jobs").json()["jobs"] if job["filename"] == filename
        ]
    assert len(jobs) == 1
    return str(jobs[0]["id"])
