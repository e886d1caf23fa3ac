"""Choose where cues begin and end: the cheapest split of the word stream into legal cues.

A silence of at least ``pause_split_s`` always ends a cue, so the stream is first cut into
runs of continuous speech. Inside a run, every split is considered (dynamic programming over
unit boundaries) and the cheapest wins:

* each cue costs 1, so cues are as few (as full) as the rules allow;
* a cue should be near the cue's capacity: the squared shortfall, times 0.5, keeps the last
  cue of a sentence from being a lone word and spreads text evenly over cues;
* ending a cue after a sentence is free, after a clause cheap, between words dearer than a
  whole extra cue; a short pause (under ``pause_split_s``) makes a break cheaper in
  proportion to its length.

A cue is legal when its units fit ``max_lines`` lines, it can be read within
``max_duration_s``, and its speech lasts at most ``max_duration_s`` (a single unit is always
legal: it cannot be split further).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from jamak.subtitles.lines import GreedyFill
from jamak.subtitles.punctuation import Boundary
from jamak.subtitles.rules import SubtitleRules
from jamak.subtitles.units import Unit

_CUE_COST = 1.0
_FILL_WEIGHT = 0.5
# A break between plain words costs more than a cue, so one more cue is preferred to a cue
# boundary in mid-sentence.
_BREAK_COST = {Boundary.SENTENCE: 0.0, Boundary.CLAUSE: 0.5, Boundary.WORD: 1.5}
# How much of a break's cost a pause just under ``pause_split_s`` takes away.
_PAUSE_RELIEF = 0.6


def group_units(units: Sequence[Unit], rules: SubtitleRules) -> list[Sequence[Unit]]:
    pause_ms = round(rules.pause_split_s * 1000)
    return [cue for run in split_at_pauses(units, pause_ms) for cue in _best_split(run, rules)]


def split_at_pauses(units: Sequence[Unit], pause_ms: int) -> list[Sequence[Unit]]:
    runs: list[Sequence[Unit]] = []
    first = 0
    spoken_until = -math.inf  # the latest end of any word in the current run
    for index, unit in enumerate(units):
        if index > first and unit.start_ms - spoken_until >= pause_ms:
            runs.append(units[first:index])
            first = index
            spoken_until = unit.end_ms
        else:
            spoken_until = max(spoken_until, unit.end_ms)
    if first < len(units):
        runs.append(units[first:])
    return runs


def _best_split(run: Sequence[Unit], rules: SubtitleRules) -> list[Sequence[Unit]]:
    n = len(run)
    cost = [math.inf] * (n + 1)
    cost[0] = 0.0
    previous_edge = [0] * (n + 1)
    for i in range(n):
        for j, cue_cost in _legal_cues_from(run, i, rules):
            if cost[i] + cue_cost < cost[j]:
                cost[j] = cost[i] + cue_cost
                previous_edge[j] = i
    edges = [n]
    while edges[-1] > 0:
        edges.append(previous_edge[edges[-1]])
    edges.reverse()
    return [run[a:b] for a, b in itertools.pairwise(edges)]


def _legal_cues_from(run: Sequence[Unit], i: int, rules: SubtitleRules) -> list[tuple[int, float]]:
    """(end, cost) of every legal cue starting at unit ``i``; growing a cue never makes it legal
    again once it is not, so the scan stops at the first illegal end."""
    readable = math.floor(rules.max_chars_per_s * rules.max_duration_s + 1e-9)
    max_span_ms = math.floor(rules.max_duration_s * 1000 + 1e-6)
    fill = GreedyFill()
    chars = 0
    speech_end_ms = run[i].end_ms
    found = []
    for j in range(i + 1, len(run) + 1):
        unit = run[j - 1]
        fill = fill.add(unit, rules.max_chars_per_line)
        chars += len(unit.text) + (1 if j - 1 > i and unit.space_before else 0)
        speech_end_ms = max(speech_end_ms, unit.end_ms)
        too_big = (
            fill.lines > rules.max_lines
            or chars > readable
            or speech_end_ms - run[i].start_ms > max_span_ms
        )
        if too_big and j > i + 1:
            break
        found.append((j, _cue_cost(run, j, chars, rules)))
    return found


def _cue_cost(run: Sequence[Unit], end: int, chars: int, rules: SubtitleRules) -> float:
    capacity = rules.max_chars_per_cue
    cost = _CUE_COST + _FILL_WEIGHT * (max(0, capacity - chars) / capacity) ** 2
    if end < len(run):
        pause_ms = run[end].start_ms - run[end - 1].end_ms
        relief = _PAUSE_RELIEF * min(max(pause_ms, 0) / (rules.pause_split_s * 1000), 1.0)
        cost += _BREAK_COST[run[end - 1].boundary] * (1 - relief)
    return cost
