"""Cue times on a video's frames: a cue that starts or ends between two frames is drawn
on whichever frame the player lands on, so the gap and the durations the rules promise
are only exact when every time is a frame boundary.

Boundaries are frame ``k`` at ``round(k * 1000 / fps)`` milliseconds (times are whole
milliseconds everywhere in :mod:`jamak.subtitles`), so 29.97 fps stays exact over hours
instead of drifting. Without a frame rate every millisecond is a boundary.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FrameGrid:
    frame_rate: float | None = None  # frames a second; None: no video, no grid

    @property
    def frame_ms(self) -> float:
        return 1.0 if self.frame_rate is None else 1000.0 / self.frame_rate

    def _at(self, frame: int) -> int:
        return round(frame * self.frame_ms)

    def down(self, ms: int) -> int:
        """The last boundary at or before ``ms``."""
        if self.frame_rate is None:
            return ms
        frame = math.floor(ms / self.frame_ms)
        while self._at(frame) > ms:
            frame -= 1
        while self._at(frame + 1) <= ms:
            frame += 1
        return self._at(frame)

    def up(self, ms: int) -> int:
        """The first boundary at or after ``ms``."""
        if self.frame_rate is None:
            return ms
        below = self.down(ms)
        return below if below == ms else self._at(round(below / self.frame_ms) + 1)


def two_frames_s(frame_rate: float) -> float:
    """Two frames at ``frame_rate``, floored to whole milliseconds: two frames measured
    between rounded boundaries are never less (at 29.97 fps: 66.7 ms, boundaries 66 or 67
    ms apart, so 66 ms)."""
    return math.floor(2000 / frame_rate + 1e-9) / 1000
