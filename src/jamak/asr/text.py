"""Whisper's text made safe to show: no broken characters, no stray invisible ones.

Whisper writes text as byte-level tokens. When it stops in the middle of a multi-byte
character (Korean, Japanese, Chinese and emoji are all such characters), or writes bytes
that never form one, decoding gives U+FFFD, the replacement character; on music it can write
runs of zero-width joiners. Neither may reach a subtitle. Zero-width joiners and non-joiners
are kept where they do their job: between two visible characters (Persian and Indic words,
emoji sequences); anywhere else they are noise. Text with nothing visible left (a run of
joiners and direction marks) is no text at all.
"""

from __future__ import annotations

REPLACEMENT = "\ufffd"
ZERO_WIDTH_JOINERS = frozenset({"\u200c", "\u200d"})  # non-joiner, joiner: meaningful inside words
ALWAYS_STRAY = frozenset({"\u200b", "\u2060", "\ufeff", "\u00ad"})  # never needed in a subtitle
# Direction marks order right-to-left text (Arabic, Hebrew) and are kept, but show nothing.
DIRECTION_MARKS = frozenset({"\u200e", "\u200f", "\u061c"})
INVISIBLE = ZERO_WIDTH_JOINERS | ALWAYS_STRAY | DIRECTION_MARKS | {REPLACEMENT}


def clean_text(text: str) -> str:
    """``text`` without replacement characters and without invisible characters that join
    nothing, or "" when nothing visible is left. Spaces are left as they are: a word's
    leading space carries meaning."""
    kept = [ch for ch in text if ch != REPLACEMENT and ch not in ALWAYS_STRAY]
    out: list[str] = []
    for index, ch in enumerate(kept):
        if ch in ZERO_WIDTH_JOINERS and not _joins(kept, index):
            continue
        out.append(ch)
    return "".join(out) if any(_visible(ch) for ch in out) else ""


def _joins(chars: list[str], index: int) -> bool:
    """A joiner joins when a visible character stands on each side of it (a run of
    joiners between two characters counts as one)."""
    before = chars[index - 1] if index > 0 else " "
    after_index = index + 1
    while after_index < len(chars) and chars[after_index] in ZERO_WIDTH_JOINERS:
        after_index += 1
    after = chars[after_index] if after_index < len(chars) else " "
    return (
        _visible(before)
        and _visible(after)
        and not (index > 0 and chars[index - 1] in ZERO_WIDTH_JOINERS)
    )


def _visible(ch: str) -> bool:
    return not ch.isspace() and ch not in INVISIBLE
