"""Any audio or video file to the 16 kHz mono float32 samples Whisper listens to.

Two ways in: :func:`decode_audio` returns the whole file as one array (what the pipeline
feeds the recogniser), :func:`iter_audio_blocks` hands out fixed-length blocks for callers
that can work piece by piece. Both read the file once, stream it through the resampler and
keep memory to the size of their output.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from jamak.media.buffer import SampleBuffer
from jamak.media.container import open_input, select_audio_stream
from jamak.media.limits import MediaLimits, check_container, longer_than_declared
from jamak.media.reader import AudioReader
from jamak.media.resample import SAMPLE_RATE, Samples

logger = logging.getLogger(__name__)

# Room reserved up front when a file does not state its length.
_UNKNOWN_LENGTH_GUESS_S = 10 * 60
_ROOM_OVER_STATED = 1.05


@dataclass(frozen=True, slots=True, eq=False)
class DecodedAudio:
    samples: Samples  # 16 kHz mono float32 in [-1, 1]; index / 16000 = seconds from file start
    duration_s: float  # len(samples) / 16000
    skipped_s: float  # seconds that could not be decoded (silence in gaps, a missing end)
    warnings: tuple[str, ...]  # what was damaged and where, in words for the user

    sample_rate: int = SAMPLE_RATE


def decode_audio(
    path: str | os.PathLike[str],
    *,
    stream_index: int | None = None,
    limits: MediaLimits | None = None,
) -> DecodedAudio:
    """Decode one audio stream of ``path`` completely, downmixed to mono and resampled.

    ``stream_index`` counts audio streams only (0 is the first audio stream, however many
    video streams precede it), matching :attr:`jamak.media.AudioStreamInfo.index`; None means
    the first. Damage part-way through does not fail the call: what decodes is returned, and
    ``warnings`` / ``skipped_s`` say what was lost.

    Raises :class:`jamak.errors.NotMediaError`, :class:`~jamak.errors.NoAudioStreamError`,
    :class:`~jamak.errors.EmptyMediaError` or :class:`~jamak.errors.CorruptMediaError`, and
    their base :class:`~jamak.errors.MediaError` for a path that is missing or unreadable.
    A file beyond ``limits`` (the defaults of :class:`MediaLimits` if None) raises
    :class:`~jamak.errors.MediaLimitError`, before decoding when its headers say so.
    """
    path, limits = Path(path), limits or MediaLimits()
    # The most samples kept: a header may say nothing, or lie low, about the file's length.
    most_samples = math.ceil(limits.max_duration_s * SAMPLE_RATE)
    with open_input(path) as container:
        check_container(container, path, limits)
        reader = AudioReader(container, select_audio_stream(container, path, stream_index), path)
        buffer = SampleBuffer(_reservation(reader.expected_duration_s, limits.max_duration_s))
        for chunk in reader.chunks():
            buffer.extend(chunk)
            if len(buffer) > most_samples:
                raise longer_than_declared(path, limits)
    samples = buffer.finish()
    warnings = reader.damage.warnings()
    _log_warnings(path, warnings)
    return DecodedAudio(
        samples=samples,
        duration_s=samples.size / SAMPLE_RATE,
        skipped_s=reader.damage.skipped_s,
        warnings=warnings,
    )


def iter_audio_blocks(
    path: str | os.PathLike[str], *, block_s: float = 30.0, stream_index: int | None = None
) -> Iterator[Samples]:
    """Consecutive blocks of ``block_s`` seconds (the last one shorter) of 16 kHz mono audio.

    For files too long to hold at once. ``block_s`` is checked at once (ValueError); the file
    is opened on the first ``next()``, which is also when errors about the file itself are
    raised (the same ones as :func:`decode_audio`). Warnings about damage are logged, since
    there is no result object to carry them. Each block is a new array the caller may keep.
    """
    if block_s <= 0:
        raise ValueError(f"block_s must be positive, got {block_s}")
    return _blocks(Path(path), max(1, round(block_s * SAMPLE_RATE)), stream_index)


def _blocks(path: Path, block_size: int, stream_index: int | None) -> Iterator[Samples]:
    with open_input(path) as container:
        reader = AudioReader(container, select_audio_stream(container, path, stream_index), path)
        yield from _regroup(reader.chunks(), block_size)
    _log_warnings(path, reader.damage.warnings())


def _regroup(chunks: Iterator[Samples], block_size: int) -> Iterator[Samples]:
    """Cut a flow of chunks of any length into blocks of ``block_size`` (the last shorter)."""
    block = np.empty(block_size, dtype=np.float32)
    filled = 0
    for chunk in chunks:
        start = 0
        while start < chunk.size:
            taken = min(block_size - filled, chunk.size - start)
            block[filled : filled + taken] = chunk[start : start + taken]
            filled += taken
            start += taken
            if filled == block_size:
                yield block
                block = np.empty(block_size, dtype=np.float32)
                filled = 0
    if filled:
        yield block[:filled].copy()


def _reservation(expected_duration_s: float | None, most_s: float) -> int:
    """Room for the length the file states, up to the most this deployment decodes (a header
    claiming more was refused already). Reserving is nearly free (see jamak.media.buffer);
    growing is not where the process keeps what it frees (jamak.asr.heap): the grown array
    is a copy, and the old one stays resident. A 3-hour file reserved for three hours
    exactly, grown by 40 s, held 1.7 GB instead of 0.7 after decoding. So the room is a
    twentieth over the stated length: a header's length is an estimate (a variable-bitrate
    MP3's from its first frames), and a decode runs a few seconds past it."""
    seconds = expected_duration_s or _UNKNOWN_LENGTH_GUESS_S
    return math.ceil(min(seconds * _ROOM_OVER_STATED + 1.0, most_s + 1.0) * SAMPLE_RATE)


def _log_warnings(path: Path, warnings: tuple[str, ...]) -> None:
    for warning in warnings:
        logger.warning("%s: %s", path.name, warning)
