"""Issue 11's chaos soak: 100 jobs and a few hundred requests while workers are killed at
random and the server itself is killed once and started again, then an audit.

The server runs in a process of its own (:mod:`tests.integration.api.soak_server`), so the
restart is a real crash: SIGKILL, no shutdown code run, its workers orphaned mid-job (they
notice and stop; their jobs come back through their leases). The client behaves like a
careful script: it waits out the restart before sending more. The audit reads everything
back through the API and the database on disk: every job reached a final state, every
succeeded job's subtitles exist and parse, nothing is duplicated, nothing is left running,
and no worker outlived its server. Bounded: a fixed number of jobs and kills, deadlines on
every wait.
"""

from __future__ import annotations

import random
import re
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from tests.integration.api.helpers import TERMINAL, submit
from tests.integration.api.live_server import free_port

pytestmark = pytest.mark.timeout(300)

JOBS = 100
RESTART_AFTER = JOBS // 2
CANCEL_EVERY = 12  # every 12th job is cancelled by its owner soon after it is sent
READS_PER_JOB = 2
FINISH_DEADLINE_S = 150.0
_SRT_CUE = re.compile(r"^\d+\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\n.+", re.DOTALL)


class SoakServer:
    """The server process, started again on the same data folder and port after a crash."""

    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir, self.port = data_dir, port
        self.base_url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[str] | None = None
        self.workers_seen: set[psutil.Process] = set()

    def start(self) -> None:
        command = [sys.executable, "-m", "tests.integration.api.soak_server"]
        self.process = subprocess.Popen(
            [*command, str(self.data_dir), str(self.port)],
            cwd=Path(__file__).resolve().parents[3],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "ready", "soak server did not start"

    def worker_pids(self) -> list[int]:
        try:
            children = psutil.Process(self.pid).children()
        except psutil.NoSuchProcess:
            return []
        self.workers_seen.update(children)  # Process objects: a reused pid is not mistaken
        return [child.pid for child in children]

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def crash(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class WorkerKiller(threading.Thread):
    """Kills one of the server's workers every 0.3-0.9 s (SIGKILL, whatever it is doing)."""

    def __init__(self, server: SoakServer, chance: random.Random) -> None:
        super().__init__(name="worker-killer", daemon=True)
        self._server, self._chance = server, chance
        self._halt = threading.Event()
        self.kills = 0

    def run(self) -> None:
        while not self._halt.wait(self._chance.uniform(0.3, 0.9)):
            pids = self._server.worker_pids()
            if not pids:
                continue  # the server is down, or starting its workers
            try:
                psutil.Process(self._chance.choice(pids)).kill()
                self.kills += 1
            except psutil.NoSuchProcess:
                pass  # died meanwhile: fine

    def stop(self) -> None:
        self._halt.set()
        if self.is_alive():
            self.join()


def test_jobs_survive_killed_workers_and_a_crashed_server(tmp_path: Path, tone_wav: Path) -> None:
    server = SoakServer(tmp_path / "data", free_port())
    chance = random.Random(11)
    sent: list[str] = []
    cancelled: set[str] = set()
    requests = 0
    server.start()
    killer = WorkerKiller(server, chance)
    started = time.monotonic()
    try:
        killer.start()
        with httpx.Client(base_url=server.base_url, timeout=30) as client:
            for index in range(JOBS):
                if index == RESTART_AFTER:
                    server.crash()
                    server.start()
                sent.append(submit(client, tone_wav)["id"])
                requests += 1
                if index % CANCEL_EVERY == CANCEL_EVERY - 1:
                    answer = client.post(f"/api/jobs/{sent[-1]}/cancel")
                    assert answer.status_code in (200, 409), answer.text  # 409: it already ended
                    if answer.status_code == 200:
                        cancelled.add(sent[-1])
                    requests += 1
                requests += _read_around(client, chance, sent)
            requests += _wait_all_final(client, sent)
            killer.stop()
            finished = _all_jobs(client)
            requests += 1 + _audit_outputs(client, finished, cancelled)
        elapsed = time.monotonic() - started
    finally:
        killer.stop()
        server.stop()

    assert [job["id"] for job in finished].count(sent[0]) == 1
    assert sorted(job["id"] for job in finished) == sorted(sent)  # none lost, none doubled
    assert _running_rows(server.data_dir) == 0
    assert killer.kills >= 10, killer.kills
    assert requests >= 300, requests
    _assert_no_worker_outlived_its_server(server)
    print(
        f"\nchaos soak: {JOBS} jobs, {requests} requests, {killer.kills} workers killed, "
        f"1 server crash, {len(cancelled)} cancelled, 0 lost, {elapsed:.1f} s"
    )


def _read_around(client: httpx.Client, chance: random.Random, sent: list[str]) -> int:
    """What a watching user and a dashboard do between submits; every answer must be 200."""
    for _ in range(READS_PER_JOB):
        path = chance.choice(
            ["/api/jobs", f"/api/jobs/{chance.choice(sent)}", "/healthz", "/metrics"]
        )
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.status_code, answer.text[:200])
    return READS_PER_JOB


def _wait_all_final(client: httpx.Client, sent: list[str]) -> int:
    deadline, polls = time.monotonic() + FINISH_DEADLINE_S, 0
    while True:
        polls += 1
        unfinished = [job for job in _all_jobs(client) if job["status"] not in TERMINAL]
        if not unfinished:
            return polls
        assert time.monotonic() < deadline, f"{len(unfinished)} jobs never finished"
        time.sleep(0.5)


def _all_jobs(client: httpx.Client) -> list[dict[str, Any]]:
    jobs: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 100} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/jobs", params=params)
        assert page.status_code == 200, page.text
        body = page.json()
        jobs += body["jobs"]
        cursor = body.get("next_cursor")
        if not cursor:
            return jobs


def _audit_outputs(
    client: httpx.Client, finished: list[dict[str, Any]], cancelled: set[str]
) -> int:
    """Each job ended as it should, and every succeeded one's subtitles are whole."""
    downloads = 0
    for job in finished:
        if job["id"] in cancelled:
            assert job["status"] == "cancelled", job
            continue
        assert job["status"] == "succeeded", job  # kills and the crash cost no job
        srt = client.get(job["downloads"]["srt"])
        downloads += 1
        assert srt.status_code == 200
        cues = srt.text.strip().split("\n\n")
        assert cues and all(_SRT_CUE.match(cue) for cue in cues), srt.text[:300]
    return downloads


def _running_rows(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "jobs.sqlite3") as db:
        (count,) = db.execute("SELECT COUNT(*) FROM jobs WHERE status = 'running'").fetchone()
    return int(count)


def _assert_no_worker_outlived_its_server(server: SoakServer) -> None:
    """Workers orphaned by the crash notice their parent is gone and stop by themselves."""
    _, alive = psutil.wait_procs(list(server.workers_seen), timeout=10)
    for process in alive:
        process.kill()  # not to leak it into the rest of the session, whatever the verdict
    assert not alive, f"workers outlived their server: {[p.pid for p in alive]}"
