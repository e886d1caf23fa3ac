"""Accuracy on real recorded speech (../shared/eval), with the default model and settings.

Whisper's numbers move with the CPU kernels CTranslate2 runs (``make kernels`` runs these
tests under every family and compute type the machine offers), so each bound is written
next to what was measured across them, with a margin for the next machine, not for a
regression. Measured with ``base`` on an AMD EPYC (family 26, AVX-512): English corpus WER
8.2-8.3 % with int8 under GENERIC, AVX2 and AVX512 kernels, 8.0 % with float32 (AVX2); the
bound leaves twice that spread above the worst. No words on any non-speech clip, no broken or
stray invisible characters in any output, no reference sentence lost, under every one.
"""

from __future__ import annotations

import re
import unicodedata

import jiwer
import pytest
from whisper_normalizer.english import EnglishTextNormalizer

from jamak.asr.options import RecognitionOptions
from jamak.asr.registry import ModelRegistry
from jamak.pipeline import transcribe_file
from tests.support.eval import EvalClip

pytestmark = [pytest.mark.eval, pytest.mark.model]

MAX_ENGLISH_WER = 0.09
# A reference sentence counts as heard when at least this share of its distinct words are
# in the transcript; the worst heard sentence measured shares 0.67 (most share all).
MIN_SENTENCE_RECALL = 0.5
SENTENCE_MIN_WORDS = 4
OTHER_LANGUAGES = ("de", "es", "fr", "ja", "sv", "zh")
# Zero-width characters that join nothing: after a space, another one or the start, before
# a space or the end; and the ones no subtitle needs anywhere.
_STRAY = re.compile(
    r"(?:^|(?<=[\s\u200c\u200d]))[\u200c\u200d]|[\u200c\u200d](?=\s|$)|[\u200b\u2060\ufeff]"
)


def _scored(clip: EvalClip) -> bool:
    """References that are another recogniser's output, or one text per stereo channel
    (two people speaking at once, which one transcript cannot hold), are not ground truth
    for a mixed-down transcript."""
    kind = clip.reference_type.upper()
    return not any(mark in kind for mark in ("MACHINE", "OUTPUT ONLY", "PER-CHANNEL"))


def _broken_characters(text: str) -> list[str]:
    """Replacement characters, and zero-width characters that join nothing: a check of its
    own, independent of the cleaning code it tests."""
    found = [f"U+FFFD at {i}" for i, ch in enumerate(text) if ch == "\ufffd"]
    found += [f"stray U+{ord(m.group()):04X}" for m in _STRAY.finditer(text)]
    found += [f"control U+{ord(ch):04X}" for ch in text if unicodedata.category(ch) == "Cc"]
    return found


def _lost_sentences(reference: str, text: str, normalize: EnglishTextNormalizer) -> list[str]:
    heard = set(normalize(text).split())
    lost = []
    for sentence in re.split(r"(?<=[.!?])\s+", reference):
        words = set(normalize(sentence).split())
        if len(words) >= SENTENCE_MIN_WORDS and len(words & heard) < MIN_SENTENCE_RECALL * len(
            words
        ):
            lost.append(sentence)
    return lost


def test_english_corpus_wer_and_silence_on_non_speech(
    model_registry: ModelRegistry, eval_clips: dict[str, EvalClip]
) -> None:
    recognizer = model_registry.recognizer("base")
    normalize = EnglishTextNormalizer()
    references, hypotheses, invented, broken, lost = [], [], {}, {}, {}
    for clip in eval_clips.values():
        if clip.language not in ("en", None):
            continue
        text = transcribe_file(clip.path, recognizer=recognizer, options=RecognitionOptions()).text
        if problems := _broken_characters(text):
            broken[clip.short_name] = problems
        if clip.language is None:
            if text.strip():
                invented[clip.short_name] = text
        elif _scored(clip):
            references.append(normalize(clip.reference_text))
            hypotheses.append(normalize(text))
            if missing := _lost_sentences(clip.reference_text, text, normalize):
                lost[clip.short_name] = missing
    assert len(references) >= 50
    wer = jiwer.wer(references, hypotheses)
    print(f"English corpus WER {wer:.2%} over {len(references)} clips")
    assert invented == {}
    assert broken == {}
    assert lost == {}
    assert wer <= MAX_ENGLISH_WER


def test_other_languages_are_heard_in_clean_text(
    model_registry: ModelRegistry, eval_clips: dict[str, EvalClip]
) -> None:
    """Korean-, Japanese- and Chinese-like scripts are where a cut multi-byte character
    would show: every clip of the other languages gives clean text in its language, and a
    speaker asked to stay silent ("silence-prompt") gives none."""
    recognizer = model_registry.recognizer("base")
    clips = [clip for clip in eval_clips.values() if clip.language in OTHER_LANGUAGES]
    assert len(clips) >= 8
    results = {
        clip.short_name: transcribe_file(
            clip.path, recognizer=recognizer, options=RecognitionOptions()
        )
        for clip in clips
    }
    speech = [clip for clip in clips if "silence" not in clip.category]
    assert {clip.short_name: results[clip.short_name].language for clip in speech} == {
        clip.short_name: clip.language for clip in speech
    }
    assert [clip.short_name for clip in speech if not results[clip.short_name].text.strip()] == []
    silent = {c.short_name: results[c.short_name].text for c in clips if c not in speech}
    assert silent == dict.fromkeys(silent, "")
    broken = {name: _broken_characters(result.text) for name, result in results.items()}
    assert {name: found for name, found in broken.items() if found} == {}
