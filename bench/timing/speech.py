"""Speech with known word times: espeak-ng through its C library, with its word events.

The command line only writes audio; the library's synthesis callback also reports, for
every word, the sample at which espeak-ng starts speaking it. Those times are exact for the
synthesized audio (no alignment model involved), so they are a ground truth that does not
share Whisper's errors. A word's end is the next word's start (or the sentence's last
audible sample): espeak-ng reports no word ends.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

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
    """One synthesized sentence: samples (float32) and each word's start sample."""

    samples: npt.NDArray[np.float32]
    sample_rate: int
    words: tuple[str, ...]
    starts: tuple[int, ...]


class Voice:
    """espeak-ng's library, initialised once per process (it is not re-entrant)."""

    def __init__(self, voice: str = "en-us", rate_wpm: int = 165) -> None:
        self._lib = ctypes.CDLL("libespeak-ng.so.1")
        self.sample_rate = int(self._lib.espeak_Initialize(_SYNCHRONOUS, 0, None, 0))
        if self.sample_rate <= 0:
            raise RuntimeError("espeak-ng did not initialise")
        self._lib.espeak_SetVoiceByName(voice.encode())
        self._lib.espeak_SetParameter(1, rate_wpm, 0)  # espeakRATE
        self._chunks: list[npt.NDArray[np.int16]] = []
        self._events: list[tuple[int, int, int]] = []  # (text position, length, sample)
        self._done = 0
        self._callback = _CALLBACK(self._receive)
        self._lib.espeak_SetSynthCallback(self._callback)

    def _receive(self, wav: ctypes.Any, count: int, events: ctypes.Any) -> int:
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
        # espeak-ng also reports a "word" for the closing punctuation, after the last sound.
        events = [(raw[p - 1 : p - 1 + n].decode().strip(), s) for p, n, s in self._events]
        events = [(word, sample) for word, sample in events if any(c.isalnum() for c in word)]
        return Spoken(
            samples, self.sample_rate, tuple(w for w, _ in events), tuple(s for _, s in events)
        )
