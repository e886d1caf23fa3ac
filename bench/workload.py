"""What every system is given: the same media files, decoded once, up front.

The faster-whisper anchors take decoded samples, not files, so each file is decoded here, with
jamak's own decoder, and saved as a ``.npy`` array beside the others. That way both anchors
see exactly the samples jamak recognises, and decoding is timed once (``decode_s``) instead
of inside the anchors' runs. jamak's CLI and service take the media files themselves and
decode inside their own timing.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from jamak.media import decode_audio


@dataclass(frozen=True, slots=True)
class Item:
    name: str
    media_path: Path  # what jamak is given
    audio_path: Path  # the decoded 16 kHz mono float32 samples (.npy) the anchors are given
    duration_s: float


@dataclass(frozen=True, slots=True)
class Workload:
    name: str
    items: tuple[Item, ...]
    decode_s: float  # wall time spent decoding every item once

    @property
    def audio_s(self) -> float:
        return sum(item.duration_s for item in self.items)


def prepare(name: str, media: Sequence[tuple[str, Path]], folder: Path) -> Workload:
    """Decode each ``(item name, media file)`` into ``folder`` and describe the result."""
    folder.mkdir(parents=True, exist_ok=True)
    items = []
    started = time.perf_counter()
    for item_name, media_path in media:
        decoded = decode_audio(media_path)
        audio_path = folder / f"{item_name}.npy"
        np.save(audio_path, decoded.samples)
        items.append(Item(item_name, media_path, audio_path, decoded.duration_s))
    return Workload(name, tuple(items), time.perf_counter() - started)
