"""Readability rules for subtitle cues, with defaults from broadcast practice.

The defaults follow common broadcast and streaming style guides: two lines of at most 42
characters, cues on screen between about 0.8 s and 7 s, and a reading speed of at most 20
characters per second. Chinese, Japanese and Korean are counted in characters with shorter
lines (16) and a slower reading speed, since each character carries more than a Latin letter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from jamak.subtitles.frames import two_frames_s

CJK_LANGUAGES = frozenset({"zh", "ja", "ko", "yue"})


@dataclass(frozen=True, slots=True)
class SubtitleRules:
    max_chars_per_line: int = 42
    max_lines: int = 2
    min_duration_s: float = 0.8
    max_duration_s: float = 7.0
    max_chars_per_s: float = 20.0
    # Two frames at 25 fps: players need a visible gap to register a new cue.
    min_gap_s: float = 0.08
    # A silence at least this long between words is a natural place to end a cue.
    pause_split_s: float = 0.6
    # Cue timing around the voice (jamak.subtitles.timing). A cue stays up to this long
    # after its last word: text that vanishes with the last syllable is still being read,
    # and half a second is the lead-out style guides allow without the text lingering
    # into the next speaker's silence.
    lead_out_s: float = 0.5
    # A gap between cues shorter than this is closed to ``min_gap_s``: a blink of empty
    # screen between two cues is distracting (about 12 frames, as Netflix's guide says).
    chain_gap_s: float = 0.5
    # Frames a second of the video the subtitles go with: cue times fall on frame
    # boundaries; None for audio.
    frame_rate: float | None = None

    def __post_init__(self) -> None:
        # Fail where the rules are made (CLI flags, API fields), not deep inside cue timing,
        # where an impossible combination would otherwise surface as a broken subtitle file.
        problems = _contradictions(self)
        if problems:
            raise ValueError("invalid subtitle rules: " + "; ".join(problems))

    @property
    def max_chars_per_cue(self) -> int:
        """The most characters one cue may hold: what fits its lines *and* can be read in time.

        With a low reading speed the second bound is the tighter one, so cues are cut shorter
        rather than left on screen longer than ``max_duration_s``.
        """
        readable = math.floor(self.max_chars_per_s * self.max_duration_s + 1e-9)
        return min(self.max_lines * self.max_chars_per_line, readable)

    @classmethod
    def for_language(cls, language: str | None) -> SubtitleRules:
        """Defaults suited to ``language`` (an ISO 639-1 code, or None when unknown)."""
        if language in CJK_LANGUAGES:
            return cls(max_chars_per_line=16, max_chars_per_s=12.0)
        return cls()

    def with_overrides(
        self,
        *,
        max_chars_per_line: int | None = None,
        max_lines: int | None = None,
        max_chars_per_s: float | None = None,
        lead_out_s: float | None = None,
        chain_gap_s: float | None = None,
    ) -> SubtitleRules:
        """A copy with the user's explicit choices applied over the language defaults."""
        rules = self
        if lead_out_s is not None:
            rules = replace(rules, lead_out_s=lead_out_s)
        if chain_gap_s is not None:
            rules = replace(rules, chain_gap_s=chain_gap_s)
        if max_chars_per_line is not None:
            rules = replace(rules, max_chars_per_line=max_chars_per_line)
        if max_lines is not None:
            rules = replace(rules, max_lines=max_lines)
        if max_chars_per_s is not None:
            rules = replace(rules, max_chars_per_s=max_chars_per_s)
        return rules


def for_frame_rate(rules: SubtitleRules, frame_rate: float | None) -> SubtitleRules:
    """``rules`` for a video at ``frame_rate`` (unchanged for None): times on its frames and
    a gap of two frames between cues (:func:`jamak.subtitles.frames.two_frames_s`)."""
    if frame_rate is None or not math.isfinite(frame_rate) or frame_rate <= 0:
        return rules
    return replace(rules, frame_rate=frame_rate, min_gap_s=two_frames_s(frame_rate))


def _contradictions(rules: SubtitleRules) -> list[str]:
    checks = [
        (rules.max_chars_per_line >= 1, "max_chars_per_line must be at least 1"),
        (rules.max_lines >= 1, "max_lines must be at least 1"),
        (rules.min_duration_s > 0, "min_duration_s must be positive"),
        (rules.max_duration_s >= rules.min_duration_s, "max_duration_s is below min_duration_s"),
        (rules.max_chars_per_s > 0, "max_chars_per_s must be positive"),
        (
            rules.max_chars_per_s * rules.max_duration_s >= 1,
            "max_chars_per_s × max_duration_s leaves no time to read even one character",
        ),
        (rules.min_gap_s >= 0, "min_gap_s must not be negative"),
        (rules.pause_split_s > 0, "pause_split_s must be positive"),
        (rules.lead_out_s >= 0, "lead_out_s must not be negative"),
        (rules.chain_gap_s >= 0, "chain_gap_s must not be negative"),
        (rules.frame_rate is None or rules.frame_rate > 0, "frame_rate must be positive"),
    ]
    return [message for holds, message in checks if not holds]
