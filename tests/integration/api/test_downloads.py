"""GET /api/jobs/{id}/subtitles.{format}: every format, its content type and file name."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import httpx
import pycaption
import pytest
import srt
import webvtt

from tests.integration.api.helpers import assert_error, submit, wait_finished
from tests.integration.api.live_server import LiveServer

SCRIPT = "hello from the scripted recogniser"  # what ScriptedRecognizer "hears"


@pytest.fixture(scope="module")
def finished_job(server: LiveServer, speech_path: Path) -> dict[str, str]:
    """One job in every format, uploaded under a Korean name with two dots in it."""
    with server.client(user="downloads") as http:
        response = http.post(
            "/api/jobs",
            files=[("file", ("강의 녹음.final.wav", speech_path.read_bytes(), "audio/wav"))],
            data={"formats": "all"},
        )
        job = wait_finished(http, response.json()["jobs"][0]["id"])
    assert job["status"] == "succeeded"
    return job


def download(client: httpx.Client, job: dict[str, str], name: str) -> httpx.Response:
    response = client.get(f"/api/jobs/{job['id']}/subtitles.{name}")
    assert response.status_code == 200, response.text
    return response


def test_srt(client: httpx.Client, finished_job: dict[str, str]) -> None:
    response = download(client, finished_job, "srt")
    assert response.headers["content-type"].startswith("application/x-subrip")
    cues = list(srt.parse(response.text))
    assert " ".join(cue.content for cue in cues).split() == SCRIPT.split()
    assert cues[0].start.total_seconds() >= 0


def test_vtt(client: httpx.Client, finished_job: dict[str, str]) -> None:
    response = download(client, finished_job, "vtt")
    assert response.headers["content-type"].startswith("text/vtt")
    captions = webvtt.from_string(response.text).captions
    assert " ".join(caption.text for caption in captions).split() == SCRIPT.split()


def test_txt(client: httpx.Client, finished_job: dict[str, str]) -> None:
    response = download(client, finished_job, "txt")
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.split() == SCRIPT.split()


def test_tsv(client: httpx.Client, finished_job: dict[str, str]) -> None:
    response = download(client, finished_job, "tsv")
    assert "tab-separated-values" in response.headers["content-type"]
    rows = list(csv.reader(io.StringIO(response.text), delimiter="\t"))
    assert len(rows) >= 2 and all(len(row) == len(rows[0]) for row in rows)
    assert SCRIPT.split(maxsplit=1)[0] in response.text


def test_json(client: httpx.Client, finished_job: dict[str, str]) -> None:
    response = download(client, finished_job, "json")
    assert response.headers["content-type"].startswith("application/json")
    document = json.loads(response.text)
    assert SCRIPT.rsplit(maxsplit=1)[-1] in json.dumps(document)


def test_smi(client: httpx.Client, finished_job: dict[str, str]) -> None:
    response = download(client, finished_job, "smi")
    assert response.headers["content-type"].startswith("application/x-sami")
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8, said to players that guess
    captions = pycaption.SAMIReader().read(response.content.decode("utf-8-sig"))
    (language,) = captions.get_languages()
    words = [
        node.content for c in captions.get_captions(language) for node in c.nodes if node.content
    ]
    assert " ".join(words).split() == SCRIPT.split()


def test_download_name_comes_from_the_upload(
    client: httpx.Client, finished_job: dict[str, str]
) -> None:
    for name, extension in [("srt", "srt"), ("vtt", "vtt"), ("json", "json"), ("smi", "smi")]:
        disposition = download(client, finished_job, name).headers["content-disposition"]
        assert disposition.startswith("attachment;")
        assert "filename*=UTF-8''%EA%B0%95%EC%9D%98%20%EB%85%B9%EC%9D%8C.final." + extension in (
            disposition
        )
        assert 'filename="' in disposition  # an ASCII fallback for old clients


def test_direct_gives_the_same_file_wherever_it_comes_from(
    client: httpx.Client, finished_job: dict[str, str]
) -> None:
    # Embedded: answered as without `direct`; AWS: a redirect to S3, which the client follows.
    url = f"/api/jobs/{finished_job['id']}/subtitles.json"
    direct = client.get(url, params={"direct": "true"}, follow_redirects=True)
    assert direct.status_code == 200
    assert direct.content == download(client, finished_job, "json").content
    assert direct.headers["content-type"] == "application/json"


def test_unknown_format_is_404(client: httpx.Client, finished_job: dict[str, str]) -> None:
    assert_error(client.get(f"/api/jobs/{finished_job['id']}/subtitles.docx"), 404)


def test_a_format_not_asked_for_is_written_when_downloaded(
    client: httpx.Client, speech_path: Path
) -> None:
    """Choosing a format after the job ran needs no second run: the job lists every other
    format under ``more_downloads``, each written from the job's transcript and cues."""
    job = wait_finished(client, submit(client, speech_path, formats="srt")["id"])
    assert list(job["downloads"]) == ["srt"]
    assert list(job["more_downloads"]) == ["vtt", "txt", "tsv", "json", "smi"]
    cues = list(srt.parse(download(client, job, "srt").text))
    response = client.get(job["more_downloads"]["vtt"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/vtt")
    captions = webvtt.from_string(response.text).captions
    ms = timedelta(milliseconds=1)
    assert [
        (c.start_time.in_milliseconds(), c.end_time.in_milliseconds(), c.text) for c in captions
    ] == [(c.start // ms, c.end // ms, c.content) for c in cues]
    assert "attachment" in response.headers["content-disposition"]


def test_unfinished_job_is_409(queued_client: httpx.Client, tone_wav: Path) -> None:
    job = submit(queued_client, tone_wav)
    message = assert_error(
        queued_client.get(f"/api/jobs/{job['id']}/subtitles.srt"), 409, "not_finished"
    )
    assert "queued" in message


def test_unknown_job_is_404(client: httpx.Client) -> None:
    assert_error(client.get("/api/jobs/abcdef0123/subtitles.srt"), 404, "job_not_found")
