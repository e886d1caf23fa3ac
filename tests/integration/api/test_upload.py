"""POST /api/jobs: multipart uploads become queued jobs; bad uploads get JSON errors."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.integration.api.conftest import MAX_UPLOAD_MB
from tests.integration.api.helpers import assert_error, upload, upload_as, wait_finished
from tests.integration.api.live_server import LiveServer


def test_several_files_make_one_job_each(
    client: httpx.Client, user: str, speech_path: Path, small_video: Path
) -> None:
    response = upload_as(
        client,
        [(speech_path, "인터뷰.wav"), (small_video, "clip.mp4")],
        model="tiny.en",
        language="en",
        formats="srt,vtt",
        max_chars_per_line="30",
        max_lines="1",
        initial_prompt="subtitles",
        speed="fast",
    )

    assert response.status_code == 201, response.text
    jobs = response.json()["jobs"]
    assert [job["filename"] for job in jobs] == ["인터뷰.wav", "clip.mp4"]
    assert len({job["id"] for job in jobs}) == 2
    for job in jobs:
        assert job["status"] == "queued"
        assert job["progress"] == 0
        assert job["owner"] == user
        assert job["formats"] == ["srt", "vtt"]
        assert job["options"] == {
            "model": "tiny.en",
            "language": "en",
            "task": "transcribe",
            "formats": ["srt", "vtt"],
            "initial_prompt": "subtitles",
            "max_chars_per_line": 30,
            "max_lines": 1,
            "max_chars_per_s": None,
            "speed": "fast",
        }
    finished = [wait_finished(client, job["id"]) for job in jobs]
    assert [job["status"] for job in finished] == ["succeeded", "succeeded"]
    assert sorted(finished[0]["downloads"]) == ["srt", "vtt"]


def test_defaults_come_from_settings(
    client: httpx.Client, server: LiveServer, tone_wav: Path
) -> None:
    job = upload(client, tone_wav).json()["jobs"][0]

    assert job["options"]["model"] == server.settings.model
    assert job["options"]["language"] is None  # "auto": detect
    assert job["options"]["speed"] == server.settings.speed == "balanced"
    assert job["formats"] == ["srt", "vtt", "txt", "tsv", "json"]


def test_uploads_over_the_limit_get_413_and_leave_no_job(
    client: httpx.Client, media_dir: Path, tone_wav: Path
) -> None:
    big = media_dir / "big.wav"
    big.write_bytes(b"\0" * (MAX_UPLOAD_MB * 1024 * 1024 + 1))

    response = upload(client, tone_wav, big)

    message = assert_error(response, 413, "file_too_large")
    assert "big.wav" in message
    assert client.get("/api/jobs").json()["jobs"] == []
    assert upload(client, tone_wav).status_code == 201  # the server is fine afterwards


def test_exactly_the_limit_is_accepted(client: httpx.Client, media_dir: Path) -> None:
    edge = media_dir / "edge.bin"
    edge.write_bytes(b"\1" * (MAX_UPLOAD_MB * 1024 * 1024))

    assert upload(client, edge).status_code == 201


def test_no_file_is_a_422(client: httpx.Client) -> None:
    response = client.post("/api/jobs", files={"model": (None, "base")})
    assert_error(response, 422, "no_file")


def test_an_empty_file_is_a_422(client: httpx.Client, media_dir: Path) -> None:
    empty = media_dir / "empty.mp3"
    empty.write_bytes(b"")
    assert "empty.mp3" in assert_error(upload(client, empty), 422, "empty_file")


def test_a_json_body_is_a_415(client: httpx.Client) -> None:
    response = client.post("/api/jobs", json={"file": "nope"})
    assert_error(response, 415, "unsupported_media_type")


def test_bad_options_are_422_naming_the_field(client: httpx.Client, tone_wav: Path) -> None:
    cases = {
        "model": ("no-such-model", "unknown model"),
        "formats": ("srt,docx", "docx"),
        "language": ("korean!", "language code"),
        "task": ("summarise", "task"),
        "speed": ("slow", "speed: Input should be 'fast', 'balanced' or 'accurate'"),
        "max_lines": ("0", "max_lines"),
        "colour": ("blue", "colour"),
    }
    for name, (value, expected) in cases.items():
        files = {"file": ("tone.wav", tone_wav.read_bytes())}
        response = client.post("/api/jobs", files=files, data={name: value})
        message = assert_error(response, 422, "invalid_request")
        assert expected in message, (name, message)
    assert client.get("/api/jobs").json()["jobs"] == []


def test_format_all_and_case_are_understood(queued_client: httpx.Client, tone_wav: Path) -> None:
    job = upload(queued_client, tone_wav, formats="VTT, all").json()["jobs"][0]
    assert job["formats"] == ["vtt", "srt", "txt", "tsv", "json", "smi"]


def test_file_names_are_reduced_to_their_base_name(
    queued_client: httpx.Client, tone_wav: Path
) -> None:
    names = ["../../etc/passwd.wav", "C:\\Users\\me\\talk.wav"]
    jobs = upload_as(queued_client, [(tone_wav, name) for name in names]).json()["jobs"]
    assert [job["filename"] for job in jobs] == ["passwd.wav", "talk.wav"]


def test_owner_defaults_to_local(api_only: LiveServer, tone_wav: Path) -> None:
    with api_only.client() as anonymous:
        job = upload(anonymous, tone_wav).json()["jobs"][0]
        assert job["owner"] == "local"
        assert job["id"] in {j["id"] for j in anonymous.get("/api/jobs").json()["jobs"]}


def test_a_chunked_upload_with_an_rfc5987_file_name(
    queued_client: httpx.Client, tone_wav: Path
) -> None:
    boundary = "jamak-test-boundary"
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="fallback.wav"; '
        "filename*=UTF-8''%ED%95%9C%EA%B8%80.wav\r\n"
        "Content-Type: audio/wav\r\n\r\n"
    ).encode()
    tail = (
        f"\r\n--{boundary}\r\n"
        'Content-Disposition: form-data; name="formats"\r\n\r\nsrt\r\n'
        f"--{boundary}--\r\n"
    ).encode()
    data = tone_wav.read_bytes()

    def body() -> Iterator[bytes]:  # no Content-Length: sent chunked, in small pieces
        yield head
        for start in range(0, len(data), 7000):
            yield data[start : start + 7000]
        yield tail

    response = queued_client.post(
        "/api/jobs",
        content=body(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )

    assert response.status_code == 201, response.text
    job = response.json()["jobs"][0]
    assert job["filename"] == "한글.wav"
    assert job["formats"] == ["srt"]
    assert queued_client.get(job["links"]["media"]).content == data


def test_a_queued_job_knows_its_length_from_the_header(
    queued_client: httpx.Client, tone_wav: Path, tmp_path: Path
) -> None:
    """The express worker picks short jobs by it before any worker has touched them; a file
    whose header can't be read is still accepted, its length unknown."""
    garbage = tmp_path / "noise.bin"
    garbage.write_bytes(random.Random(5).randbytes(8192))

    response = upload(queued_client, tone_wav, garbage)

    assert response.status_code == 201, response.text
    tone, unreadable = response.json()["jobs"]
    assert tone["status"] == unreadable["status"] == "queued"
    assert abs(tone["declared_s"] - 1.0) < 0.05
    assert unreadable["declared_s"] is None
    assert tone["duration_s"] is None  # measured by a worker, not taken from the header
