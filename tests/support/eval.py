"""Find and read the shared evaluation clips (``../shared/eval`` beside the repository).

The clips are real recordings under their own licences, so they live outside the repository;
CI checks them out beside it. Tests that use them skip, saying why, when they are absent.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class EvalClip:
    short_name: str
    path: Path
    language: str | None  # None for non-speech clips ("none" in the manifest)
    category: str  # speech, speech-long, video, silence, music, ...
    duration_s: float
    media: str  # e.g. "audio flac 44100Hz 2ch" or "video vp8 426x240; audio vorbis 48000Hz 2ch"
    reference_type: str  # read before scoring: a few references are not ground truth
    reference_text: str  # from the clip's .txt file; empty when no speech is expected


def eval_dir() -> Path | None:
    """``<repo>/../shared/eval`` if it exists and has a manifest, else None."""
    candidate = REPO_ROOT.parent / "shared" / "eval"
    return candidate if (candidate / "MANIFEST.tsv").is_file() else None


def read_manifest(directory: Path) -> dict[str, EvalClip]:
    """Every row of ``MANIFEST.tsv``, keyed by short name."""
    with (directory / "MANIFEST.tsv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE))
    clips = (_clip(directory, row) for row in rows)
    return {clip.short_name: clip for clip in clips}


def _clip(directory: Path, row: dict[str, str]) -> EvalClip:
    transcript = directory / row["transcript_file"]
    return EvalClip(
        short_name=row["short_name"],
        path=directory / row["file"],
        language=None if row["language"] == "none" else row["language"],
        category=row["category"],
        duration_s=float(row["duration_seconds"]),
        media=row["media"],
        reference_type=row["reference_type"],
        reference_text=transcript.read_text(encoding="utf-8").strip(),
    )
