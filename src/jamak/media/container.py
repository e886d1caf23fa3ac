"""Open a file with PyAV and turn every way that can fail into a jamak error.

The one place that knows how FFmpeg reports a bad input. Whatever comes out of
:func:`open_input` is an open container of a real audio or video format, and
:func:`select_audio_stream` either finds the audio stream asked for or says, in words a user
understands, why there is none.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import av
from av.audio.stream import AudioStream
from av.container import InputContainer
from av.stream import Stream

from jamak.errors import (
    CorruptMediaError,
    EmptyMediaError,
    MediaError,
    NoAudioStreamError,
    NotMediaError,
)
from jamak.media.signature import HEAD_BYTES, Signature, identify

# Demuxers FFmpeg offers for things that are not recordings: still images and text shown as
# ANSI art. FFmpeg happily "opens" a PNG as a one-frame video, so they are refused by name.
_NOT_MEDIA_FORMATS = frozenset({"image2", "image2pipe", "tty", "bin", "adf", "idf", "xbin"})
_IMAGE_FORMAT_SUFFIX = "_pipe"  # png_pipe, jpeg_pipe, webp_pipe, ...


def display_name(path: Path) -> str:
    """How messages name a file: its name, quoted, without the folders around it."""
    return f"'{path.name}'"


@contextmanager
def open_input(path: Path) -> Iterator[InputContainer]:
    """Open ``path`` for reading; raises :class:`MediaError` subclasses, never PyAV's.

    PyAV errors raised while the container is in use (decoding, not just opening) also
    leave this block as :class:`CorruptMediaError`.
    """
    signature = identify(_read_head(path))
    if signature is not None and not signature.is_media:
        # Text, pictures and documents never reach FFmpeg, which would read some of them
        # (playlists, subtitles, images) as something else.
        raise NotMediaError(_not_media_message(path, signature.description))
    try:
        # "file:" keeps FFmpeg from reading a name like "concat:a|b" as a protocol, and the
        # whitelist keeps a playlist inside a file from reaching out to the network. Links
        # are followed first: a job's upload is linked under the name it was sent with, for
        # messages only, and FFmpeg takes a name's extension as a hint when the bytes say
        # little (random bytes named .g722 "decode" as noise); uploads are judged by content.
        container = av.open(
            "file:" + os.fspath(path.resolve()),
            options={"protocol_whitelist": "file"},
            metadata_errors="replace",
        )
    except (av.error.FFmpegError, OSError) as err:
        raise _unopenable(path, signature) from err
    try:
        _refuse_non_media(container, path)
        yield container
    except av.error.FFmpegError as err:
        raise CorruptMediaError(
            f"{display_name(path)} could not be decoded: it is damaged or uses a format "
            "jamak cannot read."
        ) from err
    finally:
        container.close()


def select_audio_stream(
    container: InputContainer, path: Path, stream_index: int | None
) -> AudioStream:
    """The audio stream numbered ``stream_index`` among audio streams (the first if None)."""
    audio = container.streams.audio
    if not audio:
        only_video = " (it holds only video)" if container.streams.video else ""
        raise NoAudioStreamError(
            f"{display_name(path)} has no audio track{only_video}, so there is nothing to "
            "transcribe."
        )
    if stream_index is None:
        return audio[0]
    if not 0 <= stream_index < len(audio):
        numbered = "numbered 0" if len(audio) == 1 else f"numbered 0 to {len(audio) - 1}"
        plural = "" if len(audio) == 1 else "s"
        raise NoAudioStreamError(
            f"{display_name(path)} has {len(audio)} audio stream{plural} ({numbered}); "
            f"there is no audio stream {stream_index}."
        )
    return audio[stream_index]


def stream_duration_s(stream: Stream) -> float | None:
    if stream.duration is None or stream.time_base is None:
        return None
    return float(stream.duration * stream.time_base)


def container_duration_s(container: InputContainer) -> float | None:
    if container.duration is None:
        return None
    return container.duration / av.time_base


def container_start_s(container: InputContainer) -> float | None:
    # PyAV types start_time as int, but FFmpeg leaves it unset (None) for some formats.
    start: int | None = container.start_time
    return None if start is None else start / av.time_base


def _read_head(path: Path) -> bytes:
    name = display_name(path)
    try:
        with path.open("rb") as file:
            head = file.read(HEAD_BYTES)
    except FileNotFoundError:
        raise MediaError(f"{name} does not exist.") from None
    except IsADirectoryError:
        raise MediaError(f"{name} is a folder, not a file.") from None
    except OSError as err:
        raise MediaError(f"{name} cannot be read ({err.strerror or err}).") from err
    if not head:
        raise EmptyMediaError(f"{name} is empty (0 bytes).")
    return head


def _unopenable(path: Path, signature: Signature | None) -> MediaError:
    if signature is None:
        return NotMediaError(
            f"{display_name(path)} is not an audio or video file that jamak can read "
            "(its format is not recognised)."
        )
    return CorruptMediaError(
        f"{display_name(path)} looks like {signature.description} but cannot be opened: it is "
        "damaged or incomplete (for example cut off while copying or uploading)."
    )


def _refuse_non_media(container: InputContainer, path: Path) -> None:
    format_name = container.format.name
    if format_name in _NOT_MEDIA_FORMATS or format_name.endswith(_IMAGE_FORMAT_SUFFIX):
        raise NotMediaError(_not_media_message(path, "a picture or a document"))


def _not_media_message(path: Path, description: str) -> str:
    return f"{display_name(path)} is {description}, not an audio or video file."
