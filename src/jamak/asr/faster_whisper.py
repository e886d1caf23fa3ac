"""Batched Whisper decoding on CTranslate2 through faster-whisper (its only importer in jamak).

jamak decides *what* to decode (speech windows from :mod:`jamak.asr.vad` and
:mod:`jamak.asr.windows`) and hands whole batches of windows to faster-whisper's batched
decoder, which runs the encoder and beam search once per batch instead of once per window.
Windows whose output looks like Whisper's well-known non-speech hallucinations are dropped.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path
from typing import Any

import ctranslate2
import numpy as np
from faster_whisper import BatchedInferencePipeline, WhisperModel
from faster_whisper.audio import pad_or_trim
from faster_whisper.tokenizer import Tokenizer
from faster_whisper.transcribe import TranscriptionOptions, get_suppressed_tokens

from jamak.asr.hallucinations import (
    LOW_AVG_LOGPROB,
    MAX_COMPRESSION_RATIO,
    NO_SPEECH_PROB,
    is_hallucination,
    is_loop,
)
from jamak.asr.options import RecognitionOptions
from jamak.asr.recognizer import SAMPLE_RATE, Audio, ProgressCallback
from jamak.asr.vad import VadSettings, detect_speech
from jamak.asr.windows import Window, plan_windows, widen_windows
from jamak.transcript import Segment, Transcript, Word

log = logging.getLogger(__name__)

FALLBACK_TEMPERATURES = (0.2, 0.4, 0.6, 0.8)
# Beyond this, repetition is a decoder loop, not a speaker repeating a phrase.
RUNAWAY_COMPRESSION_RATIO = 3.5
# Language detection reads the first speech windows, at most this many.
LANGUAGE_WINDOWS = 2


def resolve_device(device: str) -> str:
    if device != "auto":
        return device
    return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"


def resolve_compute_type(compute_type: str, device: str) -> str:
    if compute_type != "default":
        return compute_type
    return "float16" if device == "cuda" else "int8"


def load_model(
    path: Path, *, device: str, compute_type: str, cpu_threads: int, workers: int = 1
) -> WhisperModel:
    """``workers`` files can be recognised at once from as many threads, each on
    ``cpu_threads`` threads, with the weights loaded once."""
    device = resolve_device(device)
    return WhisperModel(
        str(path),
        device=device,
        compute_type=resolve_compute_type(compute_type, device),
        cpu_threads=cpu_threads,
        num_workers=workers,
    )


class FasterWhisperRecognizer:
    def __init__(self, model: WhisperModel, *, name: str, vad: VadSettings | None = None) -> None:
        self.name = name
        self._model: WhisperModel | None = model
        self._vad = vad or VadSettings()

    @property
    def model(self) -> WhisperModel:
        if self._model is None:
            raise RuntimeError(f"model {self.name} was closed")
        return self._model

    @property
    def multilingual(self) -> bool:
        return bool(self.model.model.is_multilingual)

    def close(self) -> None:
        self._model = None

    def recognize(
        self,
        audio: Audio,
        *,
        options: RecognitionOptions,
        on_progress: ProgressCallback | None = None,
    ) -> Transcript:
        duration_s = len(audio) / SAMPLE_RATE
        windows = widen_windows(
            plan_windows(detect_speech(audio, self._vad)),
            duration_s=duration_s,
            margin_s=self._vad.edge_margin_s,
        )
        report = on_progress or (lambda done_s, total_s: None)
        report(0.0, duration_s)
        if not windows:
            report(duration_s, duration_s)
            return self._transcript(options.language or self._fallback_language(), duration_s)

        batches = _batches(windows, options.batch_size, self._parallel)
        encoder = _EncodeOnce(self.model)
        first_features = self._features(audio, batches[0])
        language, probability = self._language(encoder.encode(first_features), options)
        tokenizer = Tokenizer(
            self.model.hf_tokenizer, self.multilingual, task=options.task, language=language
        )
        decoding = self._decoding_options(options, tokenizer)

        def decode(index: int) -> list[Segment]:
            batch = batches[index]
            if index == 0:  # already encoded, for language detection
                return self._decode(audio, batch, first_features, encoder, tokenizer, decoding)
            features = self._features(audio, batch)
            return self._decode(
                audio, batch, features, _EncodeOnce(self.model), tokenizer, decoding
            )

        per_batch: dict[int, list[Segment]] = {}
        with ThreadPoolExecutor(self._parallel, thread_name_prefix="batch") as pool:
            pending = {pool.submit(decode, index): index for index in range(len(batches))}
            try:
                for done in as_completed(pending):
                    per_batch[pending[done]] = done.result()
                    report(_done_until(batches, per_batch, duration_s), duration_s)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
        segments = [segment for index in sorted(per_batch) for segment in per_batch[index]]
        report(duration_s, duration_s)
        if not segments and options.language is None:
            # Whisper names a language even for music; with no words left, none was heard.
            language, probability = self._fallback_language(), 1.0
        return self._transcript(language, duration_s, tuple(segments), probability, options)

    @property
    def _parallel(self) -> int:
        """Batches decoded at once: as many as the model has CTranslate2 workers."""
        return max(1, int(self.model.model.num_workers))

    def _decode(
        self,
        audio: Audio,
        batch: Sequence[Window],
        features: np.ndarray,
        encoder: _EncodeOnce,
        tokenizer: Tokenizer,
        decoding: TranscriptionOptions,
    ) -> list[Segment]:
        pipeline = BatchedInferencePipeline(encoder)
        outputs = pipeline.forward(
            features, tokenizer, [_metadata(window) for window in batch], decoding
        )
        segments: list[Segment] = []
        for window, first_try in zip(batch, outputs, strict=True):
            output = first_try
            if any(_is_loop(raw) for raw in first_try):
                output = self._retry_warmer(pipeline, audio, window, tokenizer, decoding)
            segments.extend(_segments(output, decoding.word_timestamps))
        return segments

    def _retry_warmer(
        self,
        pipeline: BatchedInferencePipeline,
        audio: Audio,
        window: Window,
        tokenizer: Tokenizer,
        decoding: TranscriptionOptions,
    ) -> list[dict[str, Any]]:
        """Whisper's temperature fallback for a window whose text repeats itself: sample a
        little more freely until it stops; otherwise keep the least repetitive attempt
        (people do repeat themselves) unless even that is a runaway loop ("4,4,4,4...").
        Rare, so each retry decodes the window alone."""
        features = self._features(audio, [window])
        attempts: list[list[dict[str, Any]]] = []
        for temperature in FALLBACK_TEMPERATURES:
            warmer = replace(decoding, temperatures=[temperature], beam_size=1)
            (output,) = pipeline.forward(features, tokenizer, [_metadata(window)], warmer)
            if not any(_is_loop(raw) for raw in output):
                return list(output)
            attempts.append(list(output))
        best = min(attempts, key=lambda out: max(raw["compression_ratio"] for raw in out))
        if max(raw["compression_ratio"] for raw in best) > RUNAWAY_COMPRESSION_RATIO:
            log.info("dropped a window stuck in a repetition loop at %.1f s", window.start_s)
            return []
        return [dict(raw, compression_ratio=0.0) for raw in best]

    def _transcript(
        self,
        language: str,
        duration_s: float,
        segments: tuple[Segment, ...] = (),
        probability: float = 1.0,
        options: RecognitionOptions | None = None,
    ) -> Transcript:
        return Transcript(
            language=language,
            duration_s=duration_s,
            segments=segments,
            language_probability=probability,
            task=options.task if options else "transcribe",
            model=self.name,
        )

    def _fallback_language(self) -> str:
        return "und" if self.multilingual else "en"

    def _features(self, audio: Audio, windows: Sequence[Window]) -> np.ndarray:
        extract = self.model.feature_extractor
        return np.stack(
            [
                pad_or_trim(extract(audio[_sample(w.start_s) : _sample(w.end_s)])[..., :-1])
                for w in windows
            ]
        )

    def _language(
        self, encoded: ctranslate2.StorageView, options: RecognitionOptions
    ) -> tuple[str, float]:
        """The language of the first speech windows (not the file's first 30 s, which are
        often silence), read from the encoder output that decoding then reuses."""
        if not self.multilingual:
            if options.language not in (None, "en"):
                log.warning("%s is English-only; ignoring language %s", self.name, options.language)
            return "en", 1.0
        if options.language is not None:
            return options.language, 1.0
        per_window = self.model.model.detect_language(encoded)
        return _most_likely_language(per_window[:LANGUAGE_WINDOWS])

    def _decoding_options(
        self, options: RecognitionOptions, tokenizer: Tokenizer
    ) -> TranscriptionOptions:
        return TranscriptionOptions(
            beam_size=options.beam_size,
            best_of=5,
            patience=1.0,
            length_penalty=1.0,
            repetition_penalty=1.0,
            no_repeat_ngram_size=0,
            log_prob_threshold=LOW_AVG_LOGPROB,
            no_speech_threshold=NO_SPEECH_PROB,
            compression_ratio_threshold=MAX_COMPRESSION_RATIO,
            condition_on_previous_text=False,
            prompt_reset_on_temperature=0.5,
            temperatures=[0.0],
            initial_prompt=options.initial_prompt,
            prefix=None,
            suppress_blank=True,
            suppress_tokens=get_suppressed_tokens(tokenizer, [-1]),
            without_timestamps=True,
            max_initial_timestamp=0.0,
            word_timestamps=options.word_timestamps,
            prepend_punctuations="\"'“¿([{-",
            append_punctuations="\"'.。,，!！?？:：”)]}、",
            multilingual=False,
            max_new_tokens=None,
            clip_timestamps="0",
            hallucination_silence_threshold=None,
            hotwords=options.hotwords,
        )


class _EncodeOnce:
    """Stands in for the model inside faster-whisper's batched pipeline, which encodes each
    batch itself: language detection has already encoded the first batch, so the pipeline
    gets that output back instead of a second encoder pass (the most expensive step on a
    CPU). Only the last batch is remembered."""

    def __init__(self, model: WhisperModel) -> None:
        self._model = model
        self._last: tuple[np.ndarray, ctranslate2.StorageView] | None = None

    def encode(self, features: np.ndarray) -> ctranslate2.StorageView:
        if self._last is not None and self._last[0] is features:
            return self._last[1]
        encoded = self._model.encode(features)
        self._last = (features, encoded)
        return encoded

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)


def _most_likely_language(per_window: list[list[tuple[str, float]]]) -> tuple[str, float]:
    """The language with the highest probability summed over the windows; its mean
    probability. Whisper's tokens look like ``<|en|>``."""
    totals: dict[str, float] = {}
    for scores in per_window:
        for token, probability in scores:
            totals[token] = totals.get(token, 0.0) + probability
    token = max(totals, key=lambda name: totals[name])
    return token[2:-2], totals[token] / len(per_window)


def _sample(seconds: float) -> int:
    return round(seconds * SAMPLE_RATE)


def _batches(windows: Sequence[Window], batch_size: int, parallel: int) -> list[Sequence[Window]]:
    """Batches of at most ``batch_size`` windows, and at least ``parallel`` of them when
    there are enough windows, so that every worker of the model has one to decode."""
    size = max(1, min(batch_size, math.ceil(len(windows) / parallel)))
    return [windows[first : first + size] for first in range(0, len(windows), size)]


def _done_until(
    batches: Sequence[Sequence[Window]], finished: Mapping[int, object], duration_s: float
) -> float:
    """Audio seconds recognised without a gap from the start: batches can finish out of
    order, and progress must never run ahead of a batch still being decoded."""
    done = 0.0
    for index, batch in enumerate(batches):
        if index not in finished:
            break
        done = batch[-1].end_s
    return min(done, duration_s)


def _metadata(window: Window) -> dict[str, Any]:
    return {"offset": window.start_s, "duration": window.duration_s, "segments": []}


def _is_loop(raw: dict[str, Any]) -> bool:
    return is_loop(float(raw["compression_ratio"]))


def _is_hallucination(raw: dict[str, Any]) -> bool:
    return is_hallucination(
        str(raw["text"]),
        no_speech_prob=float(raw["no_speech_prob"]),
        avg_logprob=float(raw["avg_logprob"]),
        compression_ratio=float(raw["compression_ratio"]),
    )


def _segments(raw_segments: list[dict[str, Any]], with_words: bool) -> list[Segment]:
    kept = []
    for raw in raw_segments:
        text = str(raw["text"])
        if not text.strip() or _is_hallucination(raw):
            if text.strip():
                log.info("dropped a likely hallucination: %r", text[:80])
            continue
        words = (
            tuple(
                Word(float(w["start"]), float(w["end"]), str(w["word"]), float(w["probability"]))
                for w in (raw.get("words") or [])
            )
            if with_words
            else ()
        )
        kept.append(
            Segment(
                start_s=float(words[0].start_s if words else raw["start"]),
                end_s=float(words[-1].end_s if words else raw["end"]),
                text=text,
                words=words,
                avg_logprob=float(raw["avg_logprob"]),
                no_speech_prob=float(raw["no_speech_prob"]),
            )
        )
    return kept
