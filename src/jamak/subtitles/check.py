"""Every rule a finished list of cues must keep, as a list of readable violations.

``build_cues`` guarantees these rules for any input; this checker is how that promise is
verified, by property tests on random word streams and by tests on real model output.

A line may be longer than ``max_chars_per_line`` only when it is one word too long to break:
in spaced scripts, a line with one word (and perhaps punctuation set off by a space, as in
French "mot ?", which may not be separated from it). In scripts written without spaces (pass
``language``) any line may break between characters, so no line may be too long.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from jamak.subtitles.cue import Cue
from jamak.subtitles.punctuation import is_closing_punctuation, is_opening_punctuation
from jamak.subtitles.rules import SubtitleRules
from jamak.subtitles.script import is_unspaced

# Times are whole milliseconds; this only absorbs float noise in ``end_s - start_s``.
_TOLERANCE_S = 1e-6


def check_cues(
    cues: Sequence[Cue], rules: SubtitleRules, *, language: str | None = None
) -> list[str]:
    """Violations of ``rules`` in ``cues``, one message each; empty when all is well."""
    problems: list[str] = []
    for number, cue in enumerate(cues, start=1):
        problems += [f"cue {number}: {p}" for p in _cue_problems(cue, rules, language)]
    for number, (before, after) in enumerate(itertools.pairwise(cues), start=2):
        gap_s = after.start_s - before.end_s
        if gap_s < rules.min_gap_s - _TOLERANCE_S:
            problems.append(
                f"cue {number}: starts {gap_s:.3f} s after cue {number - 1} ends "
                f"(at least {rules.min_gap_s} s apart, never overlapping)"
            )
    return problems


def _cue_problems(cue: Cue, rules: SubtitleRules, language: str | None) -> list[str]:
    problems = _time_problems(cue, rules)
    if not cue.lines or not 1 <= len(cue.lines) <= rules.max_lines:
        problems.append(f"has {len(cue.lines)} lines (1 to {rules.max_lines})")
    for number, line in enumerate(cue.lines, start=1):
        if not line.strip() or line != line.strip():
            problems.append(f"line {number} is empty or has spaces at its ends: {line!r}")
        elif len(line) > rules.max_chars_per_line and not _unbreakable(line, language):
            problems.append(
                f"line {number} has {len(line)} characters (at most "
                f"{rules.max_chars_per_line}): {line!r}"
            )
    return problems


def _time_problems(cue: Cue, rules: SubtitleRules) -> list[str]:
    problems = []
    duration_s = cue.duration_s
    if cue.start_s < 0:
        problems.append(f"starts at a negative time ({cue.start_s} s)")
    if duration_s < rules.min_duration_s - _TOLERANCE_S:
        problems.append(f"lasts {duration_s:.3f} s (at least {rules.min_duration_s} s)")
    if duration_s > rules.max_duration_s + _TOLERANCE_S:
        problems.append(f"lasts {duration_s:.3f} s (at most {rules.max_duration_s} s)")
    if duration_s > 0:
        speed = cue.reading_length / duration_s
        if speed > rules.max_chars_per_s * (1 + 1e-9) + _TOLERANCE_S:
            problems.append(
                f"needs {speed:.2f} characters/s (at most {rules.max_chars_per_s}): {cue.text!r}"
            )
    return problems


def _unbreakable(line: str, language: str | None) -> bool:
    # One word, perhaps with detached punctuation that may not start or end a line ("mot ?").
    if is_unspaced(language):
        return False
    words = [
        part
        for part in line.split()
        if not (is_closing_punctuation(part) or is_opening_punctuation(part))
    ]
    return len(words) <= 1
