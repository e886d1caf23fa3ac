"""Builds small corpora in the layout of ../shared/eval, so bench tests need no real clips."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

COLUMNS = (
    "short_name",
    "file",
    "language",
    "duration_seconds",
    "reference_type",
    "reference_transcript",
    "transcript_file",
)


@dataclass(frozen=True)
class ManifestRow:
    name: str
    file: str
    language: str
    reference: str = ""
    reference_type: str = "human reference"
    duration_s: float = 1.0


def write_corpus(folder: Path, rows: Sequence[ManifestRow], *, touch_media: bool = True) -> Path:
    """A MANIFEST.tsv and ``<name>.txt`` references; media files are empty unless they exist."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "MANIFEST.tsv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(COLUMNS)
        for row in rows:
            text_file = f"{row.name}.txt"
            (folder / text_file).write_text(row.reference + "\n", encoding="utf-8")
            if touch_media and not (folder / row.file).exists():
                (folder / row.file).touch()
            writer.writerow(
                (
                    row.name,
                    row.file,
                    row.language,
                    f"{row.duration_s:.2f}",
                    row.reference_type,
                    row.reference,
                    text_file,
                )
            )
    return folder
