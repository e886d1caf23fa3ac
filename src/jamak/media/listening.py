"""A copy of the audio that any browser plays (AAC in MP4), for uploads that browsers cannot.

The worker writes it from the 16 kHz mono samples it already decoded, so there is no second
decoding pass. Which uploads need one, and where the copy is kept, is the jobs' business
(:mod:`jamak.jobs.listening`), decided from a file name without loading PyAV.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from jamak.errors import MediaError
from jamak.media.resample import SAMPLE_RATE, Samples

_BIT_RATE = 48_000  # speech at 16 kHz mono: plenty, about 21 MB an hour
_FRAME = 1024  # AAC's frame length, in samples


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
