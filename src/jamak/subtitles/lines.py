"""Lay one cue's units out as lines: as few lines as fit, balanced, broken where a reader pauses.

The number of lines is the smallest that fits (one line when the text fits on one). Among the
layouts with that many lines the cheapest wins; the costs, in order of weight:

* lines of similar length (squared difference from the mean, in units of a full line), so a
  two-line cue is not one full line over a single word;
* breaks after sentence punctuation are free, after clause punctuation cheap, between plain
  words dearer;
* a line of one short word ("a", "I", "그") costs extra, so it is chosen only when nothing
  better exists;
* a top line longer than the bottom one costs a little (the classic bottom-heavy "pyramid").

A line never breaks inside a unit, so a word longer than a line stands alone on its line.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate, pairwise
from typing import NamedTuple

from jamak.subtitles.punctuation import Boundary
from jamak.subtitles.units import Unit

_BREAK_COST = {Boundary.SENTENCE: 0.0, Boundary.CLAUSE: 0.15, Boundary.WORD: 0.4}
_ORPHAN_COST = 0.5
_ORPHAN_MAX_CHARS = 3
_TOP_HEAVY_COST = 0.1


class GreedyFill(NamedTuple):
    """Lines used so far when units are packed first-fit, which needs the fewest lines."""

    lines: int = 0
    current: int = 0

    def add(self, unit: Unit, max_chars: int) -> GreedyFill:
        width = len(unit.text)
        if self.lines == 0:
            return GreedyFill(1, width)
        joined = self.current + (1 if unit.space_before else 0) + width
        if joined <= max_chars:
            return GreedyFill(self.lines, joined)
        return GreedyFill(self.lines + 1, width)


def line_text(units: Sequence[Unit]) -> str:
    parts: list[str] = []
    for index, unit in enumerate(units):
        if index and unit.space_before:
            parts.append(" ")
        parts.append(unit.text)
    return "".join(parts)


def minimum_line_count(units: Sequence[Unit], max_chars: int) -> int:
    fill = GreedyFill()
    for unit in units:
        fill = fill.add(unit, max_chars)
    return fill.lines


def layout_lines(units: Sequence[Unit], max_chars: int) -> tuple[str, ...]:
    count = minimum_line_count(units, max_chars)
    if count <= 1:
        return (line_text(units),)
    breaks = _best_breaks(units, max_chars, count)
    edges = [0, *breaks, len(units)]
    return tuple(line_text(units[a:b]) for a, b in pairwise(edges))


def _best_breaks(units: Sequence[Unit], max_chars: int, count: int) -> list[int]:
    widths = _LineWidths(units)
    mean = widths.of(0, len(units)) / count
    n = len(units)
    # best[k][j]: cheapest (cost, breaks) laying units[:j] on k lines.
    best: list[dict[int, tuple[float, list[int]]]] = [{0: (0.0, [])}]
    for k in range(1, count + 1):
        layer: dict[int, tuple[float, list[int]]] = {}
        ends = [n] if k == count else range(1, n)
        for j in ends:
            for i, (cost_before, breaks) in best[k - 1].items():
                if i >= j or not _fits(widths, i, j, max_chars):
                    continue
                cost = cost_before + _line_cost(units, widths, i, j, mean, max_chars, count)
                if j not in layer or cost < layer[j][0]:
                    layer[j] = (cost, [*breaks, j] if j < n else breaks)
        best.append(layer)
    if n not in best[count]:  # unreachable: first-fit proved ``count`` lines suffice
        return _greedy_breaks(units, max_chars)
    return best[count][n][1]


def _fits(widths: _LineWidths, i: int, j: int, max_chars: int) -> bool:
    return j - i == 1 or widths.of(i, j) <= max_chars


def _line_cost(
    units: Sequence[Unit],
    widths: _LineWidths,
    i: int,
    j: int,
    mean: float,
    max_chars: int,
    count: int,
) -> float:
    width = widths.of(i, j)
    cost = ((width - mean) / max_chars) ** 2
    if j - i == 1 and width <= _ORPHAN_MAX_CHARS:
        cost += _ORPHAN_COST
    if j < len(units):
        cost += _BREAK_COST[units[j - 1].boundary]
        if i == 0 and count == 2:
            cost += _TOP_HEAVY_COST * max(0, width - widths.of(j, len(units))) / max_chars
    return cost


def _greedy_breaks(units: Sequence[Unit], max_chars: int) -> list[int]:
    breaks = []
    fill = GreedyFill()
    for index, unit in enumerate(units):
        grown = fill.add(unit, max_chars)
        if index and grown.lines > fill.lines:
            breaks.append(index)
        fill = grown
    return breaks


class _LineWidths:
    """Characters of units[i:j] set on one line, in O(1) from prefix sums."""

    def __init__(self, units: Sequence[Unit]) -> None:
        self._chars = list(accumulate((len(u.text) for u in units), initial=0))
        self._spaces = list(accumulate((int(u.space_before) for u in units), initial=0))

    def of(self, i: int, j: int) -> int:
        if j <= i:
            return 0
        # The first unit's space falls at the line start, where it is dropped.
        return self._chars[j] - self._chars[i] + self._spaces[j] - self._spaces[i + 1]
