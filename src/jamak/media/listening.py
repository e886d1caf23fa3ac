"""A copy of the audio that any browser plays, for uploads that browsers cannot.

Browsers play only a few containers and codecs; jamak reads everything FFmpeg reads. For an
MPEG-1 video, an AVI or a WMV the web player would stay silent while its subtitles list
fine, so the worker keeps a small AAC copy of what Whisper heard (the 16 kHz mono samples
it already decoded, so no second decoding pass), and the player falls back to it.
"""

from __future__ import annotations

from pathlib import Path, PurePath

import av
import numpy as np

from jamak.errors import MediaError
from jamak.media.resample import SAMPLE_RATE, Samples

# What every current browser plays from its file name alone (WAV, FLAC, MP3, AAC, Ogg,
# WebM and MP4 family). Anything else gets a listening copy.
BROWSER_PLAYABLE_SUFFIXES = frozenset(
    {".aac", ".flac", ".m4a", ".m4v", ".mp3", ".mp4", ".oga", ".ogg", ".opus", ".wav"}
    | {".weba", ".webm"}
)
LISTENING_COPY_SUFFIX = ".m4a"  # AAC in MP4
_BIT_RATE = 48_000  # speech at 16 kHz mono: plenty, about 21 MB an hour
_FRAME = 1024  # AAC's frame length, in samples


def needs_listening_copy(filename: str) -> bool:
    return PurePath(filename).suffix.lower() not in BROWSER_PLAYABLE_SUFFIXES


def write_listening_copy(samples: Samples, path: Path) -> Path:
    """``samples`` (16 kHz mono float32) as AAC in an MP4 container, index first so a
    player can start before the whole file has arrived. Raises :class:`MediaError`."""
    try:
        return _encode(samples, path)
    except (av.error.FFmpegError, OSError) as err:
        path.unlink(missing_ok=True)
        raise MediaError(f"could not write a listening copy: {err}") from err


def _encode(samples: Samples, path: Path) -> Path:
    with av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"}) as output:
        stream = output.add_stream("aac", rate=SAMPLE_RATE, layout="mono")
        stream.bit_rate = _BIT_RATE
        for start in range(0, len(samples), _FRAME):
            block = np.ascontiguousarray(samples[start : start + _FRAME], dtype=np.float32)
            frame = av.AudioFrame.from_ndarray(block.reshape(1, -1), format="fltp", layout="mono")
            frame.sample_rate = SAMPLE_RATE
            frame.pts = start
            for packet in stream.encode(frame):
                output.mux(packet)
        for packet in stream.encode(None):
            output.mux(packet)
    return path
