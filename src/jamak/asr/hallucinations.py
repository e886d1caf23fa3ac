"""How to tell Whisper's inventions from speech: two witnesses must agree.

Whisper writes text for any input, speech or not. No one number it reports separates the
two: its no-speech probability and log-probability move with the CPU kernels CTranslate2
picks, and a rule on one threshold flips with them (whale song read as "I'm sorry" on one
machine and not on the next). So a segment is dropped on the agreement of two independent
witnesses: the voice activity detector heard no speech where its words fall, *and* the
decoder itself has doubts about them. Speech the detector misses (whispering, falsetto) is
decoded confidently and stays; a confident-looking invention over music is still unheard
and, with any doubt at all, goes. Of the decoder's doubts, its no-speech probability is about
the whole window: it counts against a segment only in a read none of whose segments the
detector heard (``READ_HEARD_SHARE``). Each threshold sits mid-way in a wide gap measured
across kernel families and compute types (bench/README.md, "Results across CPU kernel
families"), not on one clip's edge.

Whisper's own two rules stay as they are: its silence rule (openai/whisper's
transcribe.py) and its repetition-loop rule. One more needs no second witness: words
aligned into less time than anyone can say them. At the start of a read Whisper sometimes
writes sentences it hears later in the window, or copies its prompt, with all their words
squeezed into a fraction of a second (openai/whisper counts words under 0.133 s as
anomalous for the same reason); the detector hears speech there, so the two witnesses
above would keep them. Pure functions of numbers and text, so they are tested alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Whisper's rule for silence (openai/whisper transcribe.py defaults): the model itself says
# "no speech" and is not confident in what it wrote anyway.
NO_SPEECH_PROB = 0.6
LOW_AVG_LOGPROB = -1.0
# Text that compresses this well is a repetition loop, not speech (same source)...
MAX_COMPRESSION_RATIO = 2.4
# ...unless a speaker said it again: a read of several segments repeated short of this (a
# runaway, "4,4,4,4..."), where the detector heard at least SPOKEN_REPEAT_SHARE of the time
# it is written over. Measured with `base` (bench/README.md, "Speech that repeats itself is
# not a loop"): reads of a sentence said again and again compress at 2.5 to 3.1 and were
# heard for 0.61 to 0.90 of their words' time; every loop over music, whale song and
# noise, at most 0.12.
RUNAWAY_COMPRESSION_RATIO = 3.5
SPOKEN_REPEAT_SHARE = 0.5

# Faster than anyone speaks: a segment's words (as written, separated by spaces) per second
# of the time its aligned words span, for segments of at least RUSHED_MIN_WORDS words (a
# rate of two or three words is too noisy to judge; text written without spaces, as
# Chinese, Japanese and Thai are, is not judged). Measured with base on every clip of the
# evaluation corpus, three 20-minute recordings and espeak-ng at 320 words a minute:
# speech at most 6.8; text invented at a read's start 14 and more (bench/README.md,
# "Words faster than speech").
MAX_WORDS_PER_SECOND = 10.0
RUSHED_MIN_WORDS = 4

# The detector heard speech in less than this share of the segment's word time. Measured:
# non-speech segments at most 0.04, speech at least 0.09 (and the speech under 0.25 is all
# decoded confidently), on every kernel family and compute type.
UNHEARD_SHARE = 0.15
# Text from a read Whisper looped on needs more: the detector must have heard a quarter of
# it. Measured: whale song's "Oh" after a loop at 0.18 (AVX512 kernels); laughter and words
# read after a loop at 0.33 and more (GENERIC kernels).
FORCED_UNHEARD_SHARE = 0.25
# Any one of these is doubt. Measured on speech the detector missed: no-speech probability
# at most 0.18, log-probability at least -0.63, word probability at least 0.83; on
# non-speech at least 0.33, or at most -1.0, or at most 0.72.
DOUBTFUL_NO_SPEECH_PROB = 0.25
DOUBTFUL_AVG_LOGPROB = -0.9
DOUBTFUL_WORD_PROBABILITY = 0.6
# Whisper's no-speech probability is its word on the whole window, not on one segment: where
# the detector heard at least this share of some segment of the read, the window has speech,
# and the figure is no doubt about the read's other segments (measured in a window of speech,
# falsetto and whispering: 0.44 for the window, word probabilities 0.81 to 0.91; see
# bench/README.md, "Whisper's no-speech figure speaks for the window").
READ_HEARD_SHARE = 0.5
# What Whisper writes most often for non-speech (lower case, no punctuation): said where
# the detector heard nothing, that is doubt enough.
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
# "m m m m": at least this many words, at most this share of them distinct, where Whisper
# half-suspects there is no speech.
BABBLE_MIN_WORDS = 4
BABBLE_MAX_DISTINCT_RATIO = 0.25
BABBLE_NO_SPEECH_PROB = 0.3

_WORD = re.compile(r"\w+")
# Whisper's sound annotations: "[Music]", "(applause)", "♪ ♪", '["Pomp and Circumstance"]'.
_ANNOTATION = re.compile(r"^\s*(\[[^\]]*\]|\([^)]*\)|[♪♫♬\s])+\s*[.!?]?\s*$")


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the decoder and the voice activity detector say about one decoded segment."""

    text: str
    no_speech_prob: float  # the decoder's, for the whole read
    avg_logprob: float  # the decoder's, for the whole read
    compression_ratio: float
    heard_share: float  # share of the segment's word time the detector heard as speech
    word_probability: float | None = None  # mean over its words; None without word times
    words_per_second: float | None = None  # its words a second; None without word times
    word_count: int = 0  # its words, as separated by spaces
    forced: bool = False  # read again after Whisper looped on it: itself a sign of trouble
    read_heard: bool = False  # the detector heard speech under some segment of the read


def is_loop(compression_ratio: float, heard_share: float = 0.0) -> bool:
    """Whisper's repetition rule, but for text a speaker plausibly said again: repeated
    short of a runaway, where the detector heard speech (``heard_share``; none heard:
    Whisper's rule alone)."""
    if compression_ratio <= MAX_COMPRESSION_RATIO:
        return False
    return compression_ratio > RUNAWAY_COMPRESSION_RATIO or heard_share < SPOKEN_REPEAT_SHARE


def is_annotation(text: str) -> bool:
    """A description of a sound, not words spoken: never a subtitle of speech."""
    return bool(text.strip()) and _ANNOTATION.match(text) is not None


def is_babble(text: str, no_speech_prob: float) -> bool:
    """Non-speech that slipped past the detector (a hum, music, whale song) makes Whisper
    repeat one syllable ("m m m m m"): too short a text for the compression test, so it is
    caught by how few distinct words it has, where Whisper half-suspects there is no speech."""
    words = _WORD.findall(text.lower())
    if len(words) < BABBLE_MIN_WORDS or no_speech_prob <= BABBLE_NO_SPEECH_PROB:
        return False
    return len(set(words)) / len(words) <= BABBLE_MAX_DISTINCT_RATIO


def is_rushed(evidence: Evidence) -> bool:
    """More words than their time allows: aligned into a span no speaker could say them in."""
    return (
        evidence.words_per_second is not None
        and evidence.word_count >= RUSHED_MIN_WORDS
        and evidence.words_per_second > MAX_WORDS_PER_SECOND
    )


def is_stock_phrase(text: str) -> bool:
    return " ".join(_WORD.findall(text.lower())) in STOCK_PHRASES


def is_doubtful(evidence: Evidence) -> bool:
    """Any sign from the decoder that it is unsure of this text."""
    low_words = (
        evidence.word_probability is not None
        and evidence.word_probability < DOUBTFUL_WORD_PROBABILITY
    )
    return (
        evidence.forced
        or low_words
        or (evidence.no_speech_prob > DOUBTFUL_NO_SPEECH_PROB and not evidence.read_heard)
        or evidence.avg_logprob < DOUBTFUL_AVG_LOGPROB
        or is_stock_phrase(evidence.text)
    )


def why_invented(evidence: Evidence) -> str | None:
    """Why the segment is not speech, in a few words for the log; ``None`` when it is kept."""
    silent = evidence.no_speech_prob > NO_SPEECH_PROB and evidence.avg_logprob < LOW_AVG_LOGPROB
    if silent:
        return "Whisper's silence rule"
    if is_loop(evidence.compression_ratio):  # one segment repeating itself: Whisper's rule
        return "a repetition loop"
    if is_annotation(evidence.text):
        return "a sound annotation"
    if is_babble(evidence.text, evidence.no_speech_prob):
        return "babble"
    if is_rushed(evidence):
        return "more words than their time allows"
    needed = FORCED_UNHEARD_SHARE if evidence.forced else UNHEARD_SHARE
    if evidence.heard_share < needed and is_doubtful(evidence):
        return "little speech heard there, and the decoder doubts it"
    return None


def is_hallucination(evidence: Evidence) -> bool:
    return why_invented(evidence) is not None
