"""Word-like pieces with estimated times, for segments that came without word timings.

Some recognisers (or ``word_timestamps=False``) give only segment times. Cues still need
break points inside a long segment, so the segment text is cut where its script allows (at
spaces; between characters for scripts without spaces) and the segment's time is shared out
in proportion to the characters of each piece, which tracks speaking time well enough to
place a cue boundary.
"""

from __future__ import annotations

import re

from jamak.subtitles.script import is_mark, is_narrow_word_char, is_unspaced
from jamak.transcript import Segment, Word

_SPACED_PIECE = re.compile(r"\s*\S+")


def interpolate_words(segment: Segment, language: str | None) -> tuple[Word, ...]:
    """The segment text as words (leading space kept, as Whisper writes them) with times."""
    if is_unspaced(language):
        pieces = _unspaced_pieces(segment.text)
    else:
        pieces = _SPACED_PIECE.findall(segment.text)
    weights = [len(piece.strip()) for piece in pieces]
    total = sum(weights)
    if total == 0:
        return ()
    span_s = max(segment.end_s - segment.start_s, 0.0)
    words = []
    done = 0
    for piece, weight in zip(pieces, weights, strict=True):
        start_s = segment.start_s + span_s * done / total
        done += weight
        words.append(Word(start_s, segment.start_s + span_s * done / total, piece, 1.0))
    return tuple(words)


def _unspaced_pieces(text: str) -> list[str]:
    # Every wide character stands alone; runs of narrow letters ("iPhone", Thai phrases) stay
    # whole, and a space in the text is kept as the leading space of the piece after it.
    pieces: list[str] = []
    space = ""
    i = 0
    while i < len(text):
        if text[i].isspace():
            space = " "
            i += 1
            continue
        end = i + 1
        while end < len(text) and _continues(text[i], text[end]):
            end += 1
        pieces.append(space + text[i:end])
        space = ""
        i = end
    return pieces


def _continues(first: str, char: str) -> bool:
    if is_mark(char):
        return True
    return is_narrow_word_char(first) and is_narrow_word_char(char)
