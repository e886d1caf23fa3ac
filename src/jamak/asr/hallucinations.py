"""How to tell Whisper's inventions from speech, by what it says about its own output.

Whisper writes text for any input, speech or not; these rules decide which decoded windows
to throw away. Pure functions of the decoder's numbers and text, so they are tested alone.
"""

from __future__ import annotations

import re

# Whisper's own rule for silence: a window is empty when the model itself says "no speech"
# and is not confident in what it wrote anyway (openai/whisper transcribe.py defaults).
NO_SPEECH_PROB = 0.6
LOW_AVG_LOGPROB = -1.0
# Whisper half-suspects there is no speech above this (speech scores near 0).
DOUBTFUL_NO_SPEECH_PROB = 0.3
# What Whisper writes most often for non-speech, on its own in a segment (lower case, no
# punctuation): when Whisper has doubts, a segment saying only this is not speech.
STOCK_PHRASES = frozenset(
    {
        "oh",
        "you",
        "so",
        "bye",
        "music",
        "thank you",
        "thanks",
        "thank you for watching",
        "thanks for watching",
        "please subscribe",
    }
)
# Text that compresses this well is a repetition loop, not speech (same source).
MAX_COMPRESSION_RATIO = 2.4
# "m m m m": at least this many words, at most this share of them distinct, in a window
# Whisper has doubts about.
BABBLE_MIN_WORDS = 4
BABBLE_MAX_DISTINCT_RATIO = 0.25

_WORD = re.compile(r"\w+")


def is_loop(compression_ratio: float) -> bool:
    return compression_ratio > MAX_COMPRESSION_RATIO


def is_babble(text: str, no_speech_prob: float) -> bool:
    """Non-speech that slipped past VAD (a hum, music, whale song) makes Whisper repeat one
    syllable ("m m m m m"): too short a text for the compression test, so it is caught by
    how few distinct words it has, where Whisper itself half-suspects there is no speech."""
    words = _WORD.findall(text.lower())
    if len(words) < BABBLE_MIN_WORDS or no_speech_prob <= DOUBTFUL_NO_SPEECH_PROB:
        return False
    return len(set(words)) / len(words) <= BABBLE_MAX_DISTINCT_RATIO


def is_stock_phrase(text: str, no_speech_prob: float) -> bool:
    """Whisper's stock text for music, noise and silence ("Oh", "Thank you.")."""
    phrase = " ".join(_WORD.findall(text.lower()))
    return phrase in STOCK_PHRASES and no_speech_prob > DOUBTFUL_NO_SPEECH_PROB


def is_hallucination(
    text: str,
    *,
    no_speech_prob: float,
    avg_logprob: float,
    compression_ratio: float,
    forced: bool = False,
) -> bool:
    """``forced``: the text comes from reading the window again after Whisper looped on it,
    which is itself a sign of non-speech, so doubt is enough to drop it."""
    silence_prob = DOUBTFUL_NO_SPEECH_PROB if forced else NO_SPEECH_PROB
    silent = no_speech_prob > silence_prob and avg_logprob < LOW_AVG_LOGPROB
    return (
        silent
        or is_loop(compression_ratio)
        or is_babble(text, no_speech_prob)
        or is_stock_phrase(text, no_speech_prob)
    )
