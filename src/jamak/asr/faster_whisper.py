"""Batched Whisper decoding on CTranslate2 through faster-whisper (its only importer in jamak).

jamak decides *what* to decode (speech windows from :mod:`jamak.asr.vad` and
:mod:`jamak.asr.windows`) and hands batches of windows to faster-whisper's batched decoder,
which runs the encoder and beam search once per batch instead of once per window. A file's
speech windows are cut into chains, and each chain is read as Whisper's sequential decoding
reads a file: 30 seconds at a time with timestamps, each read starting where Whisper
stopped in the one before and prompted with the text before it, but skipping the
non-speech between planned windows. Reads of different chains fill the batch. Text that
looks like Whisper's well-known non-speech hallucinations is dropped.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

import ctranslate2
import numpy as np
from faster_whisper import BatchedInferencePipeline, WhisperModel
from faster_whisper.audio import pad_or_trim
from faster_whisper.tokenizer import Tokenizer
from faster_whisper.transcribe import (
    TranscriptionOptions,
    get_compression_ratio,
    get_suppressed_tokens,
)

from jamak.asr.hallucinations import (
    LOW_AVG_LOGPROB,
    MAX_COMPRESSION_RATIO,
    NO_SPEECH_PROB,
    Evidence,
    is_loop,
    why_invented,
)
from jamak.asr.kernels import chosen_family, read_cpu
from jamak.asr.options import RecognitionOptions
from jamak.asr.prompts import PROMPT_TOKENS, chain_prompts
from jamak.asr.recognizer import SAMPLE_RATE, Audio, ProgressCallback
from jamak.asr.text import clean_text
from jamak.asr.timestamps import TIME_PRECISION_S, resume_point
from jamak.asr.vad import SpeechMap, VadSettings, spans_from_probabilities, speech_map
from jamak.asr.windows import (
    WHISPER_WINDOW_S,
    Window,
    next_read,
    plan_chains,
    plan_windows,
    widen_windows,
)
from jamak.transcript import Segment, Transcript, Word

log = logging.getLogger(__name__)

# A window whose text loops is read again with the repetition penalised, more each time.
RETRY_REPETITION_PENALTIES = (1.2, 1.5)
# Beyond this, repetition is a decoder loop, not a speaker repeating a phrase.
RUNAWAY_COMPRESSION_RATIO = 3.5
# Language detection reads the first speech windows, at most this many.
LANGUAGE_WINDOWS = 2
# Windows per chain: each is conditioned on the text of the one before it in its chain.
CHAIN_WINDOWS = 6
# A chain is done when less than this of its planned speech is left unread.
MIN_LEFT_S = 0.5
# At most this many reads per planned window: Whisper stopping early again and again is a
# decoder in trouble, not speech.
MAX_READS_PER_WINDOW = 4


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
    def __init__(
        self,
        model: WhisperModel,
        *,
        name: str,
        vad: VadSettings | None = None,
        forced_cpu_isa: str | None = None,
    ) -> None:
        self.name = name
        self._model: WhisperModel | None = model
        self._vad = vad or VadSettings()
        self.device = str(model.model.device)
        self.compute_type = str(model.model.compute_type)
        self.cpu_kernels = chosen_family(read_cpu(), forced_cpu_isa) if self.device == "cpu" else ""
        log.debug(
            "model %s runs on %s, compute type %s%s",
            name,
            self.device,
            self.compute_type,
            f", CTranslate2 CPU kernels {self.cpu_kernels}" if self.cpu_kernels else "",
        )

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
        heard = speech_map(audio)
        speech = plan_windows(spans_from_probabilities(heard.probabilities, self._vad))
        context = widen_windows(speech, duration_s=duration_s, margin_s=self._vad.context_s)
        report = on_progress or (lambda done_s, total_s: None)
        report(0.0, duration_s)
        if not speech:
            report(duration_s, duration_s)
            return self._transcript(options.language or self._fallback_language(), duration_s)

        initial_tokens = self._initial_tokens(options)
        chains = [
            _Chain(speech[chain.start : chain.stop], context[chain.start : chain.stop])
            for chain in plan_chains(len(speech), chain_windows=CHAIN_WINDOWS)
        ]
        lanes = _lanes(chains, options.batch_size, self._parallel)
        first = _Prepared(
            self._features(
                audio, [chain.reading for chain in lanes[0] if chain.reading is not None]
            ),
            _EncodeOnce(self.model),
        )
        language, probability = self._language(first.encoder.encode(first.features), options)
        tokenizer = Tokenizer(
            self.model.hf_tokenizer, self.multilingual, task=options.task, language=language
        )
        decoding = self._decoding_options(options, tokenizer)
        step = partial(
            self._decode_step, audio, tokenizer=tokenizer, decoding=decoding, heard=heard
        )
        self._decode_chains(
            lanes, step, initial_tokens, first, lambda share: report(share * duration_s, duration_s)
        )
        segments = [segment for chain in chains for segment in chain.segments]
        report(duration_s, duration_s)
        if not segments and options.language is None:
            # Whisper names a language even for music; with no words left, none was heard.
            language, probability = self._fallback_language(), 1.0
        return self._transcript(language, duration_s, tuple(segments), probability, options)

    @property
    def _parallel(self) -> int:
        """Batches decoded at once: as many as the model has CTranslate2 workers."""
        return max(1, int(self.model.model.num_workers))

    def _decode_chains(
        self,
        lanes: Sequence[list[_Chain]],
        decode_step: Callable[..., list[_Decoded]],
        initial_tokens: Sequence[int],
        first: _Prepared,
        report_share: Callable[[float], None],
    ) -> None:
        """Every lane advances one read per chain per step, as soon as its last step is
        done: a read starts where the one before it stopped, and its prompt is the text
        before it. Lanes run on the model's workers at once; all bookkeeping stays on this
        thread. Progress is the share of the chains' audio read: chains advance interleaved,
        not from the start of the file."""
        chains = [chain for lane in lanes for chain in lane]
        total_s = sum(chain.duration_s for chain in chains)
        with ThreadPoolExecutor(self._parallel, thread_name_prefix="decode") as pool:
            pending: dict[Future[list[_Decoded]], list[_Chain]] = {}

            def submit(lane: list[_Chain], prepared: _Prepared | None = None) -> None:
                active = [chain for chain in lane if not chain.finished]
                if active:
                    future = pool.submit(
                        decode_step,
                        [chain.reading for chain in active],
                        chain_prompts([chain.history for chain in active], initial_tokens),
                        prepared=prepared,
                    )
                    pending[future] = active

            try:
                for index, lane in enumerate(lanes):
                    submit(lane, first if index == 0 else None)
                while pending:
                    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        active = pending.pop(future)
                        for chain, decoded in zip(active, future.result(), strict=True):
                            chain.advance(decoded)
                        report_share(sum(chain.read_s for chain in chains) / total_s)
                        submit(active)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise

    def _initial_tokens(self, options: RecognitionOptions) -> list[int]:
        if not options.initial_prompt:
            return []
        tokens: list[int] = self.model.hf_tokenizer.encode(
            " " + options.initial_prompt.strip(), add_special_tokens=False
        ).ids
        return tokens[-PROMPT_TOKENS:]

    def _decode_step(
        self,
        audio: Audio,
        step: Sequence[Window],
        prompts: Sequence[Sequence[int]],
        *,
        tokenizer: Tokenizer,
        decoding: TranscriptionOptions,
        heard: SpeechMap,
        prepared: _Prepared | None,
    ) -> list[_Decoded]:
        """One window of each chain, decoded in as few batches as their prompts allow:
        CTranslate2 needs the prompts of one batch to be of one length."""
        by_length: dict[int, list[int]] = {}
        for index, prompt in enumerate(prompts):
            by_length.setdefault(len(prompt), []).append(index)
        groups = [(members, [prompts[i] for i in members]) for members in by_length.values()]
        decoded: dict[int, _Decoded] = {}
        for members, contexts in groups:
            windows = [step[i] for i in members]
            if prepared is not None and len(groups) == 1:
                features, encoder = prepared.features, prepared.encoder
            else:
                features, encoder = self._features(audio, windows), _EncodeOnce(self.model)
            results = self._decode(
                audio, windows, contexts, (features, encoder), tokenizer, decoding, heard
            )
            decoded.update(zip(members, results, strict=True))
        return [decoded[i] for i in range(len(step))]

    def _decode(
        self,
        audio: Audio,
        batch: Sequence[Window],
        contexts: Sequence[Sequence[int]],
        encoded: tuple[np.ndarray, _EncodeOnce],
        tokenizer: Tokenizer,
        decoding: TranscriptionOptions,
        heard: SpeechMap,
    ) -> list[_Decoded]:
        features, encoder = encoded
        pipeline = _ConditionedPipeline(encoder, contexts)
        outputs = pipeline.forward(
            features, tokenizer, [_metadata(window) for window in batch], decoding
        )
        decoded: list[_Decoded] = []
        for window, context, first_try, first_read in zip(
            batch, contexts, outputs, pipeline.read_tokens, strict=True
        ):
            output, read, troubled = first_try, first_read, False
            if _loops(first_try):
                output, read = self._retry_penalised(audio, window, context, tokenizer, decoding)
                troubled = True
            kept = _kept(output, heard=heard, threshold=self._vad.threshold, forced=troubled)
            tokens = [int(token) for raw in kept for token in raw["tokens"]]
            decoded.append(
                _Decoded(
                    _segments(kept, decoding.word_timestamps),
                    tokens,
                    reset=troubled,
                    resume_s=_resume(read, tokenizer),
                )
            )
        return decoded

    def _retry_penalised(
        self,
        audio: Audio,
        window: Window,
        context: Sequence[int],
        tokenizer: Tokenizer,
        decoding: TranscriptionOptions,
    ) -> tuple[list[dict[str, Any]], list[int]]:
        """For a window whose text repeats itself, read it again with repetition penalised
        until it stops; otherwise keep the least repetitive attempt (people do repeat
        themselves) unless even that is a runaway loop ("4,4,4,4..."). Whisper samples at
        rising temperatures here instead; a penalty breaks loops as well and keeps the
        subtitles of a file the same from run to run. Rare, so each retry decodes the window
        alone. Returns the segments and the tokens read."""
        features = self._features(audio, [window])
        pipeline = _ConditionedPipeline(_EncodeOnce(self.model), [context])
        attempts: list[tuple[list[dict[str, Any]], list[int]]] = []
        for penalty in RETRY_REPETITION_PENALTIES:
            penalised = replace(decoding, repetition_penalty=penalty)
            (output,) = pipeline.forward(features, tokenizer, [_metadata(window)], penalised)
            attempt = (list(output), pipeline.read_tokens[0])
            if not _loops(output):
                return attempt
            attempts.append(attempt)
        best, read = min(attempts, key=lambda attempt: _compression_ratio(attempt[0]))
        if _compression_ratio(best) > RUNAWAY_COMPRESSION_RATIO:
            log.info("dropped a window stuck in a repetition loop at %.1f s", window.start_s)
            return [], []
        return [dict(raw, compression_ratio=0.0) for raw in best], read

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
            compute_type=self.compute_type,
            device=self.device,
            cpu_kernels=self.cpu_kernels,
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
            initial_prompt=None,  # each window gets its own prompt: see _ConditionedPipeline
            prefix=None,
            suppress_blank=True,
            suppress_tokens=get_suppressed_tokens(tokenizer, [-1]),
            without_timestamps=False,
            max_initial_timestamp=1.0,
            word_timestamps=options.word_timestamps,
            prepend_punctuations="\"'“¿([{-",
            append_punctuations="\"'.。,，!！?？:：”)]}、",
            multilingual=False,
            max_new_tokens=None,
            clip_timestamps="0",
            hallucination_silence_threshold=None,
            hotwords=options.hotwords,
        )


class _ConditionedPipeline(BatchedInferencePipeline):  # type: ignore[misc]  # untyped base
    """faster-whisper's batched pipeline, except that each window gets its own prompt: the
    text decoded before it in its chain. faster-whisper gives every window of a batch the
    same prompt, so batched windows lose the context its sequential decoding keeps, which
    measurably costs words (see bench/README.md). The tokens read for each window are kept
    (``read_tokens``): the pipeline's segments leave out an unfinished last segment, whose
    timestamps say where to go on reading."""

    def __init__(self, model: Any, contexts: Sequence[Sequence[int]]) -> None:
        super().__init__(model)
        self._contexts = contexts
        self.read_tokens: list[list[int]] = []

    def generate_segment_batched(
        self, features: np.ndarray, tokenizer: Tokenizer, options: TranscriptionOptions
    ) -> tuple[ctranslate2.StorageView, list[dict[str, Any]]]:
        prompts = [
            self.model.get_prompt(
                tokenizer,
                list(context),
                without_timestamps=options.without_timestamps,
                hotwords=options.hotwords,
            )
            for context in self._contexts
        ]
        encoder_output = self.model.encode(features)
        results = self.model.model.generate(
            encoder_output,
            prompts,
            beam_size=options.beam_size,
            patience=options.patience,
            length_penalty=options.length_penalty,
            max_length=self.model.max_length,
            suppress_blank=options.suppress_blank,
            suppress_tokens=options.suppress_tokens,
            return_scores=True,
            return_no_speech_prob=True,
            max_initial_timestamp_index=round(options.max_initial_timestamp / TIME_PRECISION_S),
            repetition_penalty=options.repetition_penalty,
            no_repeat_ngram_size=options.no_repeat_ngram_size,
        )
        outputs = []
        self.read_tokens = [list(result.sequences_ids[0]) for result in results]
        for result in results:
            tokens = result.sequences_ids[0]
            total_logprob = result.scores[0] * (len(tokens) ** options.length_penalty)
            outputs.append(
                {
                    "avg_logprob": total_logprob / (len(tokens) + 1),
                    "no_speech_prob": result.no_speech_prob,
                    "tokens": tokens,
                }
            )
        return encoder_output, outputs


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


@dataclass(slots=True)
class _Chain:
    """Consecutive planned windows of one file (``speech``, and ``context`` widened), read
    in order; ``history`` is the text the next read is conditioned on, as tokens (Whisper's
    ``condition_on_previous_text``)."""

    speech: Sequence[Window]
    context: Sequence[Window]
    history: list[int] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    seek_s: float = field(init=False)
    reading: Window | None = field(init=False)  # what the next read covers, if any
    reads: int = 0

    def __post_init__(self) -> None:
        self.seek_s = self.context[0].start_s
        self.reading = next_read(self.seek_s, self.speech, self.context, min_left_s=MIN_LEFT_S)

    @property
    def finished(self) -> bool:
        return self.reading is None

    @property
    def duration_s(self) -> float:
        return self.context[-1].end_s - self.context[0].start_s

    @property
    def read_s(self) -> float:
        if self.finished:
            return self.duration_s
        return self.seek_s - self.context[0].start_s

    def advance(self, decoded: _Decoded) -> None:
        """After a read Whisper struggled with (it looped), the next one starts afresh, as
        Whisper resets its prompt after a temperature fallback: a loop must not spread."""
        if self.reading is None:
            raise RuntimeError("advanced a finished chain")
        self.segments.extend(decoded.segments)
        if decoded.reset:
            self.history = []
        else:
            self.history = (self.history + decoded.tokens)[-PROMPT_TOKENS:]
        self.reads += 1
        read = self.reading
        self.seek_s = read.end_s if decoded.resume_s is None else read.start_s + decoded.resume_s
        self.reading = next_read(self.seek_s, self.speech, self.context, min_left_s=MIN_LEFT_S)
        if self.reading is not None and self.reads >= MAX_READS_PER_WINDOW * len(self.speech):
            log.warning("stopped reading at %.1f s: Whisper kept stopping early", self.seek_s)
            self.reading = None


@dataclass(frozen=True, slots=True)
class _Decoded:
    segments: list[Segment]
    tokens: list[int]  # the kept text, for the next read's prompt
    reset: bool = False
    resume_s: float | None = None  # into the read, where Whisper stopped early


@dataclass(frozen=True, slots=True)
class _Prepared:
    """Features already encoded (for language detection), for the first step to reuse."""

    features: np.ndarray
    encoder: _EncodeOnce


def _lanes(chains: Sequence[_Chain], batch_size: int, parallel: int) -> list[list[_Chain]]:
    """Chains decoded side by side, at most ``batch_size`` to a batch, and in at least
    ``parallel`` lanes when there are enough chains, so every model worker has one."""
    size = max(1, min(batch_size, math.ceil(len(chains) / parallel)))
    return [list(chains[first : first + size]) for first in range(0, len(chains), size)]


def _metadata(window: Window) -> dict[str, Any]:
    # faster-whisper aligns words over ceil(duration) seconds of encoder output: a window of
    # 30 s and a rounding error must not ask for a 31st second (CTranslate2 reads past the
    # end of its buffer).
    duration = min(window.duration_s, WHISPER_WINDOW_S)
    return {"offset": window.start_s, "duration": duration, "segments": []}


def _resume(read: Sequence[int], tokenizer: Tokenizer) -> float | None:
    resume_s = resume_point(read, tokenizer.timestamp_begin)
    return resume_s if resume_s is not None and resume_s > 0.0 else None


def _compression_ratio(raw_segments: Sequence[dict[str, Any]]) -> float:
    """Of a window's whole text, as Whisper measures it: a loop can span many segments."""
    text = "".join(str(raw["text"]) for raw in raw_segments)
    return float(get_compression_ratio(text)) if text.strip() else 0.0


def _loops(raw_segments: Sequence[dict[str, Any]]) -> bool:
    return is_loop(_compression_ratio(raw_segments))


def _evidence(raw: dict[str, Any], *, heard: SpeechMap, threshold: float, forced: bool) -> Evidence:
    words = raw.get("words") or []
    spans = [(float(w["start"]), float(w["end"])) for w in words] or [
        (float(raw["start"]), float(raw["end"]))
    ]
    probabilities = [float(w["probability"]) for w in words]
    return Evidence(
        text=str(raw["text"]),
        no_speech_prob=float(raw["no_speech_prob"]),
        avg_logprob=float(raw["avg_logprob"]),
        compression_ratio=float(raw["compression_ratio"]),
        heard_share=heard.heard_share(spans, threshold),
        word_probability=sum(probabilities) / len(probabilities) if probabilities else None,
        forced=forced,
    )


def _kept(
    raw_segments: list[dict[str, Any]], *, heard: SpeechMap, threshold: float, forced: bool
) -> list[dict[str, Any]]:
    """What is worth writing (and worth prompting the next window with): text left after
    cleaning, not a likely invention. ``forced``: read again after a loop."""
    kept = []
    for raw in raw_segments:
        text = clean_text(str(raw["text"]))
        if not text.strip():
            continue
        reason = why_invented(_evidence(raw, heard=heard, threshold=threshold, forced=forced))
        if reason is None:
            kept.append(dict(raw, text=text))
        else:
            log.info("dropped %r: %s", text[:80], reason)
    return kept


def _segments(raw_segments: list[dict[str, Any]], with_words: bool) -> list[Segment]:
    segments = []
    for raw in raw_segments:
        words = (
            tuple(
                Word(float(w["start"]), float(w["end"]), text, float(w["probability"]))
                for w in (raw.get("words") or [])
                if (text := clean_text(str(w["word"]))).strip()
            )
            if with_words
            else ()
        )
        segments.append(
            Segment(
                start_s=float(words[0].start_s if words else raw["start"]),
                end_s=float(words[-1].end_s if words else raw["end"]),
                text=str(raw["text"]),
                words=words,
                avg_logprob=float(raw["avg_logprob"]),
                no_speech_prob=float(raw["no_speech_prob"]),
            )
        )
    return segments
