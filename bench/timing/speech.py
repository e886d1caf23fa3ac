"""Speech with known word times: espeak-ng through its C library, with its word events.

The command line only writes audio; the library's synthesis callback also reports, for
every word, the sample at which espeak-ng starts speaking it. Those times are exact for the
synthesized audio (no alignment model involved), so they are a ground truth that does not
share Whisper's errors. A word's end is the next word's start (or the sentence's last
audible sample): espeak-ng reports no word ends.

Event positions count characters of the text (not bytes: Korean is three bytes a
character in UTF-8). espeak-ng speaks some words joined to a neighbour with one event for
both (English "on the"; Korean often, e.g. "날씨가 좋아서" or "저는 매일"): the event
belongs to the word at its position, and the other word has no start of its own (None).
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

_SYNCHRONOUS = 2  # AUDIO_OUTPUT_SYNCHRONOUS
_WORD_EVENT = 1
_LIST_TERMINATED = 0
_CHARS_UTF8 = 1
_POS_CHARACTER = 1


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_char * 8),
    ]


_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


@dataclass(frozen=True, slots=True)
class Spoken:
    """One synthesized sentence: samples (float32), its words (the text split on spaces)
    and each word's start sample, None for a word spoken joined to another."""

    samples: npt.NDArray[np.float32]
    sample_rate: int
    words: tuple[str, ...]
    starts: tuple[int | None, ...]


class Voice:
    """espeak-ng's library, initialised once per process (it is not re-entrant)."""

    def __init__(self, voice: str = "en-us", rate_wpm: int = 165) -> None:
        self._lib = ctypes.CDLL("libespeak-ng.so.1")
        self.sample_rate = int(self._lib.espeak_Initialize(_SYNCHRONOUS, 0, None, 0))
        if self.sample_rate <= 0:
            raise RuntimeError("espeak-ng did not initialise")
        if self._lib.espeak_SetVoiceByName(voice.encode()) != 0:  # it would keep the last
            raise ValueError(f"espeak-ng has no voice {voice!r}")
        self._lib.espeak_SetParameter(1, rate_wpm, 0)  # espeakRATE
        self._chunks: list[npt.NDArray[np.int16]] = []
        self._events: list[tuple[int, int, int]] = []  # (text position, length, sample)
        self._done = 0
        self._callback = _CALLBACK(self._receive)
        self._lib.espeak_SetSynthCallback(self._callback)

    def _receive(self, wav: Any, count: int, events: Any) -> int:
        if count > 0 and wav:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        index = 0
        while events[index].type != _LIST_TERMINATED:
            event = events[index]
            if event.type == _WORD_EVENT:
                self._events.append((event.text_position, event.length, event.sample))
            index += 1
        return 0

    def say(self, text: str) -> Spoken:
        self._chunks, self._events = [], []
        raw = text.encode()
        self._lib.espeak_Synth(raw, len(raw) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
        self._lib.espeak_Synchronize()
        pcm = np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.int16)
        samples = (pcm.astype(np.float32) / 32768.0).astype(np.float32)
        return Spoken(samples, self.sample_rate, *_word_starts(text, self._events))


def _word_starts(
    text: str, events: list[tuple[int, int, int]]
) -> tuple[tuple[str, ...], tuple[int | None, ...]]:
    """The text's words (split on spaces) and the sample of each one's event, by the
    event's character position (1-based); the first event inside a word is its own."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    starts: list[int | None] = [None] * len(spans)
    for position, length, sample in events:
        # espeak-ng also reports a "word" for the closing punctuation, after the last sound.
        if not any(c.isalnum() for c in text[position - 1 : position - 1 + length]):
            continue
        index = next((k for k, (a, b) in enumerate(spans) if a <= position - 1 < b), None)
        if index is not None and starts[index] is None:
            starts[index] = sample
    return tuple(text[a:b] for a, b in spans), tuple(starts)
