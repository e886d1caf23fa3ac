"""The evaluation clips, read from a folder laid out like ``../shared/eval``.

A folder holds media files, a ``MANIFEST.tsv`` with one row per file and a ``<name>.txt``
reference beside each one. Language ``none`` marks non-speech (silence, noise, music) whose
expected transcript is empty. Some references are only another recogniser's output; they
are kept for timing but left out of error rates, or the benchmark would reward agreeing with
that recogniser's mistakes.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

MANIFEST = "MANIFEST.tsv"
NON_SPEECH = "none"

# ``reference_type`` wording (case-insensitive) that marks a reference as unverified.
_UNVERIFIED_MARKERS = ("machine", "output only")

# How many clips --quick keeps: enough to exercise every path, few enough to run in a minute.
QUICK_SPEECH_CLIPS = 3
QUICK_NON_SPEECH_CLIPS = 2


class CorpusError(Exception):
    """The folder is not a corpus the benchmark can read."""


@dataclass(frozen=True, slots=True)
class Clip:
    name: str
    path: Path
    language: str  # a language code, or "none" for non-speech
    duration_s: float
    reference: str  # empty for non-speech
    reference_verified: bool  # False: timed, but not scored

    @property
    def is_speech(self) -> bool:
        return self.language != NON_SPEECH

    @property
    def scored(self) -> bool:
        return self.reference_verified or not self.is_speech


def read_corpus(folder: Path, *, languages: Iterable[str]) -> tuple[Clip, ...]:
    """The clips of ``languages`` in manifest order; raises :class:`CorpusError`."""
    manifest = folder / MANIFEST
    if not manifest.is_file():
        raise CorpusError(f"{folder} has no {MANIFEST}: pass --corpus with an evaluation folder")
    wanted = set(languages)
    with manifest.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    clips = tuple(_clip(folder, row) for row in rows if row["language"] in wanted)
    _check_unique_stems(clips)
    return clips


def quick_selection(clips: Sequence[Clip]) -> tuple[Clip, ...]:
    """A handful of clips, in corpus order: a few scored speech clips and a few non-speech."""
    speech = [clip for clip in clips if clip.is_speech and clip.reference_verified]
    silent = [clip for clip in clips if not clip.is_speech]
    chosen = {c.name for c in speech[:QUICK_SPEECH_CLIPS] + silent[:QUICK_NON_SPEECH_CLIPS]}
    return tuple(clip for clip in clips if clip.name in chosen)


def _clip(folder: Path, row: dict[str, str]) -> Clip:
    name = row["short_name"]
    path = folder / row["file"]
    if not path.is_file():
        raise CorpusError(f"{name}: {path} is missing")
    reference_file = folder / (row.get("transcript_file") or f"{name}.txt")
    reference = (
        reference_file.read_text(encoding="utf-8").strip()
        if reference_file.is_file()
        else row.get("reference_transcript", "").strip()
    )
    kind = row.get("reference_type", "").lower()
    return Clip(
        name=name,
        path=path,
        language=row["language"],
        duration_s=float(row["duration_seconds"]),
        reference="" if row["language"] == NON_SPEECH else reference,
        reference_verified=not any(marker in kind for marker in _UNVERIFIED_MARKERS),
    )


def _check_unique_stems(clips: Sequence[Clip]) -> None:
    """``jamak transcribe`` names its outputs by file stem, so two clips must not share one."""
    seen: dict[str, str] = {}
    for clip in clips:
        other = seen.setdefault(clip.path.stem, clip.name)
        if other != clip.name:
            raise CorpusError(f"{clip.name} and {other} share the file stem {clip.path.stem!r}")
