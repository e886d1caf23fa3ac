"""The web app on the AWS backend, in headless Chromium: files go from the browser straight to
S3 (moto's server) through presigned URLs, as they must behind API Gateway and Lambda, whose
request bodies are capped at a few megabytes; the API only signs, completes and reports.
"""

from __future__ import annotations

import functools
import shutil
import wave
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from jamak.jobs.recognizers import scripted_recognizers
from tests.aws.live_server import aws_live_server
from tests.aws.moto_support import set_fake_credentials, shared_endpoint
from tests.e2e.test_web_app import DESKTOP, Tab, only_job_id, open_app, upload_and_wait
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


@dataclass
class Traffic:
    """What the page sent: form uploads to the API, and PUTs and GETs straight to S3."""

    form_posts: list[str] = field(default_factory=list)
    s3_puts: list[str] = field(default_factory=list)
    s3_gets: list[str] = field(default_factory=list)


@pytest.fixture
def traffic(aws_page: Any, aws_web_server: LiveServer) -> Traffic:
    seen = Traffic()
    api_jobs = aws_web_server.base_url + "/api/jobs"
    s3 = aws_web_server.settings.aws_endpoint_url or "-"

    def note(request: Any) -> None:
        if request.method == "POST" and request.url.startswith(api_jobs):
            seen.form_posts.append(request.url)
        elif request.url.startswith(s3) and request.method in ("PUT", "GET"):
            (seen.s3_puts if request.method == "PUT" else seen.s3_gets).append(request.url)

    aws_page.on("request", note)
    return seen


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
    aws_page: Any, aws_web_server: LiveServer, traffic: Traffic, webm_clip: Path
) -> None:
    page = aws_page
    page.locator("#speed").select_option("fast")
    upload_and_wait(page, webm_clip)
    page.locator("#cues li").first.wait_for()
    assert traffic.form_posts == []  # nothing went through POST /api/jobs
    assert len(traffic.s3_puts) == 1 and "X-Amz-Signature" in traffic.s3_puts[0]
    # The player streams the media from S3 too (Lambda could not answer with a large file).
    page.wait_for_function("() => document.querySelector('#video').readyState >= 1")
    assert any("/media" in url and "X-Amz-Signature" in url for url in traffic.s3_gets)
    job_id = only_job_id(aws_web_server, webm_clip.name)
    stored = aws_web_server.services.objects.size(f"jobs/{job_id}/media")
    assert stored == webm_clip.stat().st_size
    with aws_web_server.client() as client:  # the chosen speed came along the direct path
        assert client.get(f"/api/jobs/{job_id}").json()["options"]["speed"] == "fast"


def test_a_large_file_goes_up_in_parts_and_becomes_a_job(
    aws_page: Any, aws_web_server: LiveServer, traffic: Traffic, long_wav: Path
) -> None:
    upload_and_wait(aws_page, long_wav)
    assert traffic.form_posts == []
    assert len(traffic.s3_puts) == 3 and all("partNumber=" in url for url in traffic.s3_puts)
    job_id = only_job_id(aws_web_server, long_wav.name)
    assert aws_web_server.services.objects.size(f"jobs/{job_id}/media") == long_wav.stat().st_size


def test_a_part_whose_url_expired_is_signed_again_and_sent_once_more(
    aws_page: Any, aws_web_server: LiveServer, traffic: Traffic, long_wav: Path, tmp_path: Path
) -> None:
    """S3 answers 403 to a URL past its expiry (a slow upload): the page asks the API to
    sign that part again (POST /api/uploads/<id>/urls) and PUTs it to the fresh URL."""
    s3 = aws_web_server.settings.aws_endpoint_url or "-"
    refused: list[str] = []
    renewals: list[str] = []

    def expire_part_two_once(route: Any) -> None:
        request = route.request
        if request.method == "PUT" and "partNumber=2" in request.url and not refused:
            refused.append(request.url)
            route.fulfill(
                status=403,
                headers={"Access-Control-Allow-Origin": "*"},
                content_type="application/xml",
                body="<Error><Code>AccessDenied</Code><Message>expired</Message></Error>",
            )
        else:
            route.continue_()

    aws_page.route(f"{s3}/**", expire_part_two_once)
    aws_page.on(
        "request",
        lambda request: (
            renewals.append(request.post_data or "")
            if request.method == "POST" and request.url.endswith("/urls")
            else None
        ),
    )

    slow = tmp_path / "slow lecture.wav"  # a name of its own among the module's jobs
    shutil.copyfile(long_wav, slow)
    upload_and_wait(aws_page, slow)

    assert len(refused) == 1
    assert renewals == ['{"part_numbers":[2]}']
    part_two = [url for url in traffic.s3_puts if "partNumber=2" in url]
    assert len(part_two) == 2  # refused, then sent again to the freshly signed URL
    job_id = only_job_id(aws_web_server, slow.name)
    assert aws_web_server.services.objects.size(f"jobs/{job_id}/media") == slow.stat().st_size
