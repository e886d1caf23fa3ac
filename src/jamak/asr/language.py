"""Which language a file is read in: asked for, or Whisper's guess on its first speech.

A file's first 30 seconds are often silence or music, so Whisper's own rule (detect on the
first window of the file) guesses from nothing; jamak asks on the first speech windows
instead, and sums over a few of them so one odd window does not decide.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

log = logging.getLogger(__name__)

# Language detection reads the first speech windows, at most this many.
LANGUAGE_WINDOWS = 2


def fallback_language(multilingual: bool) -> str:
    """The language of a file in which no words were heard: none, unless the model only
    knows English."""
    return "und" if multilingual else "en"


def requested_language(requested: str | None, *, multilingual: bool, model: str) -> str | None:
    """The language to read in without detecting it; ``None``: detect. An English-only
    model reads English whatever is asked (and says so)."""
    if multilingual:
        return requested
    if requested not in (None, "en"):
        log.warning("%s is English-only; ignoring language %s", model, requested)
    return "en"


def most_likely_language(per_window: Sequence[Sequence[tuple[str, float]]]) -> tuple[str, float]:
    """The language with the highest probability summed over the windows; its mean
    probability. Whisper's tokens look like ``<|en|>``."""
    totals: dict[str, float] = {}
    for scores in per_window:
        for token, probability in scores:
            totals[token] = totals.get(token, 0.0) + probability
    token = max(totals, key=lambda name: totals[name])
    return token[2:-2], totals[token] / len(per_window)
