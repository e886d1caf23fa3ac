"""What a caller may ask of recognition, one field per line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Task = Literal["transcribe", "translate"]


@dataclass(frozen=True, slots=True)
class RecognitionOptions:
    language: str | None = None  # None: detect from the first speech
    task: Task = "transcribe"  # "translate": any language to English text
    beam_size: int = 5  # the beam of a beam search (1: greedy only)
    # Greedy first, beam search only where the decoder doubts the greedy read: the
    # "balanced" speed, jamak's default (jamak.asr.speed); False: beam search throughout.
    greedy_first: bool = True
    batch_size: int = 8
    word_timestamps: bool = True
    # Word times moved onto the voice the detector and frame energy found (see
    # jamak.asr.word_edges); off gives Whisper's own alignment.
    refine_word_times: bool = True
    initial_prompt: str | None = None  # vocabulary or style to steer the decoder
    hotwords: str | None = None
