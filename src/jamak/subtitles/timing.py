"""Give each cue its screen time: with the voice, and so that the rules always hold.

Each cue needs at least ``min_duration_s``, and enough time to be read at
``max_chars_per_s``; it may stay at most ``max_duration_s``; consecutive cues never overlap
and keep ``min_gap_s`` apart. These are guaranteed for every output, whatever the input.

Within them, cues follow broadcast practice: a cue starts at its first word's onset and
stays ``lead_out_s`` after its last word (bounded by the next cue and the maximum
duration); a gap shorter than ``chain_gap_s`` between two cues is closed to ``min_gap_s``
(the cues are chained, so the screen does not blink empty); for a video
(``frame_rate``) every time is a frame boundary (:mod:`jamak.subtitles.frames`), unless a
rule could only hold between frames.

Cues are placed in one pass, in order. A cue first takes the span of its speech plus the
lead-out (clipped to ``max_duration_s``). When that is too short to read:

1. its end is extended into the silence after it, up to ``min_gap_s`` before the next
   cue's speech;
2. then its start is moved earlier into the silence before it, down to ``min_gap_s`` after
   the previous cue's (final) end;
3. if the silences are still too short (speech faster than anyone can read), the cue keeps
   its full reading time and ends late, pushing the next cue's start later. The delay cascades
   from cue to cue and is absorbed by the next silence long enough to hold it, where the
   subtitles are back in sync with the speech.

The trade-off is deliberate: during fast speech the subtitles lag the voice (by as much as the
speaker outpaces the reading speed), rather than flash by too fast to read or overlap. A cue
never starts before its previous cue has ended, so the order of the text is never disturbed.
During such a lag, the last cues before a long silence may run into it, and at the very end
of a file past the end of the media.

Times are whole milliseconds, so the rules hold exactly in every written format.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from jamak.subtitles.cue import Cue
from jamak.subtitles.frames import FrameGrid
from jamak.subtitles.rules import SubtitleRules


@dataclass(frozen=True, slots=True)
class CueDraft:
    """A cue's lines and the span of its speech, before screen time is assigned."""

    lines: tuple[str, ...]
    speech_start_ms: int
    speech_end_ms: int


@dataclass(frozen=True, slots=True)
class _Limits:
    min_ms: int
    max_ms: int
    gap_ms: int
    chars_per_s: float
    lead_out_ms: int
    chain_ms: int
    grid: FrameGrid

    @classmethod
    def of(cls, rules: SubtitleRules) -> _Limits:
        # Rounded toward the safe side, so whole milliseconds never break a rule by a hair.
        return cls(
            min_ms=math.ceil(rules.min_duration_s * 1000 - 1e-6),
            max_ms=math.floor(rules.max_duration_s * 1000 + 1e-6),
            gap_ms=math.ceil(rules.min_gap_s * 1000 - 1e-6),
            chars_per_s=rules.max_chars_per_s,
            lead_out_ms=round(rules.lead_out_s * 1000),
            chain_ms=round(rules.chain_gap_s * 1000),
            grid=FrameGrid(rules.frame_rate),
        )

    def needed_ms(self, lines: tuple[str, ...]) -> int:
        """The least screen time for these lines: shown long enough to notice and to read."""
        reading_ms = math.ceil(round(sum(map(len, lines)) * 1000 / self.chars_per_s, 6))
        return min(max(self.min_ms, reading_ms), self.max_ms)


def schedule(drafts: Sequence[CueDraft], rules: SubtitleRules) -> list[Cue]:
    limits = _Limits.of(rules)
    cues: list[Cue] = []
    previous_end_ms: int | None = None
    for index, draft in enumerate(drafts):
        earliest_ms = 0 if previous_end_ms is None else previous_end_ms + limits.gap_ms
        following = drafts[index + 1] if index + 1 < len(drafts) else None
        start_ms, end_ms = _place(draft, following, earliest_ms, limits)
        cues.append(Cue(start_ms / 1000, end_ms / 1000, draft.lines))
        previous_end_ms = end_ms
    return cues


def _place(
    draft: CueDraft, following: CueDraft | None, earliest_ms: int, limits: _Limits
) -> tuple[int, int]:
    grid, need_ms = limits.grid, limits.needed_ms(draft.lines)
    first_ms = grid.up(earliest_ms)
    start_ms = max(grid.down(draft.speech_start_ms), first_ms)  # later after a lag
    end_ms = grid.up(max(draft.speech_end_ms + limits.lead_out_ms, start_ms + need_ms))
    end_ms = min(end_ms, grid.down(start_ms + limits.max_ms))
    if following is not None:
        # The latest end that leaves the next cue its own start (its speech's onset).
        latest_end_ms = grid.down(grid.down(following.speech_start_ms) - limits.gap_ms)
        if end_ms > latest_end_ms:
            # The lead-out goes first; then step 1 gave all it could: take the rest from the
            # silence before (step 2), and only what still misses from the next cue (step 3).
            end_ms = max(latest_end_ms, grid.up(first_ms + need_ms))
            start_ms = min(start_ms, grid.down(end_ms - need_ms))
        elif latest_end_ms - end_ms < limits.chain_ms:
            end_ms = min(latest_end_ms, grid.down(start_ms + limits.max_ms))
    return start_ms, _within_rules(start_ms, end_ms, need_ms, limits)


def _within_rules(start_ms: int, end_ms: int, need_ms: int, limits: _Limits) -> int:
    """The rules over the frames: a cue whose reading time does not fit between two
    boundaries within ``max_duration_s`` ends between frames."""
    return min(max(end_ms, start_ms + need_ms), start_ms + limits.max_ms)
