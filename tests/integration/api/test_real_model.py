"""One real recognition over HTTP: tiny.en in a real worker process, on espeak-ng speech."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import srt

from jamak.jobs.recognizers import model_registry_recognizers
from tests.integration.api.helpers import submit, wait_finished
from tests.integration.api.live_server import LiveServer, live_server, server_settings
from tests.support.matrix import SpeechClip

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def whisper_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = server_settings(tmp_path_factory.mktemp("whisper"), model="tiny.en", cpu_threads=2)
    with live_server(settings, workers=1, recognizer_factory=model_registry_recognizers) as srv:
        yield srv


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def test_tiny_en_transcribes_speech_into_an_srt(
    whisper_server: LiveServer, speech_wav: SpeechClip
) -> None:
    with whisper_server.client(user="whisper") as http:
        job = submit(http, speech_wav.path, model="tiny.en", language="en", formats="srt,vtt")
        finished = wait_finished(http, job["id"], timeout_s=240)
        assert finished["status"] == "succeeded", finished["error"]
        response = http.get(f"/api/jobs/{job['id']}/subtitles.srt")

    cues = list(srt.parse(response.text))
    assert cues
    heard = words(" ".join(cue.content for cue in cues))
    expected = words(speech_wav.text)
    assert len(heard & expected) >= 0.7 * len(expected), heard
    assert cues[-1].end.total_seconds() <= speech_wav.duration_s + 0.5
    assert finished["language"] == "en"
    assert abs(finished["duration_s"] - speech_wav.duration_s) < 0.1
