"""What a read leaves in the transcript, and when a window is read again.

Whisper writes text for anything; jamak keeps only what is worth a subtitle and worth
prompting the next read with (the rules themselves live in :mod:`jamak.asr.hallucinations`
and :mod:`jamak.asr.text`). A read whose text loops is not kept or dropped as it is: the
window is read again with repetition penalised, and the reads after it start afresh. Pure
decisions on typed reads, so every one of them is tested with a fake decoder.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from jamak.asr.decoder import DecodedRead, DecodedSegment, DecodedWord, Decoder
from jamak.asr.hallucinations import Evidence, is_loop, why_invented
from jamak.asr.text import clean_text
from jamak.asr.timestamps import resume_point
from jamak.asr.windows import Window
from jamak.transcript import Segment, Word

log = logging.getLogger(__name__)

# A window whose text loops is read again with the repetition penalised, more each time.
RETRY_REPETITION_PENALTIES = (1.2, 1.5)
# Beyond this, repetition is a decoder loop, not a speaker repeating a phrase.
RUNAWAY_COMPRESSION_RATIO = 3.5


class Heard(Protocol):
    """Where the voice activity detector heard speech (a
    :class:`jamak.asr.speech_map.SpeechMap`); a port, so deciding what to keep needs no
    detector model."""

    def heard_share(self, spans: Sequence[tuple[float, float]], threshold: float) -> float: ...


@dataclass(frozen=True, slots=True)
class Judge:
    """The detector's witness for one file: its frame probabilities and the threshold at
    which a frame counts as speech."""

    heard: Heard
    threshold: float


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one read of a chain leaves: the kept segments, their tokens (for the next read's
    prompt), whether the next read starts afresh (``reset``), and where Whisper stopped early
    (``resume_s``, seconds into the read; ``None`` when it read the window to its end)."""

    segments: tuple[Segment, ...]
    tokens: tuple[int, ...]
    reset: bool = False
    resume_s: float | None = None


def compression_ratio(text: str) -> float:
    """Whisper's measure of repetition: how much better than usual the text compresses."""
    raw = text.encode("utf-8")
    return len(raw) / len(zlib.compress(raw))


def read_compression_ratio(segments: Sequence[DecodedSegment]) -> float:
    """Of a read's whole text, as Whisper measures it: a loop can span many segments."""
    text = "".join(segment.text for segment in segments)
    return compression_ratio(text) if text.strip() else 0.0


def loops(read: DecodedRead) -> bool:
    return is_loop(read_compression_ratio(read.segments))


def settle(
    decoder: Decoder, window: Window, prompt: Sequence[int], read: DecodedRead, judge: Judge
) -> Outcome:
    """A read of ``window`` made into what the chain keeps: read again first if it loops.

    After a read Whisper struggled with, its text is doubtful by that alone (``forced``), and
    the next read starts afresh, as Whisper resets its prompt after a temperature fallback:
    a loop must not spread.
    """
    if not loops(read):
        return _outcome(read, judge, decoder.timestamp_begin)
    retried = _retry(decoder, window, prompt)
    if retried is None:
        return Outcome((), (), reset=True)
    read, looped = retried
    return _outcome(read, judge, decoder.timestamp_begin, forced=True, looped=looped)


def _retry(
    decoder: Decoder, window: Window, prompt: Sequence[int]
) -> tuple[DecodedRead, bool] | None:
    """For a window whose text repeats itself, read it again with repetition penalised
    until it stops; otherwise keep the least repetitive attempt (people do repeat
    themselves; ``True`` then) unless even that is a runaway loop ("4,4,4,4..."): ``None``.
    Whisper samples at rising temperatures here instead; a penalty breaks loops as well and
    keeps the subtitles of a file the same from run to run."""
    attempts: list[DecodedRead] = []
    for attempt in decoder.decode_penalised(window, prompt, RETRY_REPETITION_PENALTIES):
        if not loops(attempt):
            return attempt, False
        attempts.append(attempt)
    best = min(attempts, key=lambda attempt: read_compression_ratio(attempt.segments))
    if read_compression_ratio(best.segments) > RUNAWAY_COMPRESSION_RATIO:
        log.info("dropped a window stuck in a repetition loop at %.1f s", window.start_s)
        return None
    return best, True


def _outcome(
    read: DecodedRead,
    judge: Judge,
    timestamp_begin: int,
    *,
    forced: bool = False,
    looped: bool = False,
) -> Outcome:
    """The segments worth writing (and prompting the next read with): text left after
    cleaning, not a likely invention. ``looped``: the least repetitive of looping attempts,
    accepted as a speaker repeating themselves, so repetition is no evidence against it."""
    kept: list[Segment] = []
    tokens: list[int] = []
    for segment in read.segments:
        text = clean_text(segment.text)
        if not text.strip():
            continue
        reason = why_invented(_evidence(segment, read, judge, forced=forced, looped=looped))
        if reason is None:
            kept.append(_segment(segment, text, read))
            tokens.extend(segment.tokens)
        else:
            log.info("dropped %r: %s", text[:80], reason)
    resume_s = resume_point(read.tokens, timestamp_begin)
    return Outcome(
        tuple(kept),
        tuple(tokens),
        reset=forced,
        resume_s=resume_s if resume_s is not None and resume_s > 0.0 else None,
    )


def _evidence(
    segment: DecodedSegment, read: DecodedRead, judge: Judge, *, forced: bool, looped: bool
) -> Evidence:
    spans = [(word.start_s, word.end_s) for word in segment.words] or [
        (segment.start_s, segment.end_s)
    ]
    probabilities = [word.probability for word in segment.words]
    written = len(segment.text.split())
    return Evidence(
        text=segment.text,
        no_speech_prob=read.no_speech_prob,
        avg_logprob=read.avg_logprob,
        compression_ratio=0.0 if looped else compression_ratio(segment.text),
        heard_share=judge.heard.heard_share(spans, judge.threshold),
        word_probability=sum(probabilities) / len(probabilities) if probabilities else None,
        words_per_second=_words_per_second(written, segment.words),
        word_count=written,
        forced=forced,
    )


def _words_per_second(written: int, aligned: Sequence[DecodedWord]) -> float | None:
    """How fast the ``written`` words (as separated by spaces) were said, over the time
    their ``aligned`` words span; words squeezed into no time at all are said infinitely
    fast. Not the aligned words' own count: for a language written without spaces
    (Chinese, Japanese, Thai) those are Whisper's word pieces, several a syllable."""
    if not aligned:
        return None
    span = aligned[-1].end_s - aligned[0].start_s
    return written / span if span > 0 else float("inf")


def _segment(segment: DecodedSegment, text: str, read: DecodedRead) -> Segment:
    """Words that clean to nothing are left out; the segment spans the words kept."""
    words = tuple(
        Word(word.start_s, word.end_s, cleaned, word.probability)
        for word in segment.words
        if (cleaned := clean_text(word.text)).strip()
    )
    return Segment(
        start_s=words[0].start_s if words else segment.start_s,
        end_s=words[-1].end_s if words else segment.end_s,
        text=text,
        words=words,
        avg_logprob=read.avg_logprob,
        no_speech_prob=read.no_speech_prob,
    )
