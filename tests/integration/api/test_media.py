"""GET /api/jobs/{id}/media: the original file, with byte ranges for seeking players."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from jamak.media import probe
from tests.integration.api.helpers import assert_error, submit, wait_finished
from tests.support.matrix import SpeechClip
from tests.support.media import make_video


@pytest.fixture
def video_job(queued_client: httpx.Client, small_video: Path) -> str:
    return str(submit(queued_client, small_video)["id"])


def test_whole_file_with_guessed_type(
    queued_client: httpx.Client, video_job: str, small_video: Path
) -> None:
    response = queued_client.get(f"/api/jobs/{video_job}/media")

    assert response.status_code == 200
    assert response.content == small_video.read_bytes()
    assert response.headers["content-type"] == "video/mp4"
    assert response.headers["accept-ranges"] == "bytes"
    assert int(response.headers["content-length"]) == small_video.stat().st_size


def test_direct_media_gives_the_same_bytes_wherever_it_comes_from(
    queued_client: httpx.Client, video_job: str, small_video: Path
) -> None:
    # Embedded: served as without `direct`; AWS: a redirect to S3, which the client follows.
    response = queued_client.get(
        f"/api/jobs/{video_job}/media", params={"direct": "true"}, follow_redirects=True
    )

    assert response.status_code == 200
    assert response.content == small_video.read_bytes()
    assert response.headers["content-type"] == "video/mp4"


@pytest.mark.parametrize(
    ("header", "start", "stop"),
    [
        ("bytes=0-0", 0, 1),
        ("bytes=0-99", 0, 100),
        ("bytes=100-", 100, None),
        ("bytes=-50", -50, None),
        ("bytes=10-10", 10, 11),
        ("bytes=200-999999999", 200, None),
    ],
)
def test_ranges_are_exact(
    queued_client: httpx.Client,
    video_job: str,
    small_video: Path,
    header: str,
    start: int,
    stop: int | None,
) -> None:
    original = small_video.read_bytes()
    size = len(original)
    expected = original[start:stop]

    response = queued_client.get(f"/api/jobs/{video_job}/media", headers={"Range": header})

    assert response.status_code == 206
    assert response.content == expected
    first = start % size
    assert response.headers["content-range"] == f"bytes {first}-{first + len(expected) - 1}/{size}"
    assert int(response.headers["content-length"]) == len(expected)
    assert response.headers["accept-ranges"] == "bytes"


def test_a_range_past_the_end_is_416(
    queued_client: httpx.Client, video_job: str, small_video: Path
) -> None:
    size = small_video.stat().st_size

    response = queued_client.get(
        f"/api/jobs/{video_job}/media", headers={"Range": f"bytes={size}-"}
    )

    assert_error(response, 416, "range_not_satisfiable")
    assert response.headers["content-range"] == f"bytes */{size}"


def test_malformed_or_multiple_ranges_get_the_whole_file(
    queued_client: httpx.Client, video_job: str, small_video: Path
) -> None:
    for header in ["bytes=0-1,5-6", "items=0-1", "bytes=9-2", "bytes=abc"]:
        response = queued_client.get(f"/api/jobs/{video_job}/media", headers={"Range": header})
        assert response.status_code == 200, header
        assert response.content == small_video.read_bytes()


def test_audio_type_follows_the_uploaded_name(queued_client: httpx.Client, tone_wav: Path) -> None:
    job = submit(queued_client, tone_wav)
    response = queued_client.get(f"/api/jobs/{job['id']}/media")
    assert response.headers["content-type"] == "audio/wav"


def test_unknown_job_media_is_404(queued_client: httpx.Client) -> None:
    assert_error(queued_client.get("/api/jobs/0000aaaa/media"), 404, "job_not_found")


@pytest.fixture(scope="session")
def mpeg1_video(media_dir: Path, speech_path: Path) -> Path:
    return make_video(media_dir / "api-tape.mpg", audio_wav=speech_path)


@pytest.mark.parametrize("direct", ["false", "true"])
def test_an_upload_browsers_cannot_play_gets_a_listening_copy(
    client: httpx.Client, mpeg1_video: Path, speech_wav: SpeechClip, tmp_path: Path, direct: str
) -> None:
    job_id = str(submit(client, mpeg1_video)["id"])
    assert wait_finished(client, job_id)["status"] == "succeeded"

    original = client.get(f"/api/jobs/{job_id}/media")
    copy = client.get(
        f"/api/jobs/{job_id}/media",
        params={"playable": "true", "direct": direct},
        follow_redirects=True,
    )

    assert original.content == mpeg1_video.read_bytes()
    assert copy.status_code == 200
    assert copy.headers["content-type"] == "audio/mp4"
    saved = tmp_path / "copy.m4a"
    saved.write_bytes(copy.content)
    info = probe(saved)
    assert not info.has_video
    assert [stream.codec for stream in info.audio_streams] == ["aac"]
    assert abs(info.duration_s - speech_wav.duration_s) < 0.3


def test_a_playable_upload_is_served_as_it_is(
    queued_client: httpx.Client, video_job: str, small_video: Path
) -> None:
    response = queued_client.get(f"/api/jobs/{video_job}/media", params={"playable": "true"})

    assert response.content == small_video.read_bytes()
    assert response.headers["content-type"] == "video/mp4"


def test_before_its_copy_exists_a_job_serves_its_upload(
    queued_client: httpx.Client, mpeg1_video: Path
) -> None:
    job_id = str(submit(queued_client, mpeg1_video)["id"])

    response = queued_client.get(f"/api/jobs/{job_id}/media", params={"playable": "true"})

    assert response.status_code == 200
    assert response.content == mpeg1_video.read_bytes()
