"""One runner per system under test, each measured the same way: as a process tree.

Every runner starts its system as a child process, samples the peak memory of that process
and its descendants, and returns the text it produced per item. What the clock covers:

- ``fw-sequential`` / ``fw-batched``: model load and recognition, inside the child (see
  bench/anchors.py); decoding was done once beforehand (bench/workload.py).
- ``jamak-cli``: the whole ``jamak transcribe`` command, from launch to exit: interpreter
  start, model load, decoding, recognition and writing the JSON files.
- ``jamak-service``: from launching ``jamak serve`` to the last job finished: start-up
  (worker processes loading the model), uploads, decoding and recognition.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx

from bench import service
from bench.anchors import BATCHED, SEQUENTIAL, AnchorPlan
from bench.memory import PeakMemorySampler
from bench.workload import Workload

REPO_ROOT = Path(__file__).resolve().parent.parent
SYSTEMS = ("fw-sequential", "fw-batched", "jamak-cli", "jamak-cli-fast", "jamak-service")
STOP_GRACE_S = 60.0


class SystemUnavailableError(Exception):
    """The system cannot be run here (yet); the report shows the reason instead of numbers."""


class RunFailedError(Exception):
    """The system ran but did not finish its work."""


@dataclass(frozen=True, slots=True)
class Decoding:
    """The same model and decoding settings for every system."""

    model: str  # a name jamak knows (its catalog), resolved to model_path
    model_path: Path
    model_dir: Path
    compute_type: str
    threads: int
    beam_size: int
    batch_size: int
    anchor_seed: int  # the anchors' sampling (bench.anchors.ANCHOR_SEED by default)


@dataclass(frozen=True, slots=True)
class RunResult:
    system: str
    wall_s: float
    peak_rss_bytes: int
    texts: Mapping[str, str]  # item name -> transcript text
    failed: int = 0  # items the system reported as failed
    timings_s: Mapping[str, float] = field(default_factory=dict)  # extra phases, if any


class Runner(Protocol):
    name: str

    def run(self, workload: Workload, scratch: Path) -> RunResult:
        """Run the system on every item; raise SystemUnavailableError or RunFailedError."""
        ...


@dataclass(frozen=True, slots=True)
class Measured:
    wall_s: float
    peak_rss_bytes: int
    returncode: int


def run_measured(
    command: Sequence[str], *, cwd: Path, env: Mapping[str, str], log: Path, timeout_s: float
) -> Measured:
    """Run ``command`` to the end, timing it and sampling its process tree's memory."""
    with log.open("wb") as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=output)
        with PeakMemorySampler(process.pid) as memory:
            try:
                returncode = process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                raise RunFailedError(f"still running after {timeout_s:.0f} s") from None
        return Measured(time.perf_counter() - started, memory.peak_bytes, returncode)


class FasterWhisperRunner:
    """An anchor: faster-whisper as its README shows it, one item after another."""

    def __init__(self, mode: str, decoding: Decoding) -> None:
        self.name = f"fw-{mode}"
        self._mode = mode
        self._decoding = decoding

    def run(self, workload: Workload, scratch: Path) -> RunResult:
        d = self._decoding
        plan = AnchorPlan(
            mode=self._mode,
            model_path=str(d.model_path),
            compute_type=d.compute_type,
            threads=d.threads,
            beam_size=d.beam_size,
            batch_size=d.batch_size,
            seed=d.anchor_seed,
            audio={item.name: str(item.audio_path) for item in workload.items},
        )
        plan_path, result_path = scratch / "plan.json", scratch / "result.json"
        plan_path.write_text(plan.to_json(), encoding="utf-8")
        command = [sys.executable, "-m", "bench.anchors", str(plan_path), str(result_path)]
        measured = run_measured(
            command,
            cwd=REPO_ROOT,
            env=dict(os.environ),
            log=scratch / "anchor.log",
            timeout_s=time_limit_s(workload),
        )
        if measured.returncode != 0:
            raise RunFailedError(f"exit code {measured.returncode}: {tail(scratch / 'anchor.log')}")
        result = json.loads(result_path.read_text(encoding="utf-8"))
        return RunResult(
            self.name, float(result["wall_s"]), measured.peak_rss_bytes, result["texts"]
        )


class JamakCliRunner:
    """``jamak transcribe`` on every item in one invocation, as a user would run it; at
    jamak's default speed, or at the ``speed`` preset named (``jamak-cli-fast``)."""

    def __init__(self, decoding: Decoding, *, speed: str | None = None) -> None:
        self._decoding = decoding
        self._speed = speed
        self.name = f"jamak-cli-{speed}" if speed else "jamak-cli"

    def run(self, workload: Workload, scratch: Path) -> RunResult:
        d = self._decoding
        out = scratch / "subtitles"
        command = [
            jamak_executable(),
            "transcribe",
            *(str(item.media_path) for item in workload.items),
            *("--output-dir", str(out), "--format", "json", "--model", d.model),
            *("--language", "auto", "--device", "cpu"),
            *("--beam-size", str(d.beam_size), "--batch-size", str(d.batch_size)),
            *(("--speed", self._speed) if self._speed else ()),
            # As jamak runs by itself on that many cores: a decoding stream per core.
            *("--jobs", str(d.threads)),
        ]
        measured = run_measured(
            command,
            cwd=scratch,  # away from any jamak.env in the checkout
            env=jamak_env(d, cpu_threads=1),
            log=scratch / "jamak.log",
            timeout_s=time_limit_s(workload),
        )
        texts = {}
        for item in workload.items:
            output = out / f"{item.media_path.stem}.json"
            if output.is_file():
                texts[item.name] = json.loads(output.read_text(encoding="utf-8"))["text"]
        if not texts and measured.returncode != 0:
            raise RunFailedError(f"exit code {measured.returncode}: {tail(scratch / 'jamak.log')}")
        failed = len(workload.items) - len(texts)
        return RunResult(self.name, measured.wall_s, measured.peak_rss_bytes, texts, failed)


class JamakServiceRunner:
    """``jamak serve`` on a free loopback port, every item submitted at once over HTTP."""

    name = "jamak-service"

    def __init__(
        self, decoding: Decoding, *, workers: int | None = None, startup_timeout_s: float = 300.0
    ) -> None:
        self._decoding = decoding
        self._workers = workers
        self._startup_timeout_s = startup_timeout_s

    def run(self, workload: Workload, scratch: Path) -> RunResult:
        with self._launched(scratch) as (process, port, log):
            started = time.perf_counter()
            try:
                with PeakMemorySampler(process.pid) as memory:
                    timings, texts, failed = self._serve(workload, port, process, started)
                    wall_s = time.perf_counter() - started
            except service.ServiceNotStartedError as err:
                raise SystemUnavailableError(f"{err}: {tail(log)}") from err
            except (service.ServiceError, httpx.HTTPError) as err:
                raise RunFailedError(f"{err}: {tail(log)}") from err
        return RunResult(self.name, wall_s, memory.peak_bytes, texts, failed, timings)

    def latency(
        self, long_media: Sequence[Path], short_media: Path, scratch: Path
    ) -> dict[str, Any]:
        """How long a short job waits behind long ones, against the same job on an idle service.

        The long files (one file: twice) are uploaded first, to occupy every worker, then the
        short one; when all are done the short one goes again, alone. Times from the client's
        clock (submit to succeeded) and from the job's own ``started_at``/``finished_at``."""
        longs = list(long_media) if len(long_media) > 1 else [long_media[0]] * 2
        with self._launched(scratch) as (process, port, log):
            try:
                with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60.0) as client:
                    service.wait_until_healthy(
                        client,
                        timeout_s=self._startup_timeout_s,
                        alive=lambda: process.poll() is None,
                    )
                    return self._latency(client, longs, short_media)
            except service.ServiceNotStartedError as err:
                raise SystemUnavailableError(f"{err}: {tail(log)}") from err
            except (service.ServiceError, httpx.HTTPError) as err:
                raise RunFailedError(f"{err}: {tail(log)}") from err

    def _latency(self, client: httpx.Client, longs: Sequence[Path], short: Path) -> dict[str, Any]:
        model = self._decoding.model
        deadline = time.monotonic() + 3600.0
        uploaded = time.time()
        long_ids = service.submit(client, longs, model=model)
        behind_sent = time.perf_counter()
        [behind_id] = service.submit(client, [short], model=model)
        behind = service.wait_for(client, behind_id, deadline=deadline)
        behind_s = time.perf_counter() - behind_sent
        outcomes = [service.wait_for(client, job_id, deadline=deadline) for job_id in long_ids]
        alone_sent = time.perf_counter()
        [alone_id] = service.submit(client, [short], model=model)
        alone = service.wait_for(client, alone_id, deadline=deadline)
        alone_s = time.perf_counter() - alone_sent
        jobs = {job_id: service.job(client, job_id) for job_id in [*long_ids, behind_id, alone_id]}
        done = {job_id: service.epoch_s(job["finished_at"]) for job_id, job in jobs.items()}
        loaded = [t for job_id, t in done.items() if job_id != alone_id and t is not None]
        long_done = [t for job_id, t in done.items() if job_id in long_ids and t is not None]

        def processing_s(job_id: str) -> float | None:
            start = service.epoch_s(jobs[job_id]["started_at"])
            end = service.epoch_s(jobs[job_id]["finished_at"])
            return None if start is None or end is None else round(end - start, 2)

        return {
            "long_files": [path.name for path in longs],
            "short_file": short.name,
            "statuses": [o.status for o in [*outcomes, behind, alone]],
            # From the first upload's start, while the service was loaded:
            "first_job_done_s": round(min(loaded) - uploaded, 2) if loaded else None,
            "long_jobs_done_s": round(max(long_done) - uploaded, 2) if long_done else None,
            "short_behind_long_s": round(behind_s, 2),
            "short_alone_s": round(alone_s, 2),
            "short_processing_behind_s": processing_s(behind_id),
            "short_processing_alone_s": processing_s(alone_id),
            "behind_over_alone": round(behind_s / alone_s, 2) if alone_s else None,
        }

    @contextmanager
    def _launched(self, scratch: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
        """``jamak serve`` on a free port with a data folder in ``scratch``, stopped after."""
        if importlib.util.find_spec("jamak.cli.serve") is None:
            raise SystemUnavailableError("not available yet: jamak has no `serve` command")
        port = service.free_port()
        command = [jamak_executable(), "serve", "--host", "127.0.0.1", "--port", str(port)]
        command += ["--data-dir", str(scratch / "data")]
        if self._workers:
            command += ["--workers", str(self._workers)]
        log = scratch / "serve.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                command, cwd=scratch, env=jamak_env(self._decoding), stdout=output, stderr=output
            )
            try:
                yield process, port, log
            finally:
                stop(process)

    def _serve(
        self, workload: Workload, port: int, process: subprocess.Popen[bytes], started: float
    ) -> tuple[dict[str, float], dict[str, str], int]:
        base_url = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base_url, timeout=service.LONG_POLL_S * 2) as client:
            service.wait_until_healthy(
                client, timeout_s=self._startup_timeout_s, alive=lambda: process.poll() is None
            )
            healthy = time.perf_counter()
            uploaded = time.time()
            paths = [item.media_path for item in workload.items]
            job_ids = service.submit(client, paths, model=self._decoding.model)
            deadline = time.monotonic() + time_limit_s(workload)
            outcomes = [service.wait_for(client, job_id, deadline=deadline) for job_id in job_ids]
            finished = time.perf_counter()
            texts = {
                item.name: service.transcript_text(client, outcome.job_id)
                for item, outcome in zip(workload.items, outcomes, strict=True)
                if outcome.status == "succeeded"
            }
            done = [
                service.epoch_s(service.job(client, job_id)["finished_at"]) for job_id in job_ids
            ]
        timings = {"startup_s": healthy - started, "jobs_s": finished - healthy}
        first = min((t for t in done if t is not None), default=None)
        if first is not None:
            timings["first_job_done_s"] = first - uploaded  # from the upload's start
        return timings, texts, len(outcomes) - len(texts)


def jamak_env(decoding: Decoding, *, cpu_threads: int | None = None) -> dict[str, str]:
    """The child's environment: this one without any JAMAK_* of the developer's, plus the
    benchmark's decoding settings (threads are left to the service's own worker sizing)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("JAMAK_")}
    env |= {
        "JAMAK_MODEL": decoding.model,
        "JAMAK_MODEL_DIR": str(decoding.model_dir),
        "JAMAK_DEVICE": "cpu",
        "JAMAK_COMPUTE_TYPE": decoding.compute_type,
        "JAMAK_BEAM_SIZE": str(decoding.beam_size),
        "JAMAK_BATCH_SIZE": str(decoding.batch_size),
        "JAMAK_ALLOW_DOWNLOAD": "false",
        "JAMAK_LOG_LEVEL": "WARNING",
    }
    if cpu_threads:
        env["JAMAK_CPU_THREADS"] = str(cpu_threads)
    return env


def jamak_executable() -> str:
    """The ``jamak`` script of this interpreter's environment (the venv being measured)."""
    beside = Path(sys.executable).with_name("jamak")
    found = str(beside) if beside.is_file() else shutil.which("jamak")
    if found is None:
        raise SystemUnavailableError("no `jamak` command: run `pip install -e .` first")
    return found


def time_limit_s(workload: Workload) -> float:
    """Generous: ten minutes plus three times real time, for a slow, shared machine."""
    return 600.0 + 3.0 * workload.audio_s


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (jamak serve then stops its workers), SIGKILL if it takes too long."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def tail(log: Path, *, chars: int = 800) -> str:
    text = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
    return text[-chars:].strip() or "(no output)"


def build_runners(
    names: Sequence[str], decoding: Decoding, *, service_workers: int | None = None
) -> list[Runner]:
    """Runners by system name, in the order given; raises ValueError for an unknown name.

    ``service_workers`` fixes jamak-service's worker count (else jamak sizes its own pool),
    to measure how its throughput scales with workers."""
    known: dict[str, Runner] = {
        "fw-sequential": FasterWhisperRunner(SEQUENTIAL, decoding),
        "fw-batched": FasterWhisperRunner(BATCHED, decoding),
        "jamak-cli": JamakCliRunner(decoding),
        "jamak-cli-fast": JamakCliRunner(decoding, speed="fast"),
        "jamak-cli-accurate": JamakCliRunner(decoding, speed="accurate"),
        "jamak-service": JamakServiceRunner(decoding, workers=service_workers),
    }
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ValueError(f"unknown system(s) {', '.join(unknown)}; known: {', '.join(known)}")
    return [known[name] for name in names]
