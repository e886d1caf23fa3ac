"""The transcript as a stream of unbreakable units: the only places a cue or line may break.

A unit is one word as the reader sees it, with the punctuation that must stay with it ("dog."
and not "dog" + "."), times in integer milliseconds and a hint of how strong a break after it
would be. Working in whole milliseconds keeps the timing rules exact: the times checked here
are the times every writer prints.

Whisper's word times are not always tidy (a word may start before the previous one, or end
before it starts), so times are made non-decreasing here, once, and nothing later has to care.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from jamak.subtitles.interpolation import interpolate_words
from jamak.subtitles.punctuation import (
    Boundary,
    boundary_after,
    is_closing_punctuation,
    is_opening_punctuation,
)
from jamak.subtitles.rules import SubtitleRules
from jamak.subtitles.script import (
    character_break_points,
    is_mark,
    is_narrow_word_char,
    is_unspaced,
    is_wide,
)
from jamak.subtitles.timecode import milliseconds
from jamak.transcript import Segment


@dataclass(frozen=True, slots=True)
class Unit:
    text: str
    # Whether a space separates this unit from the one before it on the same line.
    space_before: bool
    start_ms: int
    end_ms: int
    boundary: Boundary = Boundary.WORD
    ends_segment: bool = False


def units_from_segments(
    segments: Sequence[Segment], rules: SubtitleRules, *, language: str | None
) -> list[Unit]:
    """Every word of ``segments`` in order, glued and cut so that any unit boundary is legal."""
    unspaced = is_unspaced(language)
    units: list[Unit] = []
    for unit in _timed_words(segments, language):
        if units and _belongs_to_previous(units[-1], unit, unspaced):
            units[-1] = _glue(units[-1], unit)
        else:
            units.append(unit)
    hinted = [replace(u, boundary=_boundary(u, language)) for u in units]
    return [piece for unit in hinted for piece in _cut_overlong(unit, rules, unspaced)]


def _timed_words(segments: Sequence[Segment], language: str | None) -> Iterator[Unit]:
    unspaced = is_unspaced(language)
    floor_ms = 0
    previous_text = ""
    for segment in segments:
        timed = segment.words or interpolate_words(segment, language)
        words = [w for w in timed if w.text.strip()]
        for index, word in enumerate(words):
            text = " ".join(word.text.split())  # no line breaks or tabs inside a word
            start_ms = max(_finite_ms(word.start_s, floor_ms), floor_ms)
            end_ms = max(_finite_ms(word.end_s, start_ms), start_ms)
            floor_ms = start_ms
            if index == 0:
                space = not unspaced
            else:
                space = word.text[:1].isspace() and not _both_wide(previous_text, text, unspaced)
            last = index == len(words) - 1
            yield Unit(text, space, start_ms, end_ms, ends_segment=last)
            previous_text = text


def _finite_ms(seconds: float, fallback_ms: int) -> int:
    return milliseconds(seconds) if math.isfinite(seconds) else fallback_ms


def _both_wide(before: str, after: str, unspaced: bool) -> bool:
    # A stray space between two CJK characters is noise in Chinese and Japanese text.
    return unspaced and bool(before) and is_wide(before[-1]) and is_wide(after[0])


def _belongs_to_previous(previous: Unit, unit: Unit, unspaced: bool) -> bool:
    if is_closing_punctuation(unit.text) or is_opening_punctuation(previous.text):
        return True
    if is_mark(unit.text[0]):
        return True  # a vowel or tone mark split from its letter by the tokenizer
    if unit.space_before:
        return False
    if not unspaced:
        return True  # no space in a spaced script: the same word ("don" + "'t")
    return is_narrow_word_char(previous.text[-1]) and is_narrow_word_char(unit.text[0])


def _glue(previous: Unit, unit: Unit) -> Unit:
    return Unit(
        text=previous.text + (" " if unit.space_before else "") + unit.text,
        space_before=previous.space_before,
        start_ms=previous.start_ms,
        end_ms=max(previous.end_ms, unit.end_ms),
        ends_segment=previous.ends_segment or unit.ends_segment,
    )


def _boundary(unit: Unit, language: str | None) -> Boundary:
    # A segment end is Whisper's own guess at a phrase end: as good as a comma.
    hint = Boundary.CLAUSE if unit.ends_segment else Boundary.WORD
    return max(boundary_after(unit.text, language), hint)


def _cut_overlong(unit: Unit, rules: SubtitleRules, unspaced: bool) -> list[Unit]:
    """Units too long for any legal cue, cut between characters as a last resort.

    Scripts without spaces may break between any two characters, so their units are kept to
    one line. In spaced scripts a long word goes alone on its line instead, and is cut only
    when it could not be read within ``max_duration_s`` even alone on screen.
    """
    readable = _readable_chars(rules)
    limit = min(rules.max_chars_per_line, readable) if unspaced else readable
    if len(unit.text) <= limit:
        return [unit]
    size = min(rules.max_chars_per_line, readable)
    cuts = _cut_offsets(unit.text, size)
    span_ms = unit.end_ms - unit.start_ms
    pieces = []
    for begin, end in itertools.pairwise(cuts):
        piece = unit.text[begin:end]
        if not piece.strip():
            continue
        after_space = begin > 0 and (piece[0].isspace() or unit.text[begin - 1].isspace())
        last = end == len(unit.text)
        pieces.append(
            Unit(
                text=piece.strip(),
                space_before=unit.space_before if begin == 0 else after_space,
                start_ms=unit.start_ms + span_ms * begin // len(unit.text),
                end_ms=unit.start_ms + span_ms * end // len(unit.text),
                boundary=unit.boundary if last else Boundary.WORD,
                ends_segment=unit.ends_segment and last,
            )
        )
    return pieces


def _readable_chars(rules: SubtitleRules) -> int:
    return math.floor(rules.max_chars_per_s * rules.max_duration_s + 1e-9)


def _cut_offsets(text: str, size: int) -> list[int]:
    allowed = character_break_points(text)
    offsets = [0]
    while len(text) - offsets[-1] > size:
        candidates = [i for i in allowed if offsets[-1] < i <= offsets[-1] + size]
        # A space inside the unit (glued punctuation: "mot ?") is the kindest place to cut.
        after_space = [i for i in candidates if text[i - 1].isspace()]
        best = after_space or candidates
        offsets.append(best[-1] if best else offsets[-1] + size)
    offsets.append(len(text))
    return offsets
