"""How strongly the text invites a break after a word: sentence end, clause end, or neither.

Cue and line breaks both prefer to fall where a reader pauses anyway, so this one judgement is
shared by both. It looks only at the end of a word, because Whisper attaches punctuation to
the word before it ("␣dog." rather than "␣dog" + ".").
"""

from __future__ import annotations

import unicodedata
from enum import IntEnum


class Boundary(IntEnum):
    """Ordered, so ``max`` picks the stronger of two hints."""

    WORD = 0
    CLAUSE = 1
    SENTENCE = 2


SENTENCE_MARKS = frozenset(".?!…‽。．？！؟।")
CLAUSE_MARKS = frozenset(",;:、，；：،—–")
# Spanish opening marks are "other punctuation" in Unicode, yet they lead the next word.
_INVERTED_OPENERS = frozenset("¿¡")
# Abbreviations whose full stop does not end a sentence ("Mr. Smith").
_ABBREVIATIONS = frozenset({"mr.", "mrs.", "ms.", "dr.", "st.", "vs.", "etc.", "e.g.", "i.e."})
# Korean polite and formal sentence endings. Whisper sometimes drops the full stop after them;
# when it does, the ending is still a fair place to break, so it counts as a clause end.
_KOREAN_SENTENCE_ENDINGS = (
    "니다",
    "니까",
    "세요",
    "어요",
    "아요",
    "에요",
    "예요",
    "해요",
    "네요",
    "군요",
    "까요",
    "죠",
)


def boundary_after(word: str, language: str | None) -> Boundary:
    """The break a reader expects after ``word`` (stripped of surrounding spaces)."""
    core = _strip_closers(word.strip())
    if not core:
        return Boundary.WORD
    last = core[-1]
    if last in SENTENCE_MARKS and core.lower() not in _ABBREVIATIONS:
        return Boundary.SENTENCE
    if last in CLAUSE_MARKS:
        return Boundary.CLAUSE
    if language == "ko" and core.endswith(_KOREAN_SENTENCE_ENDINGS):
        return Boundary.CLAUSE
    return Boundary.WORD


def is_closing_punctuation(text: str) -> bool:
    """True for marks that belong to the word before them (". , 。 ” )") and never start a line."""
    return bool(text) and all(
        unicodedata.category(c) in {"Po", "Pe", "Pf"} and c not in _INVERTED_OPENERS for c in text
    )


def is_opening_punctuation(text: str) -> bool:
    """True for marks that belong to the word after them ("( “ 「") and never end a line."""
    return bool(text) and all(
        unicodedata.category(c) in {"Ps", "Pi"} or c in _INVERTED_OPENERS for c in text
    )


def _strip_closers(text: str) -> str:
    # A sentence may end inside quotes or brackets: ‘He said “stop.”’ still ends at the stop.
    return text.rstrip("\"'”’»)]}」』】）")
