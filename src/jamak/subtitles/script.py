"""Facts about writing systems that decide where text may be joined and broken.

Space-delimited scripts (Latin, Cyrillic, Korean eojeol, …) may only break at spaces. Scripts
written without spaces (Chinese, Japanese, Thai, …) may break between words, and, as a last
resort, between characters. ``jamak.transcript.UNSPACED_LANGUAGES`` is the single source of
which languages are which.
"""

from __future__ import annotations

import unicodedata

from jamak.transcript import UNSPACED_LANGUAGES


def is_unspaced(language: str | None) -> bool:
    return language in UNSPACED_LANGUAGES


def is_wide(char: str) -> bool:
    """CJK ideographs, kana, Hangul and full-width forms: characters that need no spaces."""
    return unicodedata.east_asian_width(char) in {"W", "F"}


def is_narrow_word_char(char: str) -> bool:
    """A letter or digit of a spaced script, such as Latin inside Japanese text ("iPhone")."""
    return char.isalnum() and not is_wide(char)


def character_break_points(text: str) -> list[int]:
    """Offsets where ``text`` may be cut when no word boundary is left (never before a mark).

    Marks (Thai vowels and tones, accents in decomposed text) belong to the character
    before them, so a cut just before one would tear a letter apart.
    """
    return [i for i in range(1, len(text)) if not is_mark(text[i])]


def is_mark(char: str) -> bool:
    """A mark drawn on the character before it (Thai vowels, accents); never split from it.

    Unicode's combining class is 0 for many such marks (Thai ``ั``), so the category decides.
    """
    return unicodedata.category(char).startswith("M")
