"""The two faster-whisper anchors, run in a child process of their own.

A child process, so that its peak memory is the anchor's alone (not the benchmark's, which
holds the corpus) and so that every system is measured the same way: as a process tree.
The clock runs from loading the model to the last transcript, and leaves out the interpreter
start and the loading of the already-decoded samples (see bench/workload.py).

    python -m bench.anchors PLAN.json RESULT.json

PLAN names the mode, the model folder, the decoding settings and the ``.npy`` files.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from bench.child import child_main

SEQUENTIAL = "sequential"
BATCHED = "batched"
# faster-whisper reads a window that fails its checks again at temperatures 0.2 to 1.0, by
# sampling; unseeded, each run of the sequential anchor is a new draw (the corpus's laughter
# clip: 14 word errors in one run, 6 in the next, and the clips' total with it). Seeded, two
# runs on one machine compare; a seed is still one draw, which bench/README.md says.
ANCHOR_SEED = 0


@dataclass(frozen=True, slots=True)
class AnchorPlan:
    mode: str  # SEQUENTIAL or BATCHED
    model_path: str
    compute_type: str
    threads: int
    beam_size: int
    batch_size: int
    audio: dict[str, str]  # item name -> .npy path
    seed: int  # CTranslate2's sampling, for the fallback's re-reads (ANCHOR_SEED by default)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> AnchorPlan:
        return cls(**json.loads(text))


Transcribe = Callable[[Any], str]


def transcriber(plan: AnchorPlan) -> Transcribe:
    """Load the model and return the anchor's way of turning samples into text."""
    # Imported here, in the child: the benchmark process only needs AnchorPlan.
    import ctranslate2
    from faster_whisper import BatchedInferencePipeline, WhisperModel

    ctranslate2.set_random_seed(plan.seed)
    model = WhisperModel(
        plan.model_path, device="cpu", compute_type=plan.compute_type, cpu_threads=plan.threads
    )
    if plan.mode == SEQUENTIAL:
        return lambda audio: _text(model.transcribe(audio, beam_size=plan.beam_size)[0])
    if plan.mode == BATCHED:
        pipeline = BatchedInferencePipeline(model)
        return lambda audio: _text(
            pipeline.transcribe(audio, batch_size=plan.batch_size, beam_size=plan.beam_size)[0]
        )
    raise ValueError(f"unknown anchor mode {plan.mode!r}")


def run(plan: AnchorPlan) -> dict[str, Any]:
    started = time.perf_counter()
    transcribe = transcriber(plan)
    texts: dict[str, str] = {}
    loading_s = 0.0
    for name, audio_path in plan.audio.items():
        before = time.perf_counter()
        audio = np.load(audio_path)
        loading_s += time.perf_counter() - before
        texts[name] = transcribe(audio)
    return {"wall_s": time.perf_counter() - started - loading_s, "texts": texts}


def _text(segments: Any) -> str:
    """Consume the lazy segment generator (the decoding happens here) into one text."""
    return "".join(segment.text for segment in segments).strip()


def main(argv: list[str] | None = None) -> None:
    child_main(argv, AnchorPlan.from_json, run)


if __name__ == "__main__":
    main()
