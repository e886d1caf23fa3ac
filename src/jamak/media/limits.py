"""What a file may declare before jamak refuses to decode it: length, streams, rates.

Decoding costs time and memory in proportion to what a header says (a WAV header can claim
days of audio in a few bytes, a Matroska file thousands of streams), so these limits are
checked on the opened container before a single packet is decoded, and the duration limit
once more while decoding, for files whose header says nothing or lies low.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from av.container import InputContainer

from jamak.errors import MediaLimitError
from jamak.media.container import container_duration_s, display_name, stream_duration_s
from jamak.media.damage import clock

# Six hours covers the longest lectures, hearings and films people subtitle; beyond that
# the decoded samples alone (16 kHz float32) pass a gigabyte and a half.
DEFAULT_MAX_DURATION_S = 6 * 60 * 60.0
# Real recordings have a handful of streams (a film: a few audio languages, subtitles).
DEFAULT_MAX_STREAMS = 64
# 384 kHz is the highest rate any studio converter records; above it is a forged header.
DEFAULT_MAX_SAMPLE_RATE = 384_000
# 22.2 surround is 24 channels; 64 leaves room for ambisonics and multitrack field recorders.
DEFAULT_MAX_CHANNELS = 64


@dataclass(frozen=True, slots=True)
class MediaLimits:
    """The most a file may declare; ``max_duration_s`` is a deployment setting."""

    max_duration_s: float = DEFAULT_MAX_DURATION_S
    max_streams: int = DEFAULT_MAX_STREAMS
    max_sample_rate: int = DEFAULT_MAX_SAMPLE_RATE
    max_channels: int = DEFAULT_MAX_CHANNELS


def check_container(container: InputContainer, path: Path, limits: MediaLimits) -> None:
    """Raise :class:`MediaLimitError` if the opened file declares more than ``limits`` allow.

    Reads headers only, so a file claiming a hundred hours fails in milliseconds."""
    name = display_name(path)
    count = len(container.streams)
    if count > limits.max_streams:
        raise MediaLimitError(
            f"{name} has {count} streams; jamak reads files with at most "
            f"{limits.max_streams}, so it was not decoded (real recordings have a few)."
        )
    for stream in container.streams.audio:
        _check_stream_format(name, stream.codec_context.sample_rate, stream.channels, limits)
    durations = [container_duration_s(container)]
    durations += [stream_duration_s(stream) for stream in container.streams.audio]
    longest = max((d for d in durations if d is not None), default=None)
    if longest is not None:
        check_duration(path, longest, limits)


def check_duration(path: Path, duration_s: float, limits: MediaLimits) -> None:
    """Raise :class:`MediaLimitError` if ``duration_s`` is over the duration limit."""
    if duration_s > limits.max_duration_s:
        raise MediaLimitError(
            f"{display_name(path)} lasts {clock(duration_s)} (or says it does); this server "
            f"transcribes files up to {clock(limits.max_duration_s)}. Cut it into shorter "
            "parts and upload those."
        )


def longer_than_declared(path: Path, limits: MediaLimits) -> MediaLimitError:
    """The error for a file found, while decoding, to run past the duration limit."""
    return MediaLimitError(
        f"{display_name(path)} goes on past {clock(limits.max_duration_s)}, the longest this "
        "server transcribes (its header said it was shorter, or said nothing). Cut it into "
        "shorter parts and upload those."
    )


def _check_stream_format(name: str, sample_rate: int, channels: int, limits: MediaLimits) -> None:
    if sample_rate > limits.max_sample_rate:
        raise MediaLimitError(
            f"{name} says its audio has {sample_rate:,} samples a second; no recording has "
            f"more than {limits.max_sample_rate:,}, so the file is damaged or forged."
        )
    if channels > limits.max_channels:
        raise MediaLimitError(
            f"{name} says its audio has {channels} channels; jamak reads at most "
            f"{limits.max_channels}, so the file is damaged or forged."
        )
