"""Where the time goes on one file: per stage, for jamak and for faster-whisper's batched
pipeline, and how busy the cores were meanwhile. Run in a child process of its own.

Nothing in jamak is changed to measure it: the CTranslate2 model object (read-only methods
on a C++ object) is replaced by a proxy that times ``encode``, ``generate``,
``detect_language`` and ``align``; the feature extractor, voice activity detection
(``jamak.asr.faster_whisper.speech_map``, ``faster_whisper.transcribe.get_speech_timestamps``)
and jamak's loop retries (``decode_penalised``, a window read again under a repetition
penalty) are wrapped the same way. Stages are exclusive: time inside a retry is the retry's,
not its encoder's or decoder's, and "other" is what is left of the wall time (segmenting,
prompts, jamak's reading design, word-time refinement).

    python -m bench.profile PLAN.json RESULT.json
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.child import child_main
from bench.runners import REPO_ROOT, Decoding, RunFailedError, run_measured, tail

JAMAK = "jamak"
FW_BATCHED = "fw-batched"
SYSTEMS = (JAMAK, FW_BATCHED)
# The CTranslate2 model's methods timed, and the stage each one counts as.
MODEL_STAGES = {
    "encode": "encoder",
    "detect_language": "language",
    "generate": "decoder",
    "align": "alignment",
}
ORDER = (
    "load",
    "media",
    "vad",
    "features",
    "encoder",
    "language",
    "decoder",
    "alignment",
    "retries",
    "other",
)
CPU_SAMPLE_S = 0.5
# How each system calls the engine, which decides what a stage's seconds are: jamak's
# streams each call on one thread at the same time, so their seconds add up thread time;
# the pipeline makes one call at a time on all its threads, so its seconds are wall time,
# each worth up to ``threads`` core-seconds. Compare the two by the cores' own time.
LAYOUTS = {
    JAMAK: "{threads} streams of one thread: stage seconds add up over the streams",
    FW_BATCHED: "one call at a time on {threads} threads: stage seconds are wall time",
}


@dataclass(frozen=True, slots=True)
class ProfilePlan:
    system: str  # JAMAK or FW_BATCHED
    model: str
    model_dir: str
    model_path: str
    compute_type: str
    threads: int
    beam_size: int
    batch_size: int
    media: str

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> ProfilePlan:
        return cls(**json.loads(text))


@dataclass
class Stages:
    """Exclusive stage times: while one stage runs, a stage entered inside it (an encode in
    a retry) counts a call but its time stays the outer one's. Per thread: if the engine
    decodes on several threads at once, stages add up thread time (and may pass the wall)."""

    clock: Callable[[], float] = time.perf_counter
    seconds: dict[str, float] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)
    _inside: threading.local = field(default_factory=threading.local)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, name: str) -> None:
        with self._lock:
            self.calls[name] = self.calls.get(name, 0) + 1

    @contextmanager
    def stage(self, name: str, *, count: bool = True) -> Iterator[None]:
        if count:
            self.count(name)
        if getattr(self._inside, "stage", None) is not None:
            yield
            return
        self._inside.stage = name
        started = self.clock()
        try:
            yield
        finally:
            elapsed = self.clock() - started
            self._inside.stage = None
            with self._lock:
                self.seconds[name] = self.seconds.get(name, 0.0) + elapsed

    def timed(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            with self.stage(name):
                return function(*args, **kwargs)

        return call

    def table(self, wall_s: float) -> list[dict[str, Any]]:
        """One row per stage (ORDER first), ``other`` = wall time no stage covered."""
        other = max(0.0, wall_s - sum(self.seconds.values()))
        seconds = {**self.seconds, "other": other}
        names = [n for n in ORDER if n in seconds] + sorted(set(seconds) - set(ORDER))
        return [
            {
                "stage": name,
                "seconds": round(seconds[name], 3),
                "share_of_wall": round(seconds[name] / wall_s, 4) if wall_s else None,
                "calls": self.calls.get(name),
            }
            for name in names
        ]


class TimedModel:
    """A stand-in for a ``ctranslate2.models.Whisper``: MODEL_STAGES methods timed, the rest
    passed through."""

    def __init__(self, model: Any, stages: Stages) -> None:
        self._model = model
        self._stages = stages

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._model, name)
        stage = MODEL_STAGES.get(name)
        return attribute if stage is None else self._stages.timed(stage, attribute)


class TimedFeatures:
    """The feature extractor, timed when called; its attributes passed through."""

    def __init__(self, extractor: Any, stages: Stages) -> None:
        self._extractor = extractor
        self._stages = stages

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self._stages.stage("features"):
            return self._extractor(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._extractor, name)


class CpuSampler:
    """Per-core busy share over a run, from ``psutil.cpu_times(percpu=True)`` (the whole
    machine's cores this process may run on, so neighbours' work counts as busy), and this
    process's own CPU time, with the part of it spent in the kernel (page faults show
    there: bench/README.md, "Freed memory kept for the next window")."""

    def __init__(self) -> None:
        import psutil

        self._psutil = psutil
        self._process = psutil.Process()
        self._cores = sorted(self._process.cpu_affinity() or range(psutil.cpu_count() or 1))
        self._busiest = [0.0] * len(self._cores)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> CpuSampler:
        self._first = self._psutil.cpu_times(percpu=True)
        self._own_first = self._process.cpu_times()
        self._started = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._last = self._psutil.cpu_times(percpu=True)
        self._own_last = self._process.cpu_times()
        self._wall_s = time.perf_counter() - self._started

    def _sample(self) -> None:
        """How many sample intervals each core spent at least 90 % idle (a core left out)."""
        self._idle_intervals = [0] * len(self._cores)
        self._intervals = 0
        before = self._psutil.cpu_times(percpu=True)
        while not self._stop.wait(CPU_SAMPLE_S):
            now = self._psutil.cpu_times(percpu=True)
            for slot, core in enumerate(self._cores):
                if _busy_share(before[core], now[core]) < 0.1:
                    self._idle_intervals[slot] += 1
            self._intervals += 1
            before = now

    def summary(self) -> dict[str, Any]:
        busy = [_busy_share(self._first[c], self._last[c]) for c in self._cores]
        kernel = self._own_last.system - self._own_first.system
        own = self._own_last.user - self._own_first.user + kernel
        core_s = self._wall_s * len(self._cores)
        return {
            "cores": self._cores,
            "busy_share_per_core": [round(b, 3) for b in busy],
            "idle_share_of_core_time": round(1 - sum(busy) / len(busy), 3),
            "own_cpu_s": round(own, 2),
            "own_share_of_core_time": round(own / core_s, 3) if core_s else None,
            "own_kernel_cpu_s": round(kernel, 2),
            "intervals_core_idle": [
                round(n / self._intervals, 3) if self._intervals else None
                for n in self._idle_intervals
            ],
        }


def _busy_share(before: Any, after: Any) -> float:
    total = sum(after) - sum(before)
    idle = (after.idle - before.idle) + (getattr(after, "iowait", 0) - getattr(before, "iowait", 0))
    return max(0.0, min(1.0, 1 - idle / total)) if total > 0 else 0.0


def measure(system: str, decoding: Decoding, media: Path, scratch: Path) -> dict[str, Any]:
    """Profile ``system`` on ``media`` in a child process; its result, or {"note": why not}."""
    scratch.mkdir(parents=True, exist_ok=True)
    plan = ProfilePlan(
        system=system,
        model=decoding.model,
        model_dir=str(decoding.model_dir),
        model_path=str(decoding.model_path),
        compute_type=decoding.compute_type,
        threads=decoding.threads,
        beam_size=decoding.beam_size,
        batch_size=decoding.batch_size,
        media=str(media),
    )
    plan_path, result_path = scratch / "plan.json", scratch / "result.json"
    plan_path.write_text(plan.to_json(), encoding="utf-8")
    command = [sys.executable, "-m", "bench.profile", str(plan_path), str(result_path)]
    log = scratch / "profile.log"
    try:
        measured = run_measured(
            command, cwd=REPO_ROOT, env=dict(os.environ), log=log, timeout_s=3600.0
        )
    except RunFailedError as err:
        return {"system": system, "note": f"failed: {err}"}
    if measured.returncode != 0:
        return {"system": system, "note": f"exit code {measured.returncode}: {tail(log)}"}
    result: dict[str, Any] = json.loads(result_path.read_text(encoding="utf-8"))
    result["peak_rss_mb"] = round(measured.peak_rss_bytes / (1 << 20), 1)
    return result


def run(plan: ProfilePlan) -> dict[str, Any]:
    from bench.machine import describe
    from jamak.asr.heap import keep_freed_memory
    from jamak.media import decode_audio

    if plan.system == JAMAK:
        keep_freed_memory()  # as `jamak transcribe` does first, before any other thread
    facts = describe()
    stages = Stages()
    with CpuSampler() as cpu:
        started = time.perf_counter()
        with stages.stage("media"):
            audio = decode_audio(Path(plan.media)).samples
        with stages.stage("load"):
            transcribe = _jamak(plan, stages) if plan.system == JAMAK else _batched(plan, stages)
        text = transcribe(audio)
        wall_s = time.perf_counter() - started
    return {
        "system": plan.system,
        "machine": {
            name: facts[name] for name in ("cpu", "cpu_kernels", "cpu_matrix_library", "cores")
        },
        "threads": plan.threads,
        "layout": LAYOUTS[plan.system].format(threads=plan.threads),
        "wall_s": round(wall_s, 3),
        "audio_s": round(len(audio) / 16000, 2),
        "stages": stages.table(wall_s),
        "cpu": cpu.summary(),
        "text": text,
    }


def _jamak(plan: ProfilePlan, stages: Stages) -> Callable[[Any], str]:
    import jamak.asr.faster_whisper as adapter
    from jamak.asr.options import RecognitionOptions
    from jamak.asr.registry import ModelRegistry

    # As `jamak transcribe` runs one file on a CPU: a stream per thread, one thread each
    # (so stage seconds add up over the streams, and can pass the wall time).
    registry = ModelRegistry(
        model_dir=Path(plan.model_dir),
        device="cpu",
        compute_type=plan.compute_type,
        cpu_threads=1,
        workers=plan.threads,
        allow_download=False,
    )
    recognizer = registry.recognizer(plan.model)
    whisper = recognizer.model
    whisper.model = TimedModel(whisper.model, stages)
    whisper.feature_extractor = TimedFeatures(whisper.feature_extractor, stages)
    setattr(adapter, "speech_map", stages.timed("vad", vars(adapter)["speech_map"]))  # noqa: B010
    original = adapter._Engine.decode_penalised

    def penalised(engine: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        attempts = original(engine, *args, **kwargs)
        while True:
            with stages.stage("retries", count=False):
                read = next(attempts, None)
            if read is None:
                return
            stages.count("retries")
            yield read

    setattr(adapter._Engine, "decode_penalised", penalised)  # noqa: B010
    stages.seconds["retries"], stages.calls["retries"] = 0.0, 0  # measured, even if none ran
    options = RecognitionOptions(beam_size=plan.beam_size, batch_size=plan.batch_size)

    def transcribe(audio: Any) -> str:
        return recognizer.recognize(audio, options=options).text

    return transcribe


def _batched(plan: ProfilePlan, stages: Stages) -> Callable[[Any], str]:
    import faster_whisper.transcribe as fw
    from faster_whisper import BatchedInferencePipeline, WhisperModel

    whisper = WhisperModel(
        plan.model_path, device="cpu", compute_type=plan.compute_type, cpu_threads=plan.threads
    )
    whisper.model = TimedModel(whisper.model, stages)
    whisper.feature_extractor = TimedFeatures(whisper.feature_extractor, stages)
    setattr(fw, "get_speech_timestamps", stages.timed("vad", fw.get_speech_timestamps))  # noqa: B010
    pipeline = BatchedInferencePipeline(whisper)

    def transcribe(audio: Any) -> str:
        segments, _ = pipeline.transcribe(
            audio, batch_size=plan.batch_size, beam_size=plan.beam_size
        )
        return "".join(segment.text for segment in segments).strip()

    return transcribe


def table(profile: Mapping[str, Any]) -> str:
    """The stage table as text: seconds, share of wall time, calls; then the cores."""
    if "stages" not in profile:
        return f"profile of {profile['system']}: {profile.get('note', 'not run')}"
    facts = profile["machine"]
    library = facts.get("cpu_matrix_library")  # absent from reports before 2026-12-07
    lines = [
        f"profile of {profile['system']} on {profile['audio_s']:.0f} s of audio "
        f"({facts['cpu']}, CTranslate2 kernels {facts['cpu_kernels']}"
        f"{', matrix library ' + library if library else ''}, "
        f"{profile.get('layout', str(profile['threads']) + ' threads')})",
        f"{'stage':<10} {'seconds':>8} {'% wall':>7} {'calls':>6}",
    ]
    for row in profile["stages"]:
        share = row["share_of_wall"]
        calls = "" if row["calls"] is None else str(row["calls"])
        cell = "—" if share is None else f"{share:.1%}"
        lines.append(f"{row['stage']:<10} {row['seconds']:>8.2f} {cell:>7} {calls:>6}")
    lines.append(f"{'wall':<10} {profile['wall_s']:>8.2f}")
    cpu = profile["cpu"]
    per_core = ", ".join(f"{b:.0%}" for b in cpu["busy_share_per_core"])
    lines.append(
        f"cores busy {per_core} (whole machine); idle {cpu['idle_share_of_core_time']:.0%} of "
        f"core-time; this process used {cpu['own_share_of_core_time']:.0%} of it"
        + (f" ({cpu['own_cpu_s']:.1f} core-seconds)" if cpu.get("own_cpu_s") is not None else "")
        + (
            f", {cpu['own_kernel_cpu_s'] / cpu['own_cpu_s']:.0%} of that in the kernel"
            if cpu.get("own_kernel_cpu_s") is not None and cpu["own_cpu_s"]
            else ""
        )
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    child_main(argv, ProfilePlan.from_json, run)


if __name__ == "__main__":
    main()
