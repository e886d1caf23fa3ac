"""Accuracy the way Whisper's own papers report it, so numbers compare with published ones.

English is scored as corpus WER after Whisper's English normalizer (spellings, numbers,
contractions, punctuation), other spaced languages after its basic normalizer, and Chinese,
Japanese and Korean as CER, since their words are not separated by spaces. Corpus WER means
all errors over all reference words, not a mean of per-clip rates, so a two-word clip cannot
swing the result. Non-speech clips have no reference; what counts there is how many words a
system invents.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import jiwer
from whisper_normalizer.basic import BasicTextNormalizer
from whisper_normalizer.english import EnglishTextNormalizer

from bench.corpus import Clip

CHARACTER_LANGUAGES = frozenset({"zh", "ja", "ko"})

Metric = Literal["wer", "cer"]
Normalizer = Callable[[str], str]
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class ErrorRate:
    language: str
    metric: Metric
    errors: int  # substitutions + deletions + insertions
    reference_units: int  # words (WER) or characters (CER) in the references
    clips: int

    @property
    def value(self) -> float:
        return self.errors / self.reference_units if self.reference_units else 0.0

    @property
    def label(self) -> str:
        return f"{self.metric.upper()} {self.language}"


@dataclass(frozen=True, slots=True)
class Scores:
    error_rates: tuple[ErrorRate, ...]
    non_speech_words: int  # words emitted on clips where nothing should be written
    non_speech_clips: int


def metric_for(language: str) -> Metric:
    return "cer" if language in CHARACTER_LANGUAGES else "wer"


def normalizer_for(language: str) -> Normalizer:
    normalizer: Normalizer = EnglishTextNormalizer() if language == "en" else BasicTextNormalizer()
    return normalizer


def error_rate(language: str, pairs: Sequence[tuple[str, str]]) -> ErrorRate:
    """Corpus error rate of ``(reference, hypothesis)`` pairs in one language.

    A pair whose reference normalizes to nothing is left out: it has no words to get wrong.
    """
    metric = metric_for(language)
    normalize = normalizer_for(language)
    references, hypotheses = [], []
    for reference, hypothesis in pairs:
        ref, hyp = _units(normalize(reference), metric), _units(normalize(hypothesis), metric)
        if ref:
            references.append(ref)
            hypotheses.append(hyp)
    if not references:
        return ErrorRate(language, metric, 0, 0, 0)
    measure = jiwer.process_characters if metric == "cer" else jiwer.process_words
    result = measure(references, hypotheses)
    errors = result.substitutions + result.deletions + result.insertions
    units = result.hits + result.substitutions + result.deletions
    return ErrorRate(language, metric, int(errors), int(units), len(references))


def count_words(texts: Iterable[str]) -> int:
    """Words in ``texts`` after the basic normalizer (so punctuation alone counts as none)."""
    normalize = BasicTextNormalizer()
    return sum(len(normalize(text).split()) for text in texts)


def score(clips: Sequence[Clip], hypotheses: Mapping[str, str]) -> Scores:
    """Score a system's text per clip name; a clip it produced nothing for counts as empty."""
    by_language: dict[str, list[tuple[str, str]]] = {}
    for clip in clips:
        if clip.is_speech and clip.reference_verified:
            pair = (clip.reference, hypotheses.get(clip.name, ""))
            by_language.setdefault(clip.language, []).append(pair)
    silent = [clip for clip in clips if not clip.is_speech]
    return Scores(
        error_rates=tuple(error_rate(lang, pairs) for lang, pairs in sorted(by_language.items())),
        non_speech_words=count_words(hypotheses.get(clip.name, "") for clip in silent),
        non_speech_clips=len(silent),
    )


def _units(text: str, metric: Metric) -> str:
    """Words separated by single spaces (WER), or the characters alone (CER)."""
    if metric == "cer":
        return _WHITESPACE.sub("", text)
    return " ".join(text.split())
