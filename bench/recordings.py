"""Long recordings of one speaker: sentences in order, natural pauses, no one-second seams.

The joined-clips file of bench/longform.py puts a second of silence between takes of many
voices; a lecture or an audiobook is one voice whose sentences follow each other after a
short breath. Each recipe here picks the clips of one speaker (in manifest order), trims the
quiet at their edges, and joins them with a pause drawn from ``PAUSE_S`` (seeded, so every
run builds the same file), cycling until the target length. The MP3 and its reference are
kept in ``folder`` under a name made of the recipe, the length and a hash of everything the
file depends on, and reused when they are already there.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.corpus import Clip
from bench.longform import LongRecording, Samples, write_mp3
from jamak.media import SAMPLE_RATE, decode_audio

PAUSE_S = (0.15, 0.6)
SEED = 14
EDGE_FRAME_S = 0.02
EDGE_QUIET_DB = -40.0  # below the clip's loudest frame: quiet to trim at its edges
EDGE_KEEP_S = 0.05  # of that quiet kept before the first and after the last loud frame
_VERSION = 1  # bump when the way a file is built changes, so kept files are rebuilt


@dataclass(frozen=True, slots=True)
class Recipe:
    name: str
    title: str
    pattern: str  # clip names (full match); clips are taken in manifest order

    def pick(self, clips: Sequence[Clip]) -> list[Clip]:
        return [c for c in clips if re.fullmatch(self.pattern, c.name) and c.reference_verified]


RECIPES = (
    Recipe(
        "ljspeech",
        "LJSpeech LJ001-0001..0016 (one reader, one book's sentences in order)",
        r"en_ljspeech_LJ001-00(0[1-9]|1[0-6])",
    ),
    # Recorded by the Montreal Forced Aligner's author (MANIFEST: source and licence columns),
    # one voice; the two-speaker stereo file is left out.
    Recipe(
        "mfa",
        "MFA author's recordings (one speaker, mono)",
        r"en_mfa_(?!two_speakers)[a-z0-9_]+",
    ),
)


@dataclass(frozen=True, slots=True)
class Built:
    recording: LongRecording
    pauses_s: tuple[float, ...]  # drawn silence after each clip (the last one too)
    clip_names: tuple[str, ...]  # in order, counting repeats
    reused: bool


Load = Callable[[Path], Samples]


def build(
    recipe: Recipe,
    clips: Sequence[Clip],
    *,
    target_s: float,
    folder: Path,
    seed: int = SEED,
    load: Load | None = None,
) -> Built | None:
    """The recipe's recording in ``folder``, built or reused; None if it has under 2 clips."""
    chosen = recipe.pick(clips)
    if len(chosen) < 2:
        return None
    key = _key(recipe, chosen, target_s, seed)
    stem = f"{recipe.name}-{target_s:.0f}s-{key}"
    path, sidecar = folder / f"{stem}.mp3", folder / f"{stem}.json"
    if path.is_file() and sidecar.is_file():
        return _read(path, sidecar)
    load = load or _decode
    rng = np.random.default_rng(seed)
    pieces: list[Samples] = []
    names: list[str] = []
    pauses: list[float] = []
    length = 0
    trimmed = {clip.name: trim(load(clip.path)) for clip in chosen}
    while length < target_s * SAMPLE_RATE:
        for clip in chosen:
            if length >= target_s * SAMPLE_RATE:
                break
            pause_s = float(rng.uniform(*PAUSE_S))
            gap = np.zeros(round(pause_s * SAMPLE_RATE), dtype=np.float32)
            pieces += [trimmed[clip.name], gap]
            names.append(clip.name)
            pauses.append(round(pause_s, 4))
            length += trimmed[clip.name].size + gap.size
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f"{stem}.part.mp3"
    write_mp3(np.concatenate(pieces), partial)
    references = {clip.name: clip.reference for clip in chosen}
    meta = {
        "recipe": recipe.name,
        "title": recipe.title,
        "language": chosen[0].language,
        "duration_s": length / SAMPLE_RATE,
        "reference": " ".join(references[name] for name in names if references[name]),
        "clips": names,
        "pauses_s": pauses,
        "seed": seed,
    }
    sidecar.write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    partial.replace(path)  # last: an MP3 without its sidecar is never taken as finished
    built = _read(path, sidecar)
    return Built(built.recording, built.pauses_s, built.clip_names, reused=False)


def trim(samples: Samples) -> Samples:
    """The clip without the quiet at its edges (``EDGE_KEEP_S`` of it kept each side)."""
    frame = round(EDGE_FRAME_S * SAMPLE_RATE)
    count = samples.size // frame
    if count == 0:
        return samples
    rms = np.sqrt(np.mean(samples[: count * frame].reshape(count, frame) ** 2, axis=1))
    loud = np.flatnonzero(rms > rms.max() * 10 ** (EDGE_QUIET_DB / 20))
    if loud.size == 0:
        return samples
    keep = round(EDGE_KEEP_S * SAMPLE_RATE)
    first = max(0, loud[0] * frame - keep)
    stop = min(samples.size, (loud[-1] + 1) * frame + keep)
    return samples[first:stop]


def _key(recipe: Recipe, chosen: Sequence[Clip], target_s: float, seed: int) -> str:
    """A hash of what the file is made of: clips (name, size, reference), settings, version."""
    parts = [recipe.name, f"{target_s:g}", str(seed), repr(PAUSE_S), str(_VERSION)]
    parts += [f"{EDGE_QUIET_DB:g}", f"{EDGE_KEEP_S:g}"]
    for clip in chosen:
        size = clip.path.stat().st_size if clip.path.is_file() else -1
        parts.append(f"{clip.name}:{size}:{clip.reference}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:10]


def _read(path: Path, sidecar: Path) -> Built:
    meta = json.loads(sidecar.read_text(encoding="utf-8"))
    recording = LongRecording(
        path, float(meta["duration_s"]), meta["reference"], meta["language"], len(meta["clips"])
    )
    return Built(recording, tuple(meta["pauses_s"]), tuple(meta["clips"]), reused=True)


def _decode(path: Path) -> Samples:
    samples: Samples = decode_audio(path).samples
    return samples
