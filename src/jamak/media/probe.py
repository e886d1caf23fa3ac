"""Look inside a media file without decoding it: format, length, audio streams, video.

Cheap enough to run on every upload, so the API and CLI can refuse a file or ask which audio
track to use before any transcription work starts.
"""

from __future__ import annotations

import os
from pathlib import Path

from av.audio.stream import AudioStream
from av.container import InputContainer
from av.stream import Disposition
from av.video.stream import VideoStream

from jamak.media.container import container_duration_s, open_input, stream_duration_s
from jamak.media.info import AudioStreamInfo, MediaInfo

_UNDETERMINED_LANGUAGE = "und"


def probe(path: str | os.PathLike[str]) -> MediaInfo:
    """Describe ``path``; raises the same errors as opening it for decoding would.

    A video without audio is described, not refused: ``audio_streams`` is then empty.
    """
    with open_input(Path(path)) as container:
        return MediaInfo(
            format_name=container.format.name,
            duration_s=container_duration_s(container),
            audio_streams=tuple(
                _audio_stream_info(index, stream)
                for index, stream in enumerate(container.streams.audio)
            ),
            has_video=_has_video(container),
            frame_rate=_frame_rate(container),
        )


def _audio_stream_info(index: int, stream: AudioStream) -> AudioStreamInfo:
    language = stream.language
    return AudioStreamInfo(
        index=index,
        codec=stream.codec.canonical_name,
        sample_rate=stream.codec_context.sample_rate,
        channels=stream.codec_context.channels,
        duration_s=stream_duration_s(stream),
        language=None if language in (None, "", _UNDETERMINED_LANGUAGE) else language,
    )


def _pictures(container: InputContainer) -> list[VideoStream]:
    # Cover art in an MP3, FLAC or Ogg file is a one-picture "video" stream; it is not video.
    return [s for s in container.streams.video if not s.disposition & Disposition.attached_pic]


def _has_video(container: InputContainer) -> bool:
    return bool(_pictures(container))


def _frame_rate(container: InputContainer) -> float | None:
    """The first picture stream's average frame rate (its nominal one when the average is
    unknown); None when neither is a sensible number."""
    for stream in _pictures(container):
        for rate in (stream.average_rate, stream.guessed_rate, stream.base_rate):
            if rate is not None and rate.denominator and 1 <= float(rate) <= 300:
                return float(rate)
    return None
