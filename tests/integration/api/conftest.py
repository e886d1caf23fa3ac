"""Servers and media shared by the API tests.

Two long-lived servers keep the suite quick: ``server`` has one real worker process with
the scripted recogniser (slowed a little, so progress has steps to watch), and ``api_only``
has no workers at all (``jamak serve --workers 0``), so its jobs stay queued for exactly as
long as a test needs. Each test talks as its own ``X-Jamak-User`` so lists never mix.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from jamak.jobs.recognizers import scripted_recognizers
from tests.integration.api.auth_server import AuthServer, auth_server
from tests.integration.api.live_server import LiveServer, live_server, server_settings
from tests.support.matrix import SpeechClip
from tests.support.media import make_tone, make_video

# Small on purpose: the 413 test uploads just over it.
MAX_UPLOAD_MB = 2


@pytest.fixture(scope="session")
def speech_path(speech_wav: SpeechClip) -> Path:
    """The shared English sentence (tests/conftest.py), as a file to upload."""
    return speech_wav.path


@pytest.fixture(scope="session")
def tone_wav(media_dir: Path) -> Path:
    return make_tone(media_dir / "api-tone.wav", 1.0)


@pytest.fixture(scope="session")
def small_video(media_dir: Path, speech_path: Path) -> Path:
    return make_video(media_dir / "api-clip.mp4", audio_wav=speech_path)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = server_settings(tmp_path_factory.mktemp("server"), max_upload_mb=MAX_UPLOAD_MB)
    slow_scripted = functools.partial(scripted_recognizers, steps=4, seconds_per_step=0.15)
    with live_server(settings, workers=1, recognizer_factory=slow_scripted) as running:
        yield running


@pytest.fixture(scope="session")
def api_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = server_settings(tmp_path_factory.mktemp("api-only"), max_upload_mb=MAX_UPLOAD_MB)
    with live_server(settings, workers=0) as running:
        yield running


@pytest.fixture
def user() -> str:
    return f"tester-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def client(server: LiveServer, user: str) -> Iterator[httpx.Client]:
    with server.client(user=user) as http:
        yield http


@pytest.fixture
def queued_client(api_only: LiveServer, user: str) -> Iterator[httpx.Client]:
    with api_only.client(user=user) as http:
        yield http


@pytest.fixture(scope="session")
def auth(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthServer]:
    """A server with sign-in on and users ana, bo and root (admin): see auth_server."""
    with auth_server(tmp_path_factory.mktemp("auth")) as running:
        yield running
