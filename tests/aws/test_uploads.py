"""Browser-style uploads on the AWS backend, over real HTTP end to end: the API (uvicorn)
hands out presigned URLs, httpx PUTs the bytes straight to S3 (moto's server), and
"complete" turns the upload into a job that runs and yields subtitles."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from jamak.api.app import create_app
from jamak.bootstrap import build_services
from jamak.jobs.recognizers import scripted_recognizers
from jamak.settings import Settings
from tests.aws.live_server import aws_live_server
from tests.aws.moto_support import moto_session
from tests.integration.api.helpers import assert_error, wait_finished
from tests.integration.api.live_server import LiveServer
from tests.support.matrix import SpeechClip

pytestmark = pytest.mark.aws

MIB = 1024 * 1024


@pytest.fixture(scope="module")
def aws_api(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    scripted = functools.partial(scripted_recognizers, steps=2, seconds_per_step=0.0)
    with aws_live_server(
        moto_endpoint,
        recognizer_factory=scripted,
        data_dir=tmp_path_factory.mktemp("aws-uploads"),
        max_upload_mb=64,
        aws_multipart_threshold_mb=5,  # S3's smallest part, so a 12 MiB file goes multipart
        aws_multipart_part_mb=5,
    ) as running:
        yield running


@pytest.fixture
def api(aws_api: LiveServer) -> Iterator[httpx.Client]:
    with aws_api.client(user=f"uploader-{os.getpid()}") as client:
        yield client


def _bucket_keys(server: LiveServer, prefix: str) -> list[str]:
    s3 = moto_session().client("s3", endpoint_url=server.settings.aws_endpoint_url)
    listed = s3.list_objects_v2(Bucket=server.settings.aws_bucket, Prefix=prefix)
    return sorted(obj["Key"] for obj in listed.get("Contents", []))


def _start(api: httpx.Client, filename: str, size: int, **options: Any) -> dict[str, Any]:
    body = {"filename": filename, "size_bytes": size, "options": options}
    response = api.post("/api/uploads", json=body)
    assert response.status_code == 201, response.text
    ticket: dict[str, Any] = response.json()
    return ticket


def test_single_put_upload_becomes_a_job_with_subtitles(
    api: httpx.Client, aws_api: LiveServer, speech_wav: SpeechClip
) -> None:
    data = speech_wav.path.read_bytes()
    ticket = _start(api, "interview.wav", len(data), formats="srt,vtt", speed="accurate")
    assert ticket["multipart"] is None

    put = httpx.put(ticket["url"], content=data)
    assert put.status_code == 200, put.text
    completed = api.post(ticket["complete_url"])

    assert completed.status_code == 201, completed.text
    job = completed.json()
    assert job["id"] == ticket["job_id"]
    assert job["filename"] == "interview.wav"
    assert job["formats"] == ["srt", "vtt"]
    assert job["options"]["speed"] == "accurate"
    finished = wait_finished(api, job["id"])
    assert finished["status"] == "succeeded", finished
    assert finished["options"]["speed"] == "accurate"  # kept through DynamoDB and the worker
    srt = api.get(finished["downloads"]["srt"])
    assert srt.status_code == 200
    assert "-->" in srt.text
    assert 'filename="interview.srt"' in srt.headers["content-disposition"]
    sfn = moto_session().client("stepfunctions", endpoint_url=aws_api.settings.aws_endpoint_url)
    executions = sfn.list_executions(stateMachineArn=aws_api.settings.aws_state_machine_arn)
    assert job["id"] in {e["name"] for e in executions["executions"]}

    # Players can fetch the media from S3 itself: Lambda answers at most 6 MB.
    redirect = api.get(f"/api/jobs/{job['id']}/media", params={"direct": "true"})
    assert redirect.status_code == 307
    location = redirect.headers["location"]
    assert location.startswith(aws_api.settings.aws_endpoint_url or "-")
    ranged = httpx.get(location, headers={"Range": "bytes=0-99"})
    assert ranged.status_code == 206 and ranged.content == data[:100]
    assert ranged.headers["content-type"] == "audio/wav"


def test_multipart_upload_of_a_large_file(api: httpx.Client, aws_api: LiveServer) -> None:
    data = os.urandom(12 * MIB)
    ticket = _start(api, "long film.mkv", len(data))
    multipart = ticket["multipart"]
    assert ticket["url"] is None
    part_size = multipart["part_size_bytes"]
    assert part_size == 5 * MIB
    assert [p["part_number"] for p in multipart["parts"]] == [1, 2, 3]

    etags = []
    for part in multipart["parts"]:
        start = (part["part_number"] - 1) * part_size
        put = httpx.put(part["url"], content=data[start : start + part_size])
        assert put.status_code == 200, put.text
        etags.append({"part_number": part["part_number"], "etag": put.headers["etag"]})
    completed = api.post(
        ticket["complete_url"], json={"upload_id": multipart["upload_id"], "parts": etags}
    )

    assert completed.status_code == 201, completed.text
    job_id = completed.json()["id"]
    media = api.get(f"/api/jobs/{job_id}/media", headers={"Range": "bytes=0-1023"})
    assert media.status_code == 206
    assert media.content == data[:1024]
    assert aws_api.services.objects.size(f"jobs/{job_id}/media") == len(data)


def test_a_slow_multipart_upload_gets_its_part_urls_signed_again(
    api: httpx.Client, aws_api: LiveServer
) -> None:
    data = os.urandom(11 * MIB)
    ticket = _start(api, "slow film.mkv", len(data))
    multipart = ticket["multipart"]
    size = multipart["part_size_bytes"]
    first = multipart["parts"][0]
    put = httpx.put(first["url"], content=data[:size])
    assert put.status_code == 200, put.text
    etags = [{"part_number": 1, "etag": put.headers["etag"]}]

    # The other parts' URLs expired meanwhile (S3 would answer 403): sign them again.
    renewed = api.post(f"/api/uploads/{ticket['job_id']}/urls", json={"part_numbers": [2, 3]})

    assert renewed.status_code == 200, renewed.text
    again = renewed.json()
    assert again["job_id"] == ticket["job_id"] and again["url"] is None
    assert again["complete_url"] == ticket["complete_url"]
    assert again["expires_in_s"] == aws_api.settings.aws_presign_expiry_s
    fresh = again["multipart"]
    assert fresh["upload_id"] == multipart["upload_id"]  # the same upload goes on
    assert fresh["part_size_bytes"] == size
    assert [p["part_number"] for p in fresh["parts"]] == [2, 3]
    for part in fresh["parts"]:
        signed = parse_qs(urlsplit(part["url"]).query)
        assert signed["partNumber"] == [str(part["part_number"])]
        assert signed["uploadId"] == [multipart["upload_id"]]
        assert "content-length" in signed["X-Amz-SignedHeaders"][0]  # still length-signed
        start = (part["part_number"] - 1) * size
        put = httpx.put(part["url"], content=data[start : start + size])
        assert put.status_code == 200, put.text
        etags.append({"part_number": part["part_number"], "etag": put.headers["etag"]})
    # No part numbers: every part of the upload.
    every = api.post(f"/api/uploads/{ticket['job_id']}/urls").json()["multipart"]["parts"]
    assert [p["part_number"] for p in every] == [1, 2, 3]

    completed = api.post(
        ticket["complete_url"], json={"upload_id": multipart["upload_id"], "parts": etags}
    )
    assert completed.status_code == 201, completed.text
    assert aws_api.services.objects.size(f"jobs/{ticket['job_id']}/media") == len(data)
    # A job now: nothing is left to sign.
    assert_error(api.post(f"/api/uploads/{ticket['job_id']}/urls"), 409, "already_completed")


def test_a_single_put_url_is_signed_again(api: httpx.Client) -> None:
    ticket = _start(api, "short.wav", 1000)
    renewed = api.post(f"/api/uploads/{ticket['job_id']}/urls")
    assert renewed.status_code == 200, renewed.text
    signed = parse_qs(urlsplit(renewed.json()["url"]).query)
    assert "content-length" in signed["X-Amz-SignedHeaders"][0]
    assert renewed.json()["multipart"] is None

    assert_error(api.post("/api/uploads/0123456789abcdef/urls"), 404, "upload_not_found")
    assert_error(api.post(f"/api/uploads/{ticket['job_id']}/urls", json={"part_numbers": [0]}), 422)


def test_completing_twice_gives_the_same_job(api: httpx.Client, speech_wav: SpeechClip) -> None:
    data = speech_wav.path.read_bytes()
    ticket = _start(api, "twice.wav", len(data))
    httpx.put(ticket["url"], content=data).raise_for_status()

    first = api.post(ticket["complete_url"])
    second = api.post(ticket["complete_url"])

    assert first.status_code == 201 and second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["created_at"] == second.json()["created_at"]


def test_complete_before_the_bytes_arrive_is_a_conflict(api: httpx.Client) -> None:
    ticket = _start(api, "nothing-yet.wav", 1000)
    assert_error(api.post(ticket["complete_url"]), 409, "upload_incomplete")
    assert_error(api.get(f"/api/jobs/{ticket['job_id']}"), 404)


def test_an_upload_of_another_size_than_announced_is_refused(
    api: httpx.Client, speech_wav: SpeechClip
) -> None:
    data = speech_wav.path.read_bytes()
    ticket = _start(api, "short.wav", len(data) + 10)
    # The URL is signed for len(data) + 10 bytes: S3 itself answers 403 to this PUT
    # (tests/aws/test_signed_lengths.py). moto does not check presigned signatures and
    # stores it, which lets this test reach the second line: the size check at "complete".
    httpx.put(ticket["url"], content=data).raise_for_status()
    assert_error(api.post(ticket["complete_url"]), 409, "upload_size_mismatch")


def test_too_large_unknown_and_invalid_uploads_are_refused(api: httpx.Client) -> None:
    body = {"filename": "huge.mkv", "size_bytes": 65 * MIB}
    assert_error(api.post("/api/uploads", json=body), 413, "file_too_large")
    assert_error(api.post("/api/uploads/0123456789abcdef/complete"), 404, "upload_not_found")
    bad = {"filename": "x.wav", "size_bytes": 10, "options": {"formats": "doc"}}
    assert_error(api.post("/api/uploads", json=bad), 422)
    slow = {"filename": "x.wav", "size_bytes": 10, "options": {"speed": "slow"}}
    assert "options.speed" in assert_error(api.post("/api/uploads", json=slow), 422)


def test_aborting_a_multipart_upload_leaves_nothing_behind(
    api: httpx.Client, aws_api: LiveServer
) -> None:
    ticket = _start(api, "abandoned.mkv", 11 * MIB)
    first = ticket["multipart"]["parts"][0]
    httpx.put(first["url"], content=os.urandom(5 * MIB)).raise_for_status()

    response = api.delete(f"/api/uploads/{ticket['job_id']}")

    assert response.status_code == 204
    assert _bucket_keys(aws_api, f"jobs/{ticket['job_id']}/") == []
    s3 = moto_session().client("s3", endpoint_url=aws_api.settings.aws_endpoint_url)
    uploads = s3.list_multipart_uploads(
        Bucket=aws_api.settings.aws_bucket, Prefix=f"jobs/{ticket['job_id']}/"
    )
    assert uploads.get("Uploads", []) == []


def test_deleting_a_job_removes_its_objects_from_the_bucket(
    api: httpx.Client, aws_api: LiveServer, speech_wav: SpeechClip
) -> None:
    data = speech_wav.path.read_bytes()
    ticket = _start(api, "gone.wav", len(data), formats="srt")
    httpx.put(ticket["url"], content=data).raise_for_status()
    job_id = api.post(ticket["complete_url"]).json()["id"]
    assert wait_finished(api, job_id)["status"] == "succeeded"
    assert _bucket_keys(aws_api, f"jobs/{job_id}/") == [
        f"jobs/{job_id}/document.json",  # the other formats, written on request
        f"jobs/{job_id}/media",
        f"jobs/{job_id}/subtitles.srt",
        f"jobs/{job_id}/upload.json",
    ]

    assert api.delete(f"/api/jobs/{job_id}").status_code == 204

    assert _bucket_keys(aws_api, f"jobs/{job_id}/") == []
    assert_error(api.get(f"/api/jobs/{job_id}"), 404)


def test_embedded_backend_answers_501_and_points_to_the_form_upload(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    services = build_services(settings)
    try:
        with TestClient(create_app(services)) as client:
            response = client.post("/api/uploads", json={"filename": "a.wav", "size_bytes": 1})
    finally:
        services.close()
    assert response.status_code == 501
    assert "POST /api/jobs" in response.json()["error"]["message"]
