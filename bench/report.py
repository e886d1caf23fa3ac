"""The results, three ways: a table to read, JSON to keep and compare, a plot to glance at.

Speed is audio seconds per wall-clock second (for one long file that is "× real time"), and
"vs <anchor>" divides a system's speed by the anchor's: 2.0 means twice as fast. Memory is
the peak resident memory of the system's whole process tree.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.scoring import Scores

ANCHORS = ("fw-sequential", "fw-batched")
MIB = 1 << 20


@dataclass(frozen=True, slots=True)
class Row:
    system: str
    audio_s: float
    wall_s: float | None = None  # None: the system did not run
    peak_rss_bytes: int | None = None
    scores: Scores | None = None
    failed: int = 0
    note: str = ""
    timings_s: Mapping[str, float] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)  # item name -> what it wrote
    load_before: float | None = None  # 1-minute load average as the run started

    @property
    def speed(self) -> float | None:
        """Audio seconds per wall-clock second."""
        return self.audio_s / self.wall_s if self.wall_s else None


@dataclass(frozen=True, slots=True)
class Section:
    name: str  # "clips" or "long"
    title: str
    speed_label: str  # "audio s/s" or "x real time"
    items: int
    audio_s: float
    decode_s: float
    rows: tuple[Row, ...]
    profiles: tuple[Mapping[str, Any], ...] = ()  # bench/profile.py results, long files only

    def relative_speed(self, row: Row, anchor: str) -> float | None:
        base = next((r.speed for r in self.rows if r.system == anchor), None)
        return row.speed / base if row.speed and base else None


def table(section: Section) -> str:
    """A plain-text table, one line per system; a system that did not run says why."""
    labels = _error_labels(section.rows)
    with_non_speech = any(r.scores and r.scores.non_speech_clips for r in section.rows)
    header = ["system", "wall s", section.speed_label, *(f"vs {a}" for a in ANCHORS), *labels]
    header += ["non-speech words"] if with_non_speech else []
    header += ["peak MB"]
    lines = [header]
    notes = []
    for row in section.rows:
        if row.wall_s is None:
            lines.append([row.system, *["—"] * (len(header) - 1)])
            notes.append(f"{row.system}: {row.note}")
            continue
        rates = {e.label: e.value for e in row.scores.error_rates} if row.scores else {}
        cells = [row.system, f"{row.wall_s:.1f}", _fmt(row.speed, "{:.2f}")]
        cells += [_fmt(section.relative_speed(row, a), "{:.2f}×") for a in ANCHORS]
        cells += [_fmt(rates.get(label), "{:.1%}") for label in labels]
        if with_non_speech:
            cells.append(str(row.scores.non_speech_words) if row.scores else "—")
        cells.append(_fmt(row.peak_rss_bytes and row.peak_rss_bytes / MIB, "{:.0f}"))
        lines.append(cells)
        if row.failed or row.note:
            notes.append(f"{row.system}: {row.failed} item(s) failed {row.note}".strip())
        if "first_job_done_s" in row.timings_s:
            first = row.timings_s["first_job_done_s"]
            notes.append(f"{row.system}: first job finished {first:.1f} s after the upload began")
    notes.append(
        f"decoding every file once took {section.decode_s:.1f} s: inside jamak's times, "
        "outside the anchors' (they are given decoded samples)"
    )
    return "\n".join([section.title, _layout(lines), *notes])


def latency_table(latency: Mapping[str, Any]) -> str:
    """jamak-service's latency run as text: a short job behind the long ones, and alone."""
    if "note" in latency:
        return f"latency (jamak-service): {latency['note']}"

    def seconds(name: str) -> str:
        value = latency.get(name)
        return "—" if value is None else f"{value:.1f} s"

    longs = ", ".join(latency["long_files"])
    return "\n".join(
        [
            f"latency (jamak-service): {latency['short_file']} submitted behind {longs}",
            f"  first job finished after the uploads began: {seconds('first_job_done_s')}",
            f"  every long job finished: {seconds('long_jobs_done_s')}",
            f"  short job, submit to succeeded, behind the long ones: "
            f"{seconds('short_behind_long_s')} (processing {seconds('short_processing_behind_s')})",
            f"  short job, submit to succeeded, on an idle service: "
            f"{seconds('short_alone_s')} (processing {seconds('short_processing_alone_s')})",
            f"  behind / alone: {_fmt(latency.get('behind_over_alone'), '{:.1f}×')}",
            f"  statuses: {', '.join(latency['statuses'])}",
        ]
    )


def document(sections: Sequence[Section], *, meta: Mapping[str, Any]) -> dict[str, Any]:
    """Everything measured, as JSON-able data (texts per item are written separately)."""
    return {**meta, "sections": [_section_json(section) for section in sections]}


def texts(sections: Sequence[Section]) -> dict[str, Any]:
    """What each system wrote per item, to see where an error rate comes from."""
    return {s.name: {row.system: dict(row.texts) for row in s.rows} for s in sections}


def write_json(data: Mapping[str, Any], path: Path) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def plot(sections: Sequence[Section], path: Path) -> Path | None:
    """Speed and peak memory per system as bar charts; None when matplotlib is absent."""
    try:
        matplotlib = importlib.import_module("matplotlib")
    except ImportError:
        return None
    matplotlib.use("Agg")  # files only, no display
    pyplot = importlib.import_module("matplotlib.pyplot")
    figure, axes = pyplot.subplots(len(sections), 2, figsize=(11, 3 * len(sections)), squeeze=False)
    for (speed_axis, memory_axis), section in zip(axes, sections, strict=True):
        ran = [row for row in section.rows if row.wall_s is not None]
        names = [row.system for row in ran]
        speed_axis.barh(names, [row.speed or 0.0 for row in ran])
        speed_axis.set_title(f"{section.name}: {section.speed_label} (higher is better)")
        memory_axis.barh(names, [(row.peak_rss_bytes or 0) / MIB for row in ran])
        memory_axis.set_title("peak memory, MB (process tree)")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    pyplot.close(figure)
    return path


def _section_json(section: Section) -> dict[str, Any]:
    return {
        "name": section.name,
        "title": section.title,
        "items": section.items,
        "audio_s": round(section.audio_s, 2),
        "decode_s": round(section.decode_s, 2),
        "rows": [_row_json(section, row) for row in section.rows],
        "profiles": [
            {name: value for name, value in found.items() if name != "text"}
            for found in section.profiles
        ],
    }


def _row_json(section: Section, row: Row) -> dict[str, Any]:
    data: dict[str, Any] = {
        "system": row.system,
        "ran": row.wall_s is not None,
        "note": row.note,
        "wall_s": _round(row.wall_s, 2),
        "audio_s_per_s": _round(row.speed, 3),
        "peak_rss_mb": _round(row.peak_rss_bytes and row.peak_rss_bytes / MIB, 1),
        "failed_items": row.failed,
        "load_average_1m_before": _round(row.load_before, 2),
        "timings_s": {name: round(value, 2) for name, value in row.timings_s.items()},
    }
    for anchor in ANCHORS:
        data[f"vs_{anchor.replace('-', '_')}"] = _round(section.relative_speed(row, anchor), 3)
    if row.scores is not None:
        data["error_rates"] = [
            {
                "language": e.language,
                "metric": e.metric,
                "value": round(e.value, 4),
                "errors": e.errors,
                "reference_units": e.reference_units,
                "clips": e.clips,
            }
            for e in row.scores.error_rates
        ]
        data["non_speech_words"] = row.scores.non_speech_words
        data["non_speech_clips"] = row.scores.non_speech_clips
    return data


def _error_labels(rows: Sequence[Row]) -> list[str]:
    labels = {e.label for r in rows if r.scores for e in r.scores.error_rates}
    return sorted(labels)


def _fmt(value: float | None, pattern: str) -> str:
    return "—" if value is None else pattern.format(value)


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _layout(lines: Sequence[Sequence[str]]) -> str:
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    rendered = []
    for number, line in enumerate(lines):
        cells = [
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        ]
        rendered.append("  ".join(cells).rstrip())
        if number == 0:
            rendered.append("  ".join("-" * w for w in widths))
    return "\n".join(rendered)
