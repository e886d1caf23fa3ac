"""The encoder's share: the least time any design that gives each clip its own window needs.

    python -m bench.encoder_floor [--corpus DIR] [--languages en,none] [--threads N]

Whisper's encoder reads a fixed 30-second window however little speech it holds, and on a
CPU it is the most expensive step. This counts the windows jamak plans for the corpus
(voice activity detection, then windows, as the recogniser does; Whisper stopping early
in a window makes jamak read more, so this is a lower bound), times the encoder on one
window at a few batch sizes, and multiplies. A throughput target whose time budget is
below that product cannot be met without putting several clips' speech in one window.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bench import corpus
from bench.run import DEFAULT_CORPUS
from jamak.asr.cpu import usable_cores
from jamak.asr.faster_whisper import load_model
from jamak.asr.heap import keep_freed_memory
from jamak.asr.registry import ModelRegistry
from jamak.asr.vad import VadSettings, detect_speech
from jamak.asr.windows import WHISPER_WINDOW_S, plan_windows
from jamak.media import decode_audio
from jamak.settings import Settings

BATCH_SIZES = (1, 4, 16)
REPEATS = 3


def count_windows(paths: Sequence[Path]) -> int:
    vad = VadSettings()
    total = 0
    for path in paths:
        samples = decode_audio(path).samples
        total += len(plan_windows(detect_speech(samples, vad)))
    return total


def seconds_per_window(model_path: Path, *, threads: int, batch_size: int) -> float:
    """The fastest of a few runs, after one warm-up run."""
    model = load_model(model_path, device="cpu", compute_type="int8", cpu_threads=threads)
    frames = int(WHISPER_WINDOW_S * 100)
    noise = np.random.default_rng(0).standard_normal((batch_size, 80, frames)) * 0.1
    features = noise.astype(np.float32)
    model.encode(features)
    best = float("inf")
    for _ in range(REPEATS):
        started = time.perf_counter()
        model.encode(features)
        best = min(best, time.perf_counter() - started)
    return best / batch_size


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The encoder's share of decoding time.")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--languages", default="en,none")
    parser.add_argument("--model", default="base")
    parser.add_argument("--threads", type=int, default=0, help="[all usable cores]")
    args = parser.parse_args(argv)
    keep_freed_memory()  # as jamak transcribe does, so the encoder is timed as it runs there
    settings = Settings()
    registry = ModelRegistry(model_dir=settings.model_dir, allow_download=settings.allow_download)
    model_path = registry.resolve(args.model)
    threads = args.threads or usable_cores()
    clips = corpus.read_corpus(args.corpus, languages=args.languages.split(","))
    windows = count_windows([clip.path for clip in clips])
    per_window = {
        size: seconds_per_window(model_path, threads=threads, batch_size=size)
        for size in BATCH_SIZES
    }
    fastest = min(per_window.values())
    print(
        json.dumps(
            {
                "model": args.model,
                "threads": threads,
                "clips": len(clips),
                "windows": windows,
                "encoder_s_per_window_by_batch": {k: round(v, 3) for k, v in per_window.items()},
                "encoder_floor_s": round(windows * fastest, 1),
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
