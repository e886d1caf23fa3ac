"""A subtitle cue: the text on screen between two instants, already broken into lines."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Cue:
    start_s: float
    end_s: float
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    @property
    def reading_length(self) -> int:
        """Characters a viewer reads: spaces count, line breaks do not."""
        return sum(len(line) for line in self.lines)
