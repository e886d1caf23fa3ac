"""``jamak serve`` as a user runs it: flags over JAMAK_* settings, workers, clean shutdown."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psutil  # type: ignore[import-untyped]
import pytest

from tests.integration.api.helpers import submit, wait_finished
from tests.integration.api.live_server import free_port
from tests.support.matrix import SpeechClip

JAMAK = str(Path(sys.executable).with_name("jamak"))


@contextmanager
def jamak_serve(data_dir: Path, *flags: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    # The environment says otherwise; the flags must win.
    env = {
        **os.environ,
        "JAMAK_PORT": "1",
        "JAMAK_DATA_DIR": "/nonexistent",
        "JAMAK_MODEL": "tiny.en",
    }
    command = [
        JAMAK,
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
    ]
    process = subprocess.Popen([*command, *flags], env=env, stderr=subprocess.PIPE)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stderr.read() if process.stderr else b""
            assert time.monotonic() < deadline, "jamak serve did not come up"
            try:
                if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield process, base_url
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=40)


def test_api_only_serves_and_stops_cleanly(tmp_path: Path, tone_wav: Path) -> None:
    with jamak_serve(tmp_path / "data", "--workers", "0") as (process, base_url):
        assert psutil.Process(process.pid).children() == []  # no worker processes
        with httpx.Client(base_url=base_url) as http:
            assert http.get("/readyz").status_code == 200
            job = submit(http, tone_wav)
            time.sleep(1.0)
            assert http.get(f"/api/jobs/{job['id']}").json()["status"] == "queued"

        assert stop(process) == 0
    assert (tmp_path / "data" / "jobs.sqlite3").is_file()


@pytest.mark.model
def test_with_a_worker_it_transcribes_and_stops_its_workers(
    tmp_path: Path, speech_wav: SpeechClip
) -> None:
    with jamak_serve(tmp_path / "data", "--workers", "1") as (process, base_url):
        workers = psutil.Process(process.pid).children(recursive=True)
        assert workers
        with httpx.Client(base_url=base_url, timeout=30) as http:
            job = submit(http, speech_wav.path, model="tiny.en", formats="srt")
            finished = wait_finished(http, job["id"], timeout_s=240)
        assert finished["status"] == "succeeded", finished["error"]

        assert stop(process) == 0
    gone = psutil.wait_procs(workers, timeout=10)[1]
    assert gone == [], "worker processes outlived jamak serve"
