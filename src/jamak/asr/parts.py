"""Where a long file is cut into parts that are transcribed side by side.

One long file on one worker takes as long as the file; cut into parts it takes as long as
the longest part, on as many workers as there are parts (AWS Batch jobs, or workers of the
embedded pool). A cut is placed where it costs the least: in the longest stretch the voice
activity detector calls silence, within a window around the end of each equal share of the
file, so no word is cut. Continuous speech or music may leave no silence in the window:
then the cut goes to the least speech-like frame.

Each part *reads* a little past its cuts (``overlap_s``; only into the silence, where the
cut lies in one), while it *owns* only ``[start_s, end_s)``: the merge
(:mod:`jamak.asr.seams`) keeps a word from the part that owns its midpoint. A word
straddling a cut through speech is heard whole by both neighbours, so it comes out once; a
word garbled at a part's reading edge lies outside what that part owns and is dropped.
Reading both sides costs at most 2 x ``overlap_s`` per cut, a few seconds per part.

Pure planning on the detector's probabilities (no model, no file): tested without either.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, slots=True)
class PartSettings:
    """How long a part should be, and from what length a file is split at all. The
    defaults come from measurement (bench/README.md, "Parts"): on a 2-core CPU the base
    model reads a part at the same speed whatever its length from 2 minutes up, so the
    part length only trades per-part start-up (container start, model load, decoding the
    file) against parallelism."""

    part_s: float = 600.0  # target length of a part
    min_split_s: float = 1200.0  # a file shorter than this is one part
    window_s: float = 60.0  # a cut is searched this far either side of its target
    overlap_s: float = 2.0  # a part reads this far past each of its cuts (or to the silence's end)
    silence_below: float = 0.15  # a frame less speech-like than this is silence
    min_silence_s: float = 0.3  # a silent run at least this long is a clean cut


@dataclass(frozen=True, slots=True)
class Part:
    """Part ``index`` owns ``[start_s, end_s)`` and reads ``[read_start_s, read_end_s)``."""

    index: int
    start_s: float
    end_s: float
    read_start_s: float
    read_end_s: float

    def owns(self, time_s: float) -> bool:
        return self.start_s <= time_s < self.end_s


@dataclass(frozen=True, slots=True)
class PartPlan:
    duration_s: float
    parts: tuple[Part, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "duration_s": self.duration_s,
            "parts": [
                [p.index, p.start_s, p.end_s, p.read_start_s, p.read_end_s] for p in self.parts
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PartPlan:
        parts = tuple(
            Part(int(i), float(a), float(b), float(c), float(d)) for i, a, b, c, d in data["parts"]
        )
        return cls(float(data["duration_s"]), parts)


@dataclass(frozen=True, slots=True)
class _Cut:
    """Where a file is cut, and the silence it lies in (None: a cut through sound)."""

    at_s: float
    quiet: tuple[float, float] | None


def plan_parts(
    probabilities: npt.NDArray[np.float32],
    frame_s: float,
    duration_s: float,
    settings: PartSettings | None = None,
) -> PartPlan:
    """Cut points for a file whose speech probability per ``frame_s`` frame is given."""
    s = settings or PartSettings()
    found = _cuts(probabilities, frame_s, duration_s, s) if duration_s >= s.min_split_s else []
    return plan_from_cuts(
        [cut.at_s for cut in found],
        duration_s,
        s.overlap_s,
        frame_s=frame_s,
        quiet=[cut.quiet for cut in found],
    )


def plan_from_cuts(
    cuts: Sequence[float],
    duration_s: float,
    overlap_s: float,
    *,
    frame_s: float | None = None,
    quiet: Sequence[tuple[float, float] | None] | None = None,
) -> PartPlan:
    """The parts between ``cuts`` (ascending seconds); the last part owns the file's end.

    ``quiet``: for each cut, the silence it lies in, if any. No word crosses such a cut, so
    the parts on either side read only into the silence, not ``overlap_s`` past it: a part
    whose reading opened on the tail of the sentence before it made Whisper write
    sentences from later in its window there (bench/README.md, "Words faster than
    speech"), where a read opening in the quiet, as the whole file's reads do, did not.

    Given the detector's ``frame_s``, each part starts reading on a frame boundary (up to a
    frame earlier), so the plan's map of the file, cut at that frame, is exactly the map
    of the part's audio (:meth:`jamak.asr.speech_map.SpeechMap.stretch`)."""
    if quiet is not None and len(quiet) != len(cuts):
        raise ValueError(f"{len(quiet)} silences for {len(cuts)} cuts")
    bounds = [0.0, *cuts, duration_s]
    silences = [None, *(quiet or [None] * len(cuts)), None]
    parts = tuple(
        Part(
            index=i,
            start_s=start,
            # The last part owns everything after its start, even a word timed past the end.
            end_s=end if i < len(bounds) - 2 else float("inf"),
            read_start_s=(
                _frame_before(max(0.0, start - overlap_s, _quiet_from(silences[i])), frame_s)
                if i
                else 0.0
            ),
            read_end_s=min(duration_s, end + overlap_s, _quiet_to(silences[i + 1])),
        )
        for i, (start, end) in enumerate(itertools.pairwise(bounds))
    )
    return PartPlan(duration_s, parts)


def _quiet_from(silence: tuple[float, float] | None) -> float:
    return -math.inf if silence is None else silence[0]


def _quiet_to(silence: tuple[float, float] | None) -> float:
    return math.inf if silence is None else silence[1]


def _frame_before(time_s: float, frame_s: float | None) -> float:
    if frame_s is None:
        return time_s
    return math.floor(time_s / frame_s + 1e-6) * frame_s  # a time on a boundary stays there


def _cuts(
    probs: npt.NDArray[np.float32], frame_s: float, duration_s: float, s: PartSettings
) -> list[_Cut]:
    """Cuts near equal shares of the file, as few as keep each share within one part and
    its search window (``part_s + window_s``). The wait for a file is its longest part's:
    cut near each multiple of ``part_s`` instead, a 25-minute file ran as 600/600/300 s,
    where 500/500/500 waits 100 s less on three machines for the same work. Each cut is
    searched within ``window_s`` of its target but never nearer a neighbouring target than
    its own, so cuts stay in order whatever the settings."""
    count = max(2, math.ceil(duration_s / (s.part_s + s.window_s)))
    share = duration_s / count
    reach = min(s.window_s, share / 2)
    return [_best_cut(probs, frame_s, k * share, reach, s) for k in range(1, count)]


def _best_cut(
    probs: npt.NDArray[np.float32], frame_s: float, target: float, reach: float, s: PartSettings
) -> _Cut:
    first = max(0, int((target - reach) / frame_s))
    stop = min(len(probs), int((target + reach) / frame_s) + 1)
    window = probs[first:stop]
    if window.size == 0:
        return _Cut(target, None)
    run_start, run_length = _longest_silence(window < s.silence_below, target / frame_s - first)
    if run_length * frame_s >= s.min_silence_s:
        quiet = ((first + run_start) * frame_s, (first + run_start + run_length) * frame_s)
        return _Cut((first + run_start + run_length / 2) * frame_s, quiet)
    quietest = np.flatnonzero(window == window.min())  # of equals, the nearest the target
    nearest = quietest[np.argmin(np.abs(quietest + 0.5 - (target / frame_s - first)))]
    return _Cut((first + int(nearest) + 0.5) * frame_s, None)


def _longest_silence(silent: npt.NDArray[np.bool_], target_frame: float) -> tuple[int, int]:
    """(start, length) of the longest run of True; of equal runs, the nearest the target."""
    best = (0, 0)
    best_distance = float("inf")
    edges = np.diff(np.concatenate(([0], silent.astype(np.int8), [0])))
    for start, stop in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
        length = int(stop - start)
        distance = abs((start + stop) / 2 - target_frame)
        if length > best[1] or (length == best[1] and distance < best_distance):
            best, best_distance = (int(start), length), distance
    return best
