"""Scoring: Whisper's normalizers, corpus-level error rates, words invented on non-speech."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench.corpus import Clip
from bench.scoring import count_words, error_rate, score


def test_english_is_compared_after_whisper_normalization() -> None:
    rate = error_rate("en", [("Mr. Smith, it's colour!", "mister smith it is color")])

    assert rate.metric == "wer"
    assert rate.errors == 0
    assert rate.reference_units == 5


def test_wer_is_over_the_whole_corpus_not_a_mean_of_clips() -> None:
    pairs = [("the cat sat down", "the cat sat down"), ("dog", "cat")]

    rate = error_rate("en", pairs)

    assert (rate.errors, rate.reference_units, rate.clips) == (1, 5, 2)
    assert rate.value == pytest.approx(0.2)  # a mean of per-clip rates would say 0.5


def test_insertions_and_deletions_count_as_errors() -> None:
    rate = error_rate("en", [("a cat sat", "a big cat"), ("on the mat", "")])

    assert rate.errors == 2 + 3  # "big" inserted, "sat" deleted; nothing for the second clip
    assert rate.value == pytest.approx(5 / 6)


@pytest.mark.parametrize("language", ["zh", "ja", "ko"])
def test_cjk_is_scored_by_character_ignoring_spaces_and_punctuation(language: str) -> None:
    rate = error_rate(language, [("你好，世界。", "你好 世"), ("再见", "再见")])

    assert rate.metric == "cer"
    assert (rate.errors, rate.reference_units) == (1, 6)
    assert rate.label == f"CER {language}"


def test_other_languages_get_wer_with_the_basic_normalizer() -> None:
    rate = error_rate("de", [("Guten Tag, Welt!", "guten tag welt")])

    assert (rate.metric, rate.errors, rate.reference_units) == ("wer", 0, 3)


def test_a_reference_that_normalizes_to_nothing_is_left_out() -> None:
    rate = error_rate("en", [("[inaudible]", "hello"), ("yes", "yes")])

    assert (rate.clips, rate.reference_units, rate.errors) == (1, 1, 0)


def test_punctuation_alone_is_not_a_word() -> None:
    assert count_words(["", "...", "Thank you.", "♪ ♪"]) == 2


def clip(name: str, language: str, reference: str = "", *, verified: bool = True) -> Clip:
    return Clip(name, Path(f"{name}.wav"), language, 1.0, reference, verified)


def test_score_groups_by_language_and_counts_invented_words_on_non_speech() -> None:
    clips = [
        clip("en1", "en", "hello world"),
        clip("en2", "en", "good morning"),
        clip("unverified", "en", "nothing right", verified=False),
        clip("zh1", "zh", "你好"),
        clip("silence", "none"),
        clip("music", "none"),
    ]
    texts = {
        "en1": "Hello, world.",
        "unverified": "totally different words",
        "zh1": "你好",
        "silence": "Thank you for watching!",
    }  # en2 and music produced nothing

    scores = score(clips, texts)

    by_label = {rate.label: rate for rate in scores.error_rates}
    assert set(by_label) == {"WER en", "CER zh"}
    assert (by_label["WER en"].errors, by_label["WER en"].reference_units) == (2, 4)
    assert by_label["CER zh"].value == 0.0
    assert (scores.non_speech_words, scores.non_speech_clips) == (4, 2)
