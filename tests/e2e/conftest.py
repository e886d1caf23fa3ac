"""A live jamak server and Debian's Chromium, driven by Playwright, for the web app tests.

Playwright's own browser downloads are never used (no network for them here): the tests
launch the system Chromium at /usr/bin/chromium, and skip with a reason where it is absent.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from jamak.jobs.recognizers import scripted_recognizers
from tests.integration.api.live_server import LiveServer, live_server, server_settings
from tests.support.matrix import SpeechClip
from tests.support.media import make_video

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = server_settings(tmp_path_factory.mktemp("web"), max_upload_mb=20)
    scripted = functools.partial(scripted_recognizers, steps=5, seconds_per_step=0.2)
    with live_server(settings, workers=1, recognizer_factory=scripted) as running:
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if shutil.which(CHROMIUM) is None:
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def webm_clip(media_dir: Path, speech_wav: SpeechClip) -> Path:
    """A small WebM video (VP8 + Opus) with speech: a format every Chromium build plays."""
    return make_video(media_dir / "강의 clip.webm", audio_wav=speech_wav.path)


@pytest.fixture(scope="session")
def not_media(media_dir: Path) -> Path:
    path = media_dir / "notes.mp4"
    path.write_text("this is a text file with a video name\n" * 20)
    return path
