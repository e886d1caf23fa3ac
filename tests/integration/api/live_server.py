"""A real jamak server for tests: uvicorn on a free loopback port, real worker processes.

It wires things the way ``jamak serve`` does (``build_services`` over the embedded backend:
SQLite and files in a temporary folder, a ``WorkerPool`` of spawned processes), only with a
recogniser factory of the test's choosing, and uvicorn in a background thread so the test
talks to it over real HTTP.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from jamak.api.app import create_app
from jamak.api.metrics import count_workers
from jamak.backends.embedded.pool import WorkerPool
from jamak.bootstrap import Services, build_services, worker_process_config
from jamak.jobs.recognizers import RecognizerFactory
from jamak.settings import Settings


@dataclass
class LiveServer:
    base_url: str
    settings: Settings
    services: Services
    pool: WorkerPool | None

    def client(self, *, user: str | None = None, timeout_s: float = 30.0) -> httpx.Client:
        headers = {"X-Jamak-User": user} if user else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout_s)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def server_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings for a test server; ``_env_file=None`` keeps a developer's jamak.env out."""
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "host": "127.0.0.1",
        "port": free_port(),
        "model": "tiny.en",
        "poll_interval_s": 0.05,
        "lease_s": 10.0,
        "cpu_threads": 1,
        "log_level": "WARNING",
        # Session-wide servers serve many test files' requests as the same users within a
        # minute; the limits have their own servers (test_limits.py).
        "rate_limit_per_minute": 0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@contextmanager
def live_server(
    settings: Settings,
    *,
    workers: int,
    recognizer_factory: RecognizerFactory | None = None,
) -> Iterator[LiveServer]:
    services = build_services(settings)
    pool = None
    if workers:
        assert recognizer_factory is not None
        pool = WorkerPool(
            worker_process_config(settings), workers=workers, recognizer_factory=recognizer_factory
        )
        pool.start()
    app = create_app(services)
    if pool is not None:
        count_workers(app, lambda: len(pool.pids()))  # as jamak serve does
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    base_url = f"http://{settings.host}:{settings.port}"
    try:
        _wait_until_up(base_url, thread)
        yield LiveServer(base_url, settings, services, pool)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        if pool is not None:
            pool.stop(timeout_s=10)
        services.close()


def _wait_until_up(base_url: str, thread: threading.Thread, timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not thread.is_alive():
            raise RuntimeError("uvicorn stopped during start-up")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError(f"server at {base_url} did not start in {timeout_s} s")
