"""What a read leaves in the transcript, and when a window is read again.

Whisper writes text for anything; jamak keeps only what is worth a subtitle and worth
prompting the next read with (the rules themselves live in :mod:`jamak.asr.hallucinations`
and :mod:`jamak.asr.text`). A read whose text loops is not kept or dropped as it is: the
window is read again with repetition penalised, and the reads after it start afresh. A read
that leaves out speech the detector heard is read again without the text before it, as a
prompt can make Whisper skip what it already says (a refrain, a sentence said twice).
Pure decisions on typed reads, so every one of them is tested with a fake decoder.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from jamak.asr.decoder import DecodedRead, DecodedSegment, DecodedWord, Decoder, SecondLook
from jamak.asr.hallucinations import (
    READ_HEARD_SHARE,
    RUNAWAY_COMPRESSION_RATIO,
    Evidence,
    is_loop,
    why_invented,
)
from jamak.asr.text import clean_text
from jamak.asr.timestamps import resume_point
from jamak.asr.windows import Window
from jamak.transcript import Segment, Word

log = logging.getLogger(__name__)

# A window whose text loops is read again with the repetition penalised, more each time.
RETRY_REPETITION_PENALTIES = (1.2, 1.5)
# A read skipped speech when the detector heard at least this much, in the stretch the read
# covered, farther than WORD_REACH_S from every word it wrote: about a short sentence. On
# five 5- to 20-minute recordings and the evaluation clips, reads that skipped nothing left
# at most 2.4 s so; reads that skipped a sentence or a refrain, 6.3 to 11.5 s
# (bench/README.md, "Reads that skip what their prompt says").
SKIPPED_SPEECH_S = 3.0
WORD_REACH_S = 1.0


class Heard(Protocol):
    """Where the voice activity detector heard speech (a
    :class:`jamak.asr.speech_map.SpeechMap`); a port, so deciding what to keep needs no
    detector model."""

    def heard_share(self, spans: Sequence[tuple[float, float]], threshold: float) -> float: ...

    def heard_s(self, spans: Sequence[tuple[float, float]], threshold: float) -> float: ...


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


def loops(read: DecodedRead, judge: Judge) -> bool:
    """Whisper's repetition rule (text that compresses too well), but for what a speaker
    plausibly said again: repeated short of a runaway, where the detector heard speech.
    Read again under penalties, such a read writes worse text than it had (a refrain in
    capitals, words run together, a sentence never said)."""
    return is_loop(read_compression_ratio(read.segments), heard_share(read, judge))


def heard_share(read: DecodedRead, judge: Judge) -> float:
    """The share of the read's written time the detector heard as speech: its words', or
    its segments' where words were not aligned (yet)."""
    spans = [span for segment in read.segments for span in _written_spans(segment)]
    return judge.heard.heard_share(spans, judge.threshold)


def _written_spans(segment: DecodedSegment) -> list[tuple[float, float]]:
    """Where the segment's words were said: each word's time, or the segment's where words
    were not aligned."""
    return [(word.start_s, word.end_s) for word in segment.words] or [
        (segment.start_s, segment.end_s)
    ]


def settle(
    decoder: Decoder,
    window: Window,
    prompt: Sequence[int],
    read: DecodedRead,
    judge: Judge,
    *,
    fresh_prompt: Sequence[int] | None = None,
    second_look: SecondLook | None = None,
) -> Outcome:
    """A read of ``window`` made into what the chain keeps: read again first if it loops.

    After a read Whisper struggled with, its text is doubtful by that alone (``forced``), and
    the next read starts afresh, as Whisper resets its prompt after a temperature fallback:
    a loop must not spread.

    A read that skipped speech (:func:`unwritten_s`) is read again with ``fresh_prompt``
    (the prompt without the chain's earlier text; ``None`` when it had none), decoded as
    every read is (``second_look``). Whisper conditioned on text it just wrote passes over
    audio that says it again, and goes on doing so while the prompt holds it. The read
    again is kept if it writes at least half of what the first one left out, and the next
    read then starts afresh too; otherwise the first read stands (the detector heard
    something Whisper has no words for: a cough, music).
    """
    settled, outcome = _settled(decoder, window, prompt, read, judge)
    if fresh_prompt is None or settled is None:
        return outcome
    skipped_s = unwritten_s(settled, window, outcome.resume_s, judge)
    if skipped_s < SKIPPED_SPEECH_S:
        return outcome
    again = decoder.decode([window], [fresh_prompt], second_look=second_look)[0]
    resettled, fresh = _settled(decoder, window, fresh_prompt, again, judge)
    if resettled is None or unwritten_s(resettled, window, fresh.resume_s, judge) > skipped_s / 2:
        return outcome
    log.info(
        "read %.1f s again without the text before it: %.1f s of speech left out",
        window.start_s,
        skipped_s,
    )
    return replace(fresh, reset=True)


def unwritten_s(read: DecodedRead, window: Window, resume_s: float | None, judge: Judge) -> float:
    """Seconds of speech the detector heard, from the window's start to where the read
    stopped (``resume_s``; None: its end), farther than ``WORD_REACH_S`` from every word
    the read wrote (or segment, where words were not aligned)."""
    end_s = window.end_s if resume_s is None else window.start_s + resume_s
    written = sorted(
        (start_s - WORD_REACH_S, stop_s + WORD_REACH_S)
        for segment in read.segments
        for start_s, stop_s in _written_spans(segment)
    )
    gaps: list[tuple[float, float]] = []
    at_s = window.start_s
    for start_s, stop_s in written:
        if start_s > at_s:
            gaps.append((at_s, min(start_s, end_s)))
        at_s = max(at_s, stop_s)
    gaps.append((at_s, end_s))
    return judge.heard.heard_s([gap for gap in gaps if gap[1] > gap[0]], judge.threshold)


def _settled(
    decoder: Decoder, window: Window, prompt: Sequence[int], read: DecodedRead, judge: Judge
) -> tuple[DecodedRead | None, Outcome]:
    """The outcome, and the read it was made of (None: a runaway loop, nothing kept)."""
    if not loops(read, judge):
        return read, _outcome(read, judge, decoder.timestamp_begin)
    retried = _retry(decoder, window, prompt, judge)
    if retried is None:
        return None, Outcome((), (), reset=True)
    read, looped = retried
    return read, _outcome(read, judge, decoder.timestamp_begin, forced=True, looped=looped)


def _retry(
    decoder: Decoder, window: Window, prompt: Sequence[int], judge: Judge
) -> tuple[DecodedRead, bool] | None:
    """For a window whose text repeats itself, read it again with repetition penalised
    until it stops; otherwise keep the least repetitive attempt (people do repeat
    themselves; ``True`` then) unless even that is a runaway loop ("4,4,4,4..."): ``None``.
    Whisper samples at rising temperatures here instead; a penalty breaks loops as well and
    keeps the subtitles of a file the same from run to run."""
    attempts: list[DecodedRead] = []
    for attempt in decoder.decode_penalised(window, prompt, RETRY_REPETITION_PENALTIES):
        if not loops(attempt, judge):
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
    shares = [
        judge.heard.heard_share(_written_spans(segment), judge.threshold)
        for segment in read.segments
    ]
    read_heard = max(shares, default=0.0) >= READ_HEARD_SHARE
    for segment, heard in zip(read.segments, shares, strict=True):
        text = clean_text(segment.text)
        if not text.strip():
            continue
        evidence = _evidence(
            segment, read, heard, forced=forced, looped=looped, read_heard=read_heard
        )
        reason = why_invented(evidence)
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
    segment: DecodedSegment,
    read: DecodedRead,
    heard_share: float,
    *,
    forced: bool,
    looped: bool,
    read_heard: bool,
) -> Evidence:
    probabilities = [word.probability for word in segment.words]
    written = len(segment.text.split())
    return Evidence(
        text=segment.text,
        no_speech_prob=read.no_speech_prob,
        avg_logprob=read.avg_logprob,
        compression_ratio=0.0 if looped else compression_ratio(segment.text),
        heard_share=heard_share,
        word_probability=sum(probabilities) / len(probabilities) if probabilities else None,
        words_per_second=_words_per_second(written, segment.words),
        word_count=written,
        forced=forced,
        read_heard=read_heard,
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
