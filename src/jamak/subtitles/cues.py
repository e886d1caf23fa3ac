"""Transcript segments → subtitle cues: units, then cue boundaries, then lines, then times.

Each step is its own module with its own rules and tests; this one only runs them in order.
"""

from __future__ import annotations

from collections.abc import Sequence

from jamak.subtitles.cue import Cue
from jamak.subtitles.grouping import group_units
from jamak.subtitles.lines import layout_lines
from jamak.subtitles.rules import SubtitleRules
from jamak.subtitles.timing import CueDraft, schedule
from jamak.subtitles.units import units_from_segments
from jamak.transcript import Segment


def build_cues(
    segments: Sequence[Segment], rules: SubtitleRules, *, language: str | None
) -> tuple[Cue, ...]:
    """Readable cues for ``segments``; every cue keeps ``rules`` (see :func:`check_cues`)."""
    units = units_from_segments(segments, rules, language=language)
    drafts = [
        CueDraft(
            lines=layout_lines(group, rules.max_chars_per_line),
            speech_start_ms=group[0].start_ms,
            speech_end_ms=max(unit.end_ms for unit in group),
        )
        for group in group_units(units, rules)
    ]
    return tuple(schedule(drafts, rules))
