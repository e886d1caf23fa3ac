"""A fake Whisper engine for the reading design: a file is a list of words at known times.

It reads a window as Whisper does in the ways the scheduler relies on: timestamp tokens
relative to the window (``<|t|>`` = ``TIMESTAMP_BEGIN + t / 0.02``), one segment per word,
a single closing timestamp when it finished the window, and an unfinished last segment
(opening timestamp and text, no close) when it stopped early: at a word running past the
window's end, or at one past ``reach_s`` seconds into the window (never before its
first word).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial

from jamak.asr.decoder import DecodedRead, DecodedSegment, DecodedWord, SecondLook
from jamak.asr.timestamps import TIME_PRECISION_S
from jamak.asr.windows import Window

TIMESTAMP_BEGIN = 50_000
WORD_S = 0.3


@dataclass(frozen=True, slots=True)
class SpokenWord:
    token: int  # the word's one token, below TIMESTAMP_BEGIN
    start_s: float

    @property
    def end_s(self) -> float:
        return self.start_s + WORD_S

    @property
    def text(self) -> str:
        return f" w{self.token}"


def timestamp(seconds: float) -> int:
    return TIMESTAMP_BEGIN + round(seconds / TIME_PRECISION_S)


def read_words(
    window: Window, words: Sequence[SpokenWord], *, reach_s: float = 30.0
) -> DecodedRead:
    """What Whisper would write for ``window`` of a file holding ``words``."""
    inside = [w for w in words if window.start_s <= w.start_s < window.end_s]
    tokens: list[int] = []
    segments: list[DecodedSegment] = []
    for word in inside:
        within_reach = not segments or word.end_s - window.start_s <= reach_s
        fits = word.end_s <= window.end_s and within_reach
        opening = timestamp(word.start_s - window.start_s)
        if not fits and segments:  # stop early: an unfinished segment says where
            tokens += [opening, word.token]
            break
        if not fits:
            break
        closing = timestamp(word.end_s - window.start_s)
        tokens += [opening, word.token, closing]
        spoken = DecodedWord(word.text, word.start_s, word.end_s, 0.9)
        segments.append(
            DecodedSegment(
                word.text, word.start_s, word.end_s, (opening, word.token, closing), (spoken,)
            )
        )
    return DecodedRead(tuple(segments), tuple(tokens), no_speech_prob=0.01, avg_logprob=-0.2)


Script = Callable[[Window, Sequence[int], float], DecodedRead]


@dataclass
class FakeDecoder:
    """Reads with ``script`` (window, prompt, repetition penalty) and records every call;
    a read searched again after a greedy one (``second_look``) is ``searched``'s, when
    given: a fake's beam search may write something else."""

    script: Script
    timestamp_begin: int = TIMESTAMP_BEGIN
    calls: list[tuple[tuple[Window, ...], tuple[tuple[int, ...], ...]]] = field(
        default_factory=list
    )
    penalties: list[float] = field(default_factory=list)
    looked_again: list[Window] = field(default_factory=list)
    searched: Script | None = None

    def decode(
        self,
        windows: Sequence[Window],
        prompts: Sequence[Sequence[int]],
        *,
        second_look: SecondLook | None = None,
    ) -> list[DecodedRead]:
        self.calls.append((tuple(windows), tuple(tuple(p) for p in prompts)))
        reads = [self.script(w, p, 1.0) for w, p in zip(windows, prompts, strict=True)]
        if second_look is None:
            return reads
        search = self.searched or self.script
        for index, (window, prompt) in enumerate(zip(windows, prompts, strict=True)):
            unprompted = partial(self._unprompted, window)
            if second_look(reads[index], prompt, unprompted):
                self.looked_again.append(window)
                reads[index] = search(window, prompt, 1.0)
        return reads

    def _unprompted(self, window: Window) -> DecodedRead:
        return self.script(window, (), 1.0)

    def decode_penalised(
        self, window: Window, prompt: Sequence[int], penalties: Sequence[float]
    ) -> Iterator[DecodedRead]:
        for penalty in penalties:
            self.penalties.append(penalty)
            yield self.script(window, prompt, penalty)


class HeardEverywhere:
    def heard_share(self, spans: Sequence[tuple[float, float]], threshold: float) -> float:
        return 1.0

    def heard_s(self, spans: Sequence[tuple[float, float]], threshold: float) -> float:
        return sum(end_s - start_s for start_s, end_s in spans)


class HeardNowhere:
    def heard_share(self, spans: Sequence[tuple[float, float]], threshold: float) -> float:
        return 0.0

    def heard_s(self, spans: Sequence[tuple[float, float]], threshold: float) -> float:
        return 0.0
