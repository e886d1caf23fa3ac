"""Read one audio stream as a flow of 16 kHz mono chunks, decoding past damage.

Both public entry points (:func:`jamak.media.decode_audio` for a whole file and
:func:`jamak.media.iter_audio_blocks` for long ones) consume this flow, so the rules for what
counts as damage, where silence is inserted and when a file counts as empty live once, here.

Timing is kept honest: the first chunk is placed where the audio starts relative to the
file's start (an audio track may begin after the video), and a stretch that could not be
decoded becomes silence of the same length, so every later subtitle stays in sync.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
from av.audio.frame import AudioFrame
from av.audio.stream import AudioStream
from av.container import InputContainer

from jamak.errors import CorruptMediaError, EmptyMediaError
from jamak.media.container import (
    container_duration_s,
    container_start_s,
    display_name,
    stream_duration_s,
)
from jamak.media.damage import DamageLog
from jamak.media.resample import SAMPLE_RATE, MonoResampler, Samples

# A timestamp jump smaller than this is encoder rounding, not missing audio.
_GAP_TOLERANCE_S = 0.2
# Without a known duration to check against, a bigger jump is a timestamp reset, not a gap.
_LARGEST_UNCHECKED_GAP_S = 60.0
# Ending this much before the stated duration means the file was cut short (a smaller
# difference is within the error of durations estimated from bit rates).
_SHORTFALL_MIN_S = 1.0
_SHORTFALL_MIN_FRACTION = 0.05
# Silence goes out in pieces of at most this many samples, to keep chunks small.
_SILENCE_PIECE = 30 * SAMPLE_RATE


class AudioReader:
    """Reads one stream of an open container once; ``damage`` is complete when it ends."""

    def __init__(self, container: InputContainer, stream: AudioStream, path: Path) -> None:
        self._container = container
        self._stream = stream
        self._path = path
        self._origin_s = container_start_s(container) or 0.0
        self._timeline_s = container_duration_s(container)
        self._audio_duration_s = _audio_duration_s(container, stream)
        self._written = 0  # samples handed out so far, silence included
        self._decoded = 0  # samples that came from the file itself
        self._leading = 0  # silence before the audio's first sample
        self.damage = DamageLog()

    @property
    def expected_duration_s(self) -> float | None:
        """The best guess, before reading, of how long the output will be."""
        return self._timeline_s or self._audio_duration_s

    def chunks(self) -> Iterator[Samples]:
        """16 kHz mono float32 chunks in order; raises when the stream yields no audio.

        Raises :class:`CorruptMediaError` if damage stopped every sample from decoding and
        :class:`EmptyMediaError` if the stream simply holds none.
        """
        resampler = MonoResampler()
        for frame in self._frames():
            yield from self._silence(self._missing_before(frame))
            for chunk in resampler.convert(frame):
                yield self._count(chunk)
        for chunk in resampler.flush():
            yield self._count(chunk)
        self._check_end()

    def _frames(self) -> Iterator[AudioFrame]:
        packets = self._container.demux(self._stream)
        while True:
            try:
                packet = next(packets)
            except StopIteration:
                return
            except av.error.FFmpegError:
                self.damage.note_stopped(
                    at_s=self._written / SAMPLE_RATE, expected_end_s=self._timeline_s
                )
                return
            try:
                frames = packet.decode()
            except av.error.FFmpegError:
                self.damage.note_undecodable_packet()
                continue
            yield from frames

    def _missing_before(self, frame: AudioFrame) -> int:
        """Samples of silence needed so that ``frame`` starts where its timestamp says."""
        pts, time_base = frame.pts, frame.time_base
        if pts is None or time_base is None:
            return 0
        # Not pts * time_base: rational arithmetic on every frame was a fifth of decoding.
        start_s = pts * time_base.numerator / time_base.denominator - self._origin_s
        missing = round(start_s * SAMPLE_RATE) - self._written
        if missing <= _GAP_TOLERANCE_S * SAMPLE_RATE:
            return 0
        limit_s = self._timeline_s or self._written / SAMPLE_RATE + _LARGEST_UNCHECKED_GAP_S
        if start_s > limit_s + _GAP_TOLERANCE_S:
            return 0  # a timestamp reset or a broken timestamp: trust the samples instead
        if self._decoded == 0:
            self._leading += missing
        else:
            self.damage.note_gap(at_s=self._written / SAMPLE_RATE, missing_s=missing / SAMPLE_RATE)
        return missing

    def _silence(self, samples: int) -> Iterator[Samples]:
        while samples > 0:
            piece = min(samples, _SILENCE_PIECE)
            self._written += piece
            samples -= piece
            yield np.zeros(piece, dtype=np.float32)

    def _count(self, chunk: Samples) -> Samples:
        self._written += chunk.size
        self._decoded += chunk.size
        return chunk

    def _check_end(self) -> None:
        name = display_name(self._path)
        if self._decoded == 0:
            if self.damage.damaged:
                codec = self._stream.codec.canonical_name
                raise CorruptMediaError(
                    f"{name} is damaged: none of its audio could be decoded "
                    f"({codec} audio; the file may be truncated or corrupt)."
                )
            raise EmptyMediaError(f"{name} has an audio track, but it holds no sound at all.")
        expected_s = self._audio_duration_s
        if expected_s is None or self.damage.stopped_at_s is not None:
            return
        audio_end_s = (self._written - self._leading) / SAMPLE_RATE
        shortfall_s = expected_s - audio_end_s
        if shortfall_s > max(_SHORTFALL_MIN_S, _SHORTFALL_MIN_FRACTION * expected_s):
            offset_s = self._leading / SAMPLE_RATE
            self.damage.note_ended_early(
                at_s=self._written / SAMPLE_RATE, expected_end_s=expected_s + offset_s
            )


def _audio_duration_s(container: InputContainer, stream: AudioStream) -> float | None:
    """How long the stream says it lasts, or else how long the whole file says it lasts.

    Matroska and WebM state only the latter; their audio normally spans the whole file.
    """
    own = stream_duration_s(stream)
    return own if own is not None else container_duration_s(container)
