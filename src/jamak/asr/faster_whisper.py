"""Whisper on CTranslate2 through faster-whisper: the engine calls, and nothing else.

What is read, with which prompt, and what is kept is jamak's design (:mod:`jamak.asr.reading`);
this adapter runs the engine for it: features, encoder, language detection, beam search on a
batch of windows each with its own prompt (faster-whisper's batched pipeline gives them all
one, which measurably costs words: see bench/README.md), and word alignment.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import ctranslate2
import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.audio import pad_or_trim
from faster_whisper.tokenizer import Tokenizer
from faster_whisper.transcribe import get_suppressed_tokens

from jamak.asr.decoder import DecodedRead, DecodedSegment, DecodedWord, SecondLook
from jamak.asr.doubt import beam_read_stands, beam_token_limit
from jamak.asr.keeping import Judge
from jamak.asr.kernels import CpuChoices, read_cpu
from jamak.asr.loading import load_model, resolve_compute_type, resolve_device
from jamak.asr.options import RecognitionOptions
from jamak.asr.prompts import PROMPT_TOKENS, by_prompt_length
from jamak.asr.recognition import ModelFacts, Speech, recognise_speech
from jamak.asr.recognizer import SAMPLE_RATE, Audio, ProgressCallback
from jamak.asr.silero import SileroDetector
from jamak.asr.speech_map import SpeechMap
from jamak.asr.timestamps import TIME_PRECISION_S, split_at_timestamps
from jamak.asr.vad import VadSettings, spans_from_probabilities, speech_map
from jamak.asr.voicing import find_voicing
from jamak.asr.windows import WHISPER_WINDOW_S, Window, plan_windows, widen_windows
from jamak.asr.word_edges import refine_segments
from jamak.transcript import Transcript

__all__ = ["FasterWhisperRecognizer", "load_model", "resolve_compute_type", "resolve_device"]

log = logging.getLogger(__name__)

# Whisper's defaults (openai/whisper transcribe.py), as faster-whisper passes them on.
MAX_INITIAL_TIMESTAMP_S = 1.0
PUNCTUATIONS = ("\"'“¿([{-", "\"'.。,，!！?？:：”)]}、")  # joined to the next word, the last

# Windows a CPU encodes at once. The encoder's attention takes 72 MB a window and layer
# (`base`: 8 heads x 1500 x 1500 floats), and what a process frees it keeps for the next call
# (jamak.asr.heap), so a batch of 8 windows held some 730 MB more than a window at a time, in
# each stream, for the life of the process; the windows of an hour-long file fill such
# batches. Per window a CPU encodes as fast one or two at a time as eight, to the same
# numbers under every kernel family (bench/README.md, "An hour's memory"). A GPU, whose
# batches pay, encodes the batch whole.
CPU_ENCODE_WINDOWS = 2

# By window: the batch it was encoded in, the batch's encoder output, and the memory that
# output is a view on, if it is one (held as long as the output is).
_Recent = dict[Window, tuple[list[Window], Any, np.ndarray | None]]


class FasterWhisperRecognizer:
    def __init__(
        self,
        model: WhisperModel,
        *,
        name: str,
        vad: VadSettings | None = None,
        cpu_choices: CpuChoices | None = None,
        room: Callable[[], int] | None = None,
    ) -> None:
        self.name = name
        self._model: WhisperModel | None = model
        self._vad = vad or VadSettings()
        self._room = room  # how many of the model's workers may decode now; None: all
        self._detector: SileroDetector | None = None  # opened on the first file
        self.device = str(model.model.device)
        self.compute_type = str(model.model.compute_type)
        on_cpu = self.device == "cpu"
        ran = (cpu_choices or CpuChoices()).describe(read_cpu()) if on_cpu else ("", "")
        self.cpu_kernels, self.cpu_matrix_library = ran
        kernels = f", CTranslate2 CPU kernels {self.cpu_kernels}" if self.cpu_kernels else ""
        if self.cpu_matrix_library:
            kernels += f", matrix library {self.cpu_matrix_library}"
        log.debug(
            "model %s runs on %s, compute type %s%s", name, self.device, self.compute_type, kernels
        )
        workers = int(model.model.num_workers)
        self._described = ModelFacts(
            name,
            self.multilingual,
            workers,
            self.compute_type,
            self.device,
            self.cpu_kernels,
            self.cpu_matrix_library,
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
        self._detector = None

    @property
    def detector(self) -> SileroDetector:
        if self._detector is None:
            self._detector = SileroDetector()
        return self._detector

    def recognize(
        self,
        audio: Audio,
        *,
        options: RecognitionOptions,
        on_progress: ProgressCallback | None = None,
        speech: SpeechMap | None = None,
    ) -> Transcript:
        duration_s = len(audio) / SAMPLE_RATE
        report = on_progress or (lambda done_s, total_s: None)
        # The length is known now, before the detector's pass over the whole file: a worker
        # that takes only short jobs hands a long one back at this first report.
        report(0.0, duration_s)
        heard = speech_map(audio, self.detector) if speech is None else _fitted(speech, audio)
        windows = plan_windows(spans_from_probabilities(heard.probabilities, self._vad))
        context = widen_windows(windows, duration_s=duration_s, margin_s=self._vad.context_s)
        transcript = recognise_speech(
            Speech(duration_s, windows, context, Judge(heard, self._vad.threshold)),
            partial(_Engine.open, self.model, audio, options),
            model=self._described,
            options=options,
            initial_tokens=self._initial_tokens(options) if windows else (),
            report=report,
            room=self._room,
        )
        if not (options.word_timestamps and options.refine_word_times):
            return transcript
        voicing = find_voicing(heard.probabilities, heard.frame_s, audio, SAMPLE_RATE)
        return replace(transcript, segments=refine_segments(transcript.segments, voicing))

    def _initial_tokens(self, options: RecognitionOptions) -> list[int]:
        if not options.initial_prompt:
            return []
        text = " " + options.initial_prompt.strip()
        tokens: list[int] = self.model.hf_tokenizer.encode(text, add_special_tokens=False).ids
        return tokens[-PROMPT_TOKENS:]


@dataclass(frozen=True, slots=True)
class _Engine:
    """The engine on one file: opened (:class:`jamak.asr.recognition.FileEngine`) with its
    opening batches encoded side by side, one per engine worker (the encoder is the most
    expensive step on a CPU; encoded one after another, the other cores would wait for the
    language), the first for language detection and each for its first read; once the
    language is known, its :class:`jamak.asr.decoder.Decoder`. ``encoded`` batches are
    used for one read only.

    ``recent``: per worker thread, what its last :meth:`decode` encoded, by window, kept
    until its next one. A read that loops is read again under a penalty at once, on the
    same thread (:func:`jamak.asr.keeping.settle`), as is a read that skipped speech
    without its prompt, and its window need not be encoded again (0.85 s a retry, `base`
    on one thread)."""

    model: WhisperModel
    audio: Audio
    options: RecognitionOptions
    encoded: dict[tuple[Window, ...], Any]
    first: tuple[Window, ...]
    tokenizer: Tokenizer = None  # known once the language is
    recent: threading.local = field(default_factory=threading.local)

    @classmethod
    def open(
        cls,
        model: WhisperModel,
        audio: Audio,
        options: RecognitionOptions,
        batches: Sequence[Sequence[Window]],
    ) -> _Engine:
        with ThreadPoolExecutor(len(batches), thread_name_prefix="encode") as pool:
            encoded = list(pool.map(partial(_encode, model, audio), batches))
        keys = [tuple(batch) for batch in batches]
        return cls(model, audio, options, dict(zip(keys, encoded, strict=True)), keys[0])

    def language_scores(self) -> list[list[tuple[str, float]]]:
        return list(self.model.model.detect_language(self.encoded[self.first]))

    def decoder(self, language: str) -> _Engine:
        multilingual, task = self.model.model.is_multilingual, self.options.task
        tokenizer = Tokenizer(self.model.hf_tokenizer, multilingual, task, language)
        return replace(self, tokenizer=tokenizer)

    @property
    def timestamp_begin(self) -> int:
        return int(self.tokenizer.timestamp_begin)

    def decode(
        self,
        windows: Sequence[Window],
        prompts: Sequence[Sequence[int]],
        *,
        second_look: SecondLook | None = None,
    ) -> list[DecodedRead]:
        """In as few batches as the prompts allow: CTranslate2 needs one prompt length."""
        reads: dict[int, DecodedRead] = {}
        previous: _Recent = getattr(self.recent, "batches", {})
        recent: _Recent = {}
        if all(window in previous for window in windows):  # read again: keep the rest's too
            recent.update(previous)
        self.recent.batches = recent
        for members in by_prompt_length(prompts):
            batch = [windows[i] for i in members]
            kept, encoded = None, self.encoded.pop(tuple(batch), None)
            if encoded is None:
                kept, encoded = self._encoding_of(batch, previous)
            recent.update((window, (batch, encoded, kept)) for window in batch)
            batch_prompts = [prompts[i] for i in members]
            results = self._search(batch, batch_prompts, encoded, second_look)
            read = self._finish(batch, results, encoded)
            reads.update(zip(members, read, strict=True))
        return [reads[i] for i in range(len(windows))]

    def decode_penalised(
        self, window: Window, prompt: Sequence[int], penalties: Sequence[float]
    ) -> Iterator[DecodedRead]:
        # _kept is held while encoded is read
        _kept, encoded = self._encoding_of([window], getattr(self.recent, "batches", {}))
        for penalty in penalties:
            results = self._generate(encoded, [prompt], self.options.beam_size, penalty)
            (read,) = self._finish([window], results, encoded)
            yield read

    def _search(
        self,
        batch: Sequence[Window],
        prompts: Sequence[Sequence[int]],
        encoded: Any,
        second_look: SecondLook | None,
    ) -> list[Any]:
        """The batch's results by beam search; or greedy, with the reads ``second_look``
        picks searched again by beam on the same encoder output (only their rows), each
        stopped a little past its greedy read's length (:func:`beam_token_limit`) and kept
        where :func:`beam_read_stands`."""
        if second_look is None:
            return self._generate(encoded, prompts, self.options.beam_size, 1.0)
        results = self._generate(encoded, prompts, 1, 1.0)

        def unprompted(index: int) -> DecodedRead:
            _kept, rows = self._rows_of(encoded, batch, [index])  # held while rows is read
            (result,) = self._generate(rows, [()], 1, 1.0)
            return _decoded(self._split(batch[index], result.sequences_ids[0]), result)

        again = [
            index
            for index, (window, prompt, result) in enumerate(
                zip(batch, prompts, results, strict=True)
            )
            if second_look(
                _decoded(self._split(window, result.sequences_ids[0]), result),
                prompt,
                partial(unprompted, index),
            )
        ]
        if again:
            _kept, rows = self._rows_of(encoded, batch, again)  # held while rows is read
            limits = [beam_token_limit(len(results[i].sequences_ids[0])) for i in again]
            searched = self._generate(
                rows,
                [prompts[i] for i in again],
                self.options.beam_size,
                1.0,
                max_new_tokens=max(limits),
            )
            for index, limit, result in zip(again, limits, searched, strict=True):
                tokens = result.sequences_ids[0]
                if beam_read_stands(tokens, limit, timestamp_begin=self.timestamp_begin):
                    results[index] = result
        return results

    def _encoding_of(
        self, batch: Sequence[Window], recent: _Recent
    ) -> tuple[np.ndarray | None, Any]:
        """The batch's encoder output: from the rows ``recent`` holds when it holds them all
        (windows this thread just read, read again), else encoded now. A copy of the rows
        comes first, for the caller to hold while it uses the view on its memory."""
        found = [item for window in batch if (item := recent.get(window)) is not None]
        if not batch or len(found) < len(batch):
            return None, _encode(self.model, self.audio, batch)
        kept = np.concatenate(
            [
                _rows(encoded, [in_batch.index(window)])
                for (in_batch, encoded, _), window in zip(found, batch, strict=True)
            ]
        )
        return kept, ctranslate2.StorageView.from_array(kept)

    def _rows_of(
        self, encoded: Any, batch: Sequence[Window], indices: Sequence[int]
    ) -> tuple[np.ndarray | None, Any]:
        """Some windows' encoder output, for a read of them alone: a copy of their rows
        (returned first, for the caller to hold while it uses the view on its memory). All of
        the batch's rows, in order, are its output as it is: no copy."""
        if list(indices) == list(range(len(batch))):
            return None, encoded
        kept = _rows(encoded, indices)
        return kept, ctranslate2.StorageView.from_array(kept)

    def _generate(
        self,
        encoded: Any,
        prompts: Sequence[Sequence[int]],
        beam_size: int,
        penalty: float,
        *,
        max_new_tokens: int | None = None,
    ) -> list[Any]:
        """``max_new_tokens``: fewer than Whisper's own limit, if given."""
        model, tokenizer = self.model, self.tokenizer
        full = [
            model.get_prompt(tokenizer, list(p), hotwords=self.options.hotwords) for p in prompts
        ]
        return list(
            model.model.generate(
                encoded,
                full,
                beam_size=beam_size,
                patience=1.0,
                length_penalty=1.0,
                max_length=generation_length(
                    max(map(len, full), default=0), max_new_tokens, model.max_length
                ),
                suppress_blank=True,
                suppress_tokens=get_suppressed_tokens(tokenizer, [-1]),
                return_scores=True,
                return_no_speech_prob=True,
                max_initial_timestamp_index=round(MAX_INITIAL_TIMESTAMP_S / TIME_PRECISION_S),
                repetition_penalty=penalty,
                no_repeat_ngram_size=0,
            )
        )

    def _finish(
        self, batch: Sequence[Window], results: Sequence[Any], encoded: Any
    ) -> list[DecodedRead]:
        """The batch's reads cut into segments at timestamp pairs as Whisper does, then
        their words aligned."""
        tokens = [result.sequences_ids[0] for result in results]
        raw = [self._split(window, read) for window, read in zip(batch, tokens, strict=True)]
        if self.options.word_timestamps:
            self._align(batch, raw, encoded)
        return [_decoded(segments, result) for segments, result in zip(raw, results, strict=True)]

    def _align(
        self, batch: Sequence[Window], raw: list[list[dict[str, Any]]], encoded: Any
    ) -> None:
        """Each read's words aligned on its own, so that a word's times are the same
        whichever reads shared its batch (the text already is). Aligned together, they were
        not, twice over: CTranslate2 pads a batch's texts to one length, and a read's
        attention moves with its neighbours' lengths (a word's edge by tens of ms); and
        faster-whisper's guard against an over-long first word after a pause measures the
        pause from the segment it aligned before, in a batch another chain's, anywhere in the
        file (a sentence's first word stretched over 2.7 s of silence in one run and not in
        the next). A read measures it from its window's start, where Whisper, reading a file
        in order, would have stopped before it. Alone costs no time on a CPU (the same walls
        on 20-minute files): each read's rows are copied from its batch's encoder output
        (:func:`_rows`), never encoded again."""
        model = self.model
        if len(batch) > 1:
            encoded = _on_host(encoded)  # from a GPU once for all of its reads
        for index, (window, segments) in enumerate(zip(batch, raw, strict=True)):
            if not segments:
                continue
            # _kept is held while rows is read
            _kept, rows = self._rows_of(encoded, batch, [index])
            window_start_s = segments[0]["seek"] / model.frames_per_second
            model.add_word_timestamps(
                [segments],
                self.tokenizer,
                rows,
                [_frames(window, model)],
                *PUNCTUATIONS,
                window_start_s,
            )

    def _split(self, window: Window, tokens: list[int]) -> list[dict[str, Any]]:
        """The read's segments, as faster-whisper's word alignment wants them."""
        seek = int(window.start_s * self.model.frames_per_second)
        return [
            {
                "seek": seek,
                "start": segment.start_s,
                "end": segment.end_s,
                "tokens": list(segment.tokens),
                "text": self.tokenizer.decode(segment.tokens),
            }
            for segment in split_at_timestamps(
                tokens,
                self.timestamp_begin,
                offset_s=window.start_s,
                window_s=min(window.duration_s, WHISPER_WINDOW_S),
            )
        ]


def _fitted(speech: SpeechMap, audio: Audio) -> SpeechMap:
    """A caller's map, checked against the audio it is said to be of: every plan, judgement
    and word edge reads it frame by frame, so a map of other audio would misplace them all."""
    frames = speech.frames_for(len(audio))
    if len(speech.probabilities) != frames:
        raise ValueError(
            f"a speech map of {len(speech.probabilities)} frames for audio of {frames} frames"
        )
    return speech


def _frames(window: Window, model: WhisperModel) -> int:
    """Feature frames of the window's own audio, as faster-whisper's sequential decoding
    counts them, never more than a full window (a rounding error must not ask for a 3001st
    frame: CTranslate2 reads past the end of its buffer). Not rounded up to whole seconds:
    word alignment then reaches into the padding after a window shorter than 30 s and piles
    there the words it finds no room for (a read's last nine words all at one instant,
    0.9 s past the end of the file, and a cue over no speech)."""
    frames = round(window.duration_s * model.frames_per_second)
    return int(min(frames, model.feature_extractor.nb_max_frames))


def generation_length(prompt_tokens: int, new_tokens: int | None, whisper_limit: int) -> int:
    """CTranslate2's ``max_length`` for a Whisper read of a ``prompt_tokens`` prompt that
    may write ``new_tokens`` (None: as many as Whisper allows, ``whisper_limit`` being its
    448-token context, as faster-whisper passes it). Measured on CTranslate2 4.8.5, a read
    writes at most half of ``max_length`` whatever its prompt, but one shorter than its
    prompt can crash the process (a beam search of a prompted read, given 6). So it is
    never less than the prompt and the new tokens together: the limit is exact for a read
    without earlier text, and up to half the prompt looser for one with it."""
    if new_tokens is None:
        return whisper_limit
    new_tokens = max(1, new_tokens)
    return min(whisper_limit, max(2 * new_tokens, prompt_tokens + new_tokens))


def _decoded(segments: list[dict[str, Any]], result: Any) -> DecodedRead:
    def words(raw: dict[str, Any]) -> tuple[DecodedWord, ...]:
        return tuple(
            DecodedWord(str(w["word"]), float(w["start"]), float(w["end"]), float(w["probability"]))
            for w in raw.get("words") or ()
        )

    def segment(raw: dict[str, Any]) -> DecodedSegment:
        times = float(raw["start"]), float(raw["end"])
        return DecodedSegment(str(raw["text"]), *times, tuple(raw["tokens"]), words(raw))

    tokens = result.sequences_ids[0]
    logprob = result.scores[0] * len(tokens) / (len(tokens) + 1)  # with length penalty 1
    typed = tuple(segment(raw) for raw in segments)
    return DecodedRead(typed, tuple(tokens), float(result.no_speech_prob), logprob)


def _rows(encoded: Any, indices: Sequence[int]) -> np.ndarray:
    """Some rows of an encoder output, as a copy in host memory, for a read of a few of a
    batch's windows (a word alignment, a search again, a retry)."""
    return np.ascontiguousarray(np.asarray(_on_host(encoded))[list(indices)])


def _on_host(encoded: Any) -> Any:
    """An encoder output in host memory, where its rows can be sliced: a GPU's copied, as
    float32 (every compute type's values survive the round trip, and NumPy has no
    bfloat16). A few megabytes a window, where encoding a window again would cost an encoder
    pass; the engine moves what it is given back to its device and type."""
    if encoded.device == "cpu":
        return encoded
    return encoded.to(ctranslate2.DataType.float32).to_device(ctranslate2.Device.cpu)


def _encode(model: WhisperModel, audio: Audio, windows: Sequence[Window]) -> Any:
    """The windows' encoder output, one row each. On a CPU in pieces of
    :data:`CPU_ENCODE_WINDOWS`, joined: see there."""

    def features(window: Window) -> np.ndarray:
        first, stop = round(window.start_s * SAMPLE_RATE), round(window.end_s * SAMPLE_RATE)
        chunk: np.ndarray = pad_or_trim(model.feature_extractor(audio[first:stop])[..., :-1])
        return chunk

    stacked = np.stack([features(window) for window in windows])
    if model.model.device != "cpu" or len(windows) <= CPU_ENCODE_WINDOWS:
        return model.encode(stacked)
    pieces = [
        np.asarray(model.encode(stacked[start : start + CPU_ENCODE_WINDOWS]))
        for start in range(0, len(windows), CPU_ENCODE_WINDOWS)
    ]
    return ctranslate2.StorageView.from_array(np.concatenate(pieces))  # it holds the array
