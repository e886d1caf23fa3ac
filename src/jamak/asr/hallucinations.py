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
# Text that compresses this well is a repetition loop, not speech (same source).
MAX_COMPRESSION_RATIO = 2.4
# "m m m m": at least this many words, at most this share of them distinct, in a window
# whose no-speech probability is above this (speech scores near 0).
BABBLE_MIN_WORDS = 4
BABBLE_MAX_DISTINCT_RATIO = 0.25
BABBLE_NO_SPEECH_PROB = 0.3

_WORD = re.compile(r"\w+")


def is_loop(compression_ratio: float) -> bool:
    return compression_ratio > MAX_COMPRESSION_RATIO


def is_babble(text: str, no_speech_prob: float) -> bool:
    """Non-speech that slipped past VAD (a hum, music, whale song) makes Whisper repeat one
    syllable ("m m m m m"): too short a text for the compression test, so it is caught by
    how few distinct words it has, where Whisper itself half-suspects there is no speech."""
    words = _WORD.findall(text.lower())
    if len(words) < BABBLE_MIN_WORDS or no_speech_prob <= BABBLE_NO_SPEECH_PROB:
        return False
    return len(set(words)) / len(words) <= BABBLE_MAX_DISTINCT_RATIO


def is_hallucination(
    text: str, *, no_speech_prob: float, avg_logprob: float, compression_ratio: float
) -> bool:
    silent = no_speech_prob > NO_SPEECH_PROB and avg_logprob < LOW_AVG_LOGPROB
    return silent or is_loop(compression_ratio) or is_babble(text, no_speech_prob)
