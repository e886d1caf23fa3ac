"""The order of recognition on a fake engine: chains, language on the first batch, reading."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest

from jamak.asr.keeping import Judge
from jamak.asr.options import RecognitionOptions
from jamak.asr.reading import CHAIN_WINDOWS
from jamak.asr.recognition import ModelFacts, Speech, recognise_speech
from jamak.asr.windows import Window
from jamak.transcript import Transcript
from tests.unit.asr.fake_whisper import FakeDecoder, HeardEverywhere, SpokenWord, read_words

# Two chains of windows 40 s apart, the second starting at window FIRST_OF_SECOND.
SPEECH = tuple(Window(40.0 * i, 40.0 * i + 20.0) for i in range(2 * CHAIN_WINDOWS - 4))
FIRST_OF_SECOND = CHAIN_WINDOWS - 2
DURATION_S = 40.0 * len(SPEECH)
WORDS = [SpokenWord(i, w.start_s + 2.0) for i, w in enumerate(SPEECH, start=1)]
SCORES = [[("<|de|>", 0.6), ("<|en|>", 0.4)], [("<|de|>", 0.2), ("<|en|>", 0.8)], [("<|de|>", 1.0)]]


@dataclass
class FakeEngine:
    words: Sequence[SpokenWord]
    first: tuple[Window, ...] = ()
    opening: tuple[tuple[Window, ...], ...] = ()
    languages: list[str] = field(default_factory=list)
    asked_scores: int = 0

    def open(self, batches: Sequence[Sequence[Window]]) -> FakeEngine:
        self.first = tuple(batches[0])
        self.opening = tuple(tuple(batch) for batch in batches)
        return self

    def language_scores(self) -> list[list[tuple[str, float]]]:
        self.asked_scores += 1
        return SCORES

    def decoder(self, language: str) -> FakeDecoder:
        self.languages.append(language)
        return FakeDecoder(lambda window, prompt, _: read_words(window, self.words))


def _recognise(
    engine: FakeEngine,
    options: RecognitionOptions,
    *,
    multilingual: bool = True,
    speech: tuple[Window, ...] = SPEECH,
) -> tuple[Transcript, list[tuple[float, float]]]:
    progress: list[tuple[float, float]] = []
    model = ModelFacts("base", multilingual, 1, "int8", "cpu", "AVX2")
    transcript = recognise_speech(
        Speech(DURATION_S, speech, speech, Judge(HeardEverywhere(), 0.3)),
        engine.open,
        model=model,
        options=options,
        initial_tokens=(),
        report=lambda done, total: progress.append((done, total)),
    )
    return transcript, progress


def test_the_language_is_the_likeliest_over_the_first_two_windows_of_the_first_batch() -> None:
    engine = FakeEngine(WORDS)
    transcript, progress = _recognise(engine, RecognitionOptions())
    second = 40.0 * FIRST_OF_SECOND
    assert engine.first == (Window(0.0, 30.0), Window(second, second + 30.0))  # one per chain
    # en 0.4 + 0.8 beats de 0.6 + 0.2; the third window (all de) is not asked
    assert transcript.language == "en"
    assert transcript.language_probability == pytest.approx(0.6)
    assert engine.languages == ["en"]
    assert [s.text for s in transcript.segments] == [w.text for w in WORDS]
    assert progress[0] == (0.0, DURATION_S)
    assert progress[-1] == (DURATION_S, DURATION_S)
    assert (transcript.model, transcript.compute_type, transcript.cpu_kernels) == (
        "base",
        "int8",
        "AVX2",
    )


def test_an_asked_language_is_not_detected_and_an_english_only_model_reads_english() -> None:
    engine = FakeEngine(WORDS)
    assert _recognise(engine, RecognitionOptions(language="ja"))[0].language == "ja"
    english = _recognise(engine, RecognitionOptions(language="ja"), multilingual=False)[0]
    assert english.language == "en"
    assert engine.asked_scores == 0


def test_a_file_where_no_words_survive_is_in_no_language() -> None:
    transcript = _recognise(FakeEngine([]), RecognitionOptions())[0]
    assert (transcript.language, transcript.language_probability, transcript.segments) == (
        "und",
        1.0,
        (),
    )
    asked = _recognise(FakeEngine([]), RecognitionOptions(language="de"))[0]
    assert asked.language == "de"


def test_a_file_without_speech_opens_no_engine() -> None:
    engine = FakeEngine(WORDS)
    transcript, progress = _recognise(
        engine, RecognitionOptions(task="translate"), multilingual=False, speech=()
    )
    assert engine.first == ()
    assert (transcript.language, transcript.task, transcript.segments) == ("en", "transcribe", ())
    assert progress == [(0.0, DURATION_S), (DURATION_S, DURATION_S)]
