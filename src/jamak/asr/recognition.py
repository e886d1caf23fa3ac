"""From a file's planned speech to its segments and language, on any Whisper engine.

The order of things is jamak's, not the engine's: chains are planned first, so the language
is detected on the first batch that will be read (the file's first speech, not its first
30 seconds) and the engine can keep that encoding for the read; and a file in which no
words survive is in no language, whatever Whisper guessed for its music.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Protocol

from jamak.asr.decoder import Decoder
from jamak.asr.doubt import worth_a_beam
from jamak.asr.keeping import Judge
from jamak.asr.language import (
    LANGUAGE_WINDOWS,
    fallback_language,
    most_likely_language,
    requested_language,
)
from jamak.asr.options import RecognitionOptions
from jamak.asr.reading import Schedule, batches_of, opening_steps, read_chains, start_chains
from jamak.asr.recognizer import ProgressCallback
from jamak.asr.windows import Window
from jamak.transcript import Segment, Transcript


class FileEngine(Protocol):
    """A Whisper engine opened on one file's audio and the batches of windows that open
    its reading (:func:`jamak.asr.reading.opening_steps`, as windows), which it may encode
    at once, side by side."""

    def language_scores(self) -> list[list[tuple[str, float]]]:
        """Per window of the first opening batch, each language token (``<|en|>``) and its
        probability."""
        ...

    def decoder(self, language: str) -> Decoder: ...


@dataclass(frozen=True, slots=True)
class ModelFacts:
    """What the reading design needs to know of a loaded model, and what a transcript
    records of how it ran."""

    name: str
    multilingual: bool
    workers: int  # batches it decodes at once, from threads
    compute_type: str
    device: str
    cpu_kernels: str
    cpu_matrix_library: str = ""


@dataclass(frozen=True, slots=True)
class Speech:
    """Where a file's speech is: its planned windows (``context``: the same widened) and
    the detector's witness, for judging what is read there."""

    duration_s: float
    windows: tuple[Window, ...]
    context: tuple[Window, ...]
    judge: Judge


def recognise_speech(
    speech: Speech,
    open_engine: Callable[[Sequence[Sequence[Window]]], FileEngine],
    *,
    model: ModelFacts,
    options: RecognitionOptions,
    initial_tokens: Sequence[int],
    report: ProgressCallback,
    room: Callable[[], int] | None = None,
) -> Transcript:
    """``open_engine`` opens the engine on the opening batches. Progress runs from 0 to the
    file's duration, through the share of its speech read. A file without speech keeps the
    default task in its transcript, as it always has. ``room``: how many of the model's
    workers may decode now (:class:`jamak.asr.reading.Schedule`); None: all."""
    duration_s = speech.duration_s
    report(0.0, duration_s)
    language, probability, segments = _language_and_segments(
        speech,
        open_engine,
        model,
        options,
        initial_tokens,
        lambda share: report(share * duration_s, duration_s),
        room,
    )
    report(duration_s, duration_s)
    return Transcript(
        language=language,
        duration_s=duration_s,
        segments=segments,
        language_probability=probability,
        task=options.task if speech.windows else "transcribe",
        model=model.name,
        compute_type=model.compute_type,
        device=model.device,
        cpu_kernels=model.cpu_kernels,
        cpu_matrix_library=model.cpu_matrix_library,
    )


def _language_and_segments(
    speech: Speech,
    open_engine: Callable[[Sequence[Sequence[Window]]], FileEngine],
    model: ModelFacts,
    options: RecognitionOptions,
    initial_tokens: Sequence[int],
    report_share: Callable[[float], None],
    room: Callable[[], int] | None,
) -> tuple[str, float, tuple[Segment, ...]]:
    if not speech.windows:
        return options.language or fallback_language(model.multilingual), 1.0, ()
    schedule = Schedule(options.batch_size, max(1, model.workers), room)
    chains = start_chains(speech.windows, speech.context)
    opening = opening_steps(chains, schedule)
    if not opening:  # every planned window too short to read
        return options.language or fallback_language(model.multilingual), 1.0, ()
    engine = open_engine(batches_of(chains, opening))
    asked = requested_language(options.language, multilingual=model.multilingual, model=model.name)
    if asked is None:
        language, probability = most_likely_language(engine.language_scores()[:LANGUAGE_WINDOWS])
    else:
        language, probability = asked, 1.0
    decoder = engine.decoder(language)
    second_look = (
        partial(worth_a_beam, timestamp_begin=decoder.timestamp_begin, judge=speech.judge)
        if options.greedy_first and options.beam_size > 1
        else None
    )
    segments = read_chains(
        chains,
        decoder,
        speech.judge,
        schedule=schedule,
        initial_tokens=initial_tokens,
        report_share=report_share,
        second_look=second_look,
        opening=opening,
    )
    if not segments and options.language is None:
        # Whisper names a language even for music; with no words left, none was heard.
        return fallback_language(model.multilingual), 1.0, ()
    return language, probability, segments
