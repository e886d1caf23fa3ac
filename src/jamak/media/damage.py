"""A record of what could not be decoded, turned into warnings a user can act on.

A half-downloaded video still has speech worth transcribing, so decoding goes on past
damage; this record is how the result says what was lost and where.
"""

from __future__ import annotations

from dataclasses import dataclass, field

_GAPS_LISTED = 5  # beyond this, gaps are summarised in one line


@dataclass(frozen=True, slots=True)
class Gap:
    at_s: float
    missing_s: float


@dataclass(slots=True)
class DamageLog:
    """Filled in while one stream is read; mutable only inside :mod:`jamak.media`."""

    undecodable_packets: int = 0
    gaps: list[Gap] = field(default_factory=list)
    stopped_at_s: float | None = None  # reading failed here; the rest was not read
    ended_at_s: float | None = None  # the audio ended here, well before it should have
    expected_end_s: float | None = None

    def note_undecodable_packet(self) -> None:
        self.undecodable_packets += 1

    def note_gap(self, *, at_s: float, missing_s: float) -> None:
        self.gaps.append(Gap(at_s, missing_s))

    def note_stopped(self, *, at_s: float, expected_end_s: float | None) -> None:
        self.stopped_at_s = at_s
        self.expected_end_s = expected_end_s

    def note_ended_early(self, *, at_s: float, expected_end_s: float) -> None:
        self.ended_at_s = at_s
        self.expected_end_s = expected_end_s

    @property
    def damaged(self) -> bool:
        return bool(self.undecodable_packets or self.gaps) or (
            self.stopped_at_s is not None or self.ended_at_s is not None
        )

    @property
    def skipped_s(self) -> float:
        """Seconds of the file's timeline with no decoded audio (gaps and a missing end)."""
        missing_end = 0.0
        end_s = self.stopped_at_s if self.stopped_at_s is not None else self.ended_at_s
        if end_s is not None and self.expected_end_s is not None:
            missing_end = max(0.0, self.expected_end_s - end_s)
        return sum(gap.missing_s for gap in self.gaps) + missing_end

    def warnings(self) -> tuple[str, ...]:
        lines = [
            f"{gap.missing_s:.2f} s of audio at {clock(gap.at_s)} could not be decoded and was "
            "replaced by silence, so later subtitles stay in sync."
            for gap in self.gaps[:_GAPS_LISTED]
        ]
        if len(self.gaps) > _GAPS_LISTED:
            rest = self.gaps[_GAPS_LISTED:]
            total = sum(gap.missing_s for gap in rest)
            lines.append(f"{len(rest)} more damaged places ({total:.2f} s) were also skipped.")
        if self.undecodable_packets:
            plural = "s" if self.undecodable_packets > 1 else ""
            lines.append(
                f"{self.undecodable_packets} damaged audio packet{plural} could not be decoded."
            )
        lines.extend(self._end_warning())
        return tuple(lines)

    def _end_warning(self) -> list[str]:
        should_last = (
            f" (the file says it lasts {clock(self.expected_end_s)})"
            if self.expected_end_s is not None
            else ""
        )
        if self.stopped_at_s is not None:
            return [
                f"Reading stopped at {clock(self.stopped_at_s)} because the rest of the file "
                f"is damaged{should_last}."
            ]
        if self.ended_at_s is not None:
            return [
                f"The audio ends at {clock(self.ended_at_s)}{should_last}; the file is "
                "probably incomplete (cut off while copying or uploading)."
            ]
        return []


def clock(seconds: float) -> str:
    """A position as H:MM:SS.s, the way a video player shows it."""
    minutes, secs = divmod(max(0.0, seconds), 60)
    hours, minutes = divmod(int(minutes), 60)
    return f"{hours}:{minutes:02d}:{secs:04.1f}"
