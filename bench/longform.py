"""One long recording made from the clips, for long-form speed and memory.

Short clips say little about an hour-long lecture: there, batching across 30-second windows
and holding the whole decoded file in memory are what matter. The clips are joined (with a
second of silence between them, as between takes) and cycled until the target length, then
written as MP3, so every system also pays for decoding a compressed file of that length.
The reference is the clips' references in the same order, so the long file gets a WER too.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

from bench.corpus import NON_SPEECH, Clip
from bench.workload import Workload
from jamak.media import SAMPLE_RATE

GAP_S = 1.0
MP3_BIT_RATE = 64_000
_BLOCK = SAMPLE_RATE * 10  # samples handed to the encoder at a time

Samples = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class LongRecording:
    path: Path
    duration_s: float
    reference: str
    language: str
    clip_count: int  # clips joined, counting repeats


def build(
    clips: Sequence[Clip], decoded: Workload, *, target_s: float, path: Path
) -> LongRecording:
    """Join scored clips of one speech language and the non-speech clips into ``path``."""
    language, chosen = _one_language(clips)
    if not chosen:
        raise ValueError("no scored clips to build a long recording from")
    audio_by_name = {item.name: item.audio_path for item in decoded.items}
    gap = np.zeros(round(GAP_S * SAMPLE_RATE), dtype=np.float32)
    pieces: list[Samples] = []
    references: list[str] = []
    length = 0
    for clip in itertools.cycle(chosen):
        if length >= target_s * SAMPLE_RATE:
            break
        samples: Samples = np.load(audio_by_name[clip.name])
        pieces += [samples, gap]
        references.append(clip.reference)
        length += samples.size + gap.size
    write_mp3(np.concatenate(pieces), path)
    reference = " ".join(text for text in references if text)
    return LongRecording(path, length / SAMPLE_RATE, reference, language, len(references))


def _one_language(clips: Sequence[Clip]) -> tuple[str, list[Clip]]:
    """A WER needs one language: the first speech language's scored clips, plus non-speech."""
    speech = [clip for clip in clips if clip.is_speech and clip.reference_verified]
    language = speech[0].language if speech else NON_SPEECH
    kept = [clip for clip in clips if clip.scored and clip.language in (language, NON_SPEECH)]
    return language, kept


def write_mp3(samples: Samples, path: Path) -> None:
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libmp3lame", rate=SAMPLE_RATE, layout="mono")
        stream.bit_rate = MP3_BIT_RATE
        for start in range(0, samples.size, _BLOCK):
            block = samples[np.newaxis, start : start + _BLOCK]
            frame = av.AudioFrame.from_ndarray(block, format="fltp", layout="mono")
            frame.sample_rate = SAMPLE_RATE
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
