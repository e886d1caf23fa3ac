"""The port between jamak's reading design and a Whisper engine: what one read gives back.

jamak decides which windows are read, with which prompt, and what becomes of the text
(:mod:`jamak.asr.reading`, :mod:`jamak.asr.keeping`); an engine only runs Whisper on them.
The line between the two is drawn where openai/whisper draws its ``Inference`` interface:
the scheduler hands over windows and token prompts and gets back typed reads, never an
engine's own objects, so the whole reading design runs and is tested without a model, and
an engine can change (or be faked) without touching it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from jamak.asr.windows import Window


@dataclass(frozen=True, slots=True)
class DecodedWord:
    """A word as the engine aligned it, its text as Whisper wrote it (not yet cleaned)."""

    text: str
    start_s: float
    end_s: float
    probability: float


@dataclass(frozen=True, slots=True)
class DecodedSegment:
    """One complete ``<|t0|> text <|t1|>`` segment of a read, times from the file's start.

    ``tokens`` are the segment's own, timestamps included: kept text is the next read's
    prompt. Where words were aligned, the engine has already moved the segment's times to
    its words', as Whisper does.
    """

    text: str
    start_s: float
    end_s: float
    tokens: tuple[int, ...]
    words: tuple[DecodedWord, ...] = ()


@dataclass(frozen=True, slots=True)
class DecodedRead:
    """All the engine says about one window read once.

    ``tokens`` is everything read, an unfinished last segment included: its timestamps say
    where to go on reading, though it is no segment. The two scores are the decoder's for
    the whole read, as Whisper reports them per 30-second window.
    """

    segments: tuple[DecodedSegment, ...]
    tokens: tuple[int, ...]
    no_speech_prob: float
    avg_logprob: float


# Picks the greedy reads worth a beam search (jamak.asr.doubt): only what a read says of
# itself, so the choice never depends on what else shares its batch.
# Given the read, the prompt it was conditioned on, and a way to read the same window
# greedily with no prompt at all (called only when the choice needs it: it costs a read).
Unprompted = Callable[[], DecodedRead]
SecondLook = Callable[[DecodedRead, Sequence[int], Unprompted], bool]


class Decoder(Protocol):
    """A Whisper engine bound to one file, its language and task, and its decoding options.

    The reading design depends on nothing else: how the audio becomes features, whether an
    encoder output is reused, how a batch is split for the engine's own limits, all stay
    behind this port.
    """

    @property
    def timestamp_begin(self) -> int:
        """The first timestamp token (``<|0.00|>``): tokens from it on are times."""
        ...

    def decode(
        self,
        windows: Sequence[Window],
        prompts: Sequence[Sequence[int]],
        *,
        second_look: SecondLook | None = None,
    ) -> list[DecodedRead]:
        """Each window read once with timestamps, conditioned on its own prompt (earlier text
        as tokens); one read per window, in order. By the engine's beam search; or, given
        ``second_look``, greedily first, and the greedy reads it picks searched again by
        beam (the engine reuses their encoding) before anything is returned."""
        ...

    def decode_penalised(
        self, window: Window, prompt: Sequence[int], penalties: Sequence[float]
    ) -> Iterator[DecodedRead]:
        """The window read again under each repetition penalty in turn, lazily: the caller
        stops asking once an attempt is good, and each attempt costs a decode. The attempts
        are one session: the window is encoded once, and word alignment of an attempt goes
        on from the one before it."""
        ...
