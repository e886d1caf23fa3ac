"""How long a part should be: recognition time against part length, and the fixed cost of
every part (model load, decoding the whole file, voice activity detection).

A split job pays the fixed cost once per part, on every worker, and finishes when its
longest part does; the recognition rate decides whether a longer part is any cheaper per
audio second. Run: ``python -m bench.parts [--model base] [--length-s 600]``; the clips
come from ../shared/eval (English speech, joined with a second of silence between them,
cycled to the length), so the figures are for real speech.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from pathlib import Path

import numpy as np
from tests.support.eval import eval_dir, read_manifest

from bench.longform import write_mp3
from jamak.asr.options import RecognitionOptions
from jamak.asr.parts import plan_parts
from jamak.asr.registry import ModelRegistry
from jamak.asr.vad import speech_map
from jamak.media import SAMPLE_RATE, decode_audio
from jamak.settings import Settings


def joined_english(length_s: float) -> np.ndarray:
    """English speech clips of ../shared/eval joined with 1 s of silence, cycled to length."""
    folder = eval_dir()
    if folder is None:
        raise SystemExit("../shared/eval is not here")
    clips = [c for c in read_manifest(folder).values() if c.language == "en"]
    gap = np.zeros(SAMPLE_RATE, dtype=np.float32)
    pieces: list[np.ndarray] = []
    total = 0
    for clip in itertools.cycle(sorted(clips, key=lambda c: c.short_name)):
        if total >= length_s * SAMPLE_RATE:
            break
        samples = decode_audio(clip.path).samples
        pieces += [samples, gap]
        total += samples.size + gap.size
    return np.concatenate(pieces)[: int(length_s * SAMPLE_RATE)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="base")
    parser.add_argument("--length-s", type=float, default=600.0)
    parser.add_argument("--parts", default="60,120,300,600")
    args = parser.parse_args()
    audio = joined_english(args.length_s)
    with tempfile.TemporaryDirectory() as scratch:
        mp3 = Path(scratch) / "long.mp3"
        write_mp3(audio, mp3)
        started = time.perf_counter()
        decode_audio(mp3)
        spent = time.perf_counter() - started
        print(f"decoding the {audio.size / SAMPLE_RATE:.0f} s MP3: {spent:.2f} s")
    started = time.perf_counter()
    probabilities = speech_map(audio)
    vad_s = time.perf_counter() - started
    plan = plan_parts(probabilities.probabilities, probabilities.frame_s, audio.size / SAMPLE_RATE)
    print(f"audio {audio.size / SAMPLE_RATE:.0f} s; VAD {vad_s:.2f} s; {len(plan.parts)} part(s)")
    settings = Settings()
    with ModelRegistry(model_dir=settings.model_dir, device="cpu", cpu_threads=2) as registry:
        started = time.perf_counter()
        recognizer = registry.recognizer(args.model)
        print(f"model {args.model} load {time.perf_counter() - started:.2f} s")
        options = RecognitionOptions(language="en")
        for length in (float(x) for x in args.parts.split(",")):
            piece = audio[: int(length * SAMPLE_RATE)]
            started = time.perf_counter()
            recognizer.recognize(piece, options=options)
            spent = time.perf_counter() - started
            print(f"part {length:.0f} s: {spent:.1f} s, {spent / length:.3f} s per audio s")


if __name__ == "__main__":
    main()
