"""Subtitle downloads on the AWS backend past what Lambda may answer (6 MB): the API hands
the stored file over as a redirect to a signed S3 URL, so a JSON document of a five-hour
recording downloads like a short one. Over real HTTP against moto's S3, with the inline
limit lowered to 1 KiB so a short job's document passes it."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from jamak.jobs.recognizers import scripted_recognizers
from tests.aws.live_server import aws_live_server
from tests.integration.api.helpers import assert_error, wait_finished
from tests.integration.api.live_server import LiveServer
from tests.support.matrix import SpeechClip

pytestmark = pytest.mark.aws

INLINE_LIMIT_BYTES = 1024


@pytest.fixture(scope="module")
def aws_api(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    scripted = functools.partial(scripted_recognizers, steps=2, seconds_per_step=0.0)
    with aws_live_server(
        moto_endpoint,
        recognizer_factory=scripted,
        data_dir=tmp_path_factory.mktemp("aws-downloads"),
        aws_inline_download_max_kb=INLINE_LIMIT_BYTES // 1024,
    ) as running:
        yield running


@pytest.fixture(scope="module")
def finished_job(aws_api: LiveServer, speech_wav: SpeechClip) -> dict[str, Any]:
    with aws_api.client(user=f"downloader-{os.getpid()}") as api:
        data = speech_wav.path.read_bytes()
        # SRT alone: the JSON served is the document every job keeps.
        options = {"formats": "srt"}
        body = {"filename": "강의 녹음.wav", "size_bytes": len(data), "options": options}
        ticket = api.post("/api/uploads", json=body).json()
        assert httpx.put(ticket["url"], content=data).status_code == 200
        completed = api.post(ticket["complete_url"])
        assert completed.status_code == 201, completed.text
        job = wait_finished(api, completed.json()["id"])
    assert job["status"] == "succeeded", job
    return job


@pytest.fixture
def api(aws_api: LiveServer) -> Iterator[httpx.Client]:
    with aws_api.client(user=f"downloader-{os.getpid()}") as client:
        yield client


def test_a_document_past_the_limit_is_a_redirect_to_s3(
    api: httpx.Client, aws_api: LiveServer, finished_job: dict[str, Any]
) -> None:
    url = f"/api/jobs/{finished_job['id']}/subtitles.json"
    redirect = api.get(url)

    assert redirect.status_code == 307
    assert redirect.headers["cache-control"] == "no-store"
    location = redirect.headers["location"]
    assert location.startswith(aws_api.settings.aws_endpoint_url or "-")
    stored = httpx.get(location)
    assert stored.status_code == 200
    assert len(stored.content) > INLINE_LIMIT_BYTES
    assert stored.json()["segments"], "the document holds the transcript"
    assert stored.headers["content-type"] == "application/json"
    assert (
        "filename*=UTF-8''%EA%B0%95%EC%9D%98%20%EB%85%B9%EC%9D%8C.json"
        in (stored.headers["content-disposition"])
    )
    followed = api.get(url, follow_redirects=True)
    assert followed.content == stored.content


def test_a_small_file_is_answered_by_the_api_unless_direct_is_asked(
    api: httpx.Client, finished_job: dict[str, Any]
) -> None:
    url = f"/api/jobs/{finished_job['id']}/subtitles.srt"
    inline = api.get(url)
    assert inline.status_code == 200
    assert "-->" in inline.text
    assert len(inline.content) <= INLINE_LIMIT_BYTES

    redirect = api.get(url, params={"direct": "true"})
    assert redirect.status_code == 307
    stored = httpx.get(redirect.headers["location"])
    assert stored.content == inline.content
    assert stored.headers["content-type"] == "application/x-subrip; charset=utf-8"


def test_a_format_written_on_request_is_answered_by_the_api(
    api: httpx.Client, finished_job: dict[str, Any]
) -> None:
    # Not stored as a file (the job asked for SRT only), so there is nothing to sign.
    assert "tsv" not in finished_job["formats"]
    answer = api.get(f"/api/jobs/{finished_job['id']}/subtitles.tsv", params={"direct": "true"})
    assert answer.status_code == 200
    assert answer.text.startswith("start\tend\ttext")


def test_an_upload_not_completed_has_nothing_to_sign(api: httpx.Client) -> None:
    body = {"filename": "pending.wav", "size_bytes": 1000, "options": {}}
    ticket = api.post("/api/uploads", json=body).json()
    answer = api.get(f"/api/jobs/{ticket['job_id']}/subtitles.json", params={"direct": "true"})
    assert_error(answer, 404, "job_not_found")
