"""Turn decoded frames of any format, layout and rate into 16 kHz mono float32 samples.

Whisper wants exactly that. The conversion streams frame by frame, so memory does not depend
on the length of the file.
"""

from __future__ import annotations

import av
import numpy as np
import numpy.typing as npt
from av.audio.frame import AudioFrame

SAMPLE_RATE = 16_000

Samples = npt.NDArray[np.float32]

# FFmpeg mixes stereo to mono as 0.707·(L + R) unless told otherwise, which can clip. A
# maximum of 1 makes it normalise the mixing matrix: exactly (L + R) / 2 for stereo, and
# FFmpeg's standard surround downmix (centre-weighted, LFE left out) scaled to stay in range.
_DOWNMIX_OPTIONS = {"rematrix_maxval": "1.0"}


class MonoResampler:
    """Converts frames as they come; rebuilds itself if the input format changes mid-stream.

    FFmpeg's resampler is fixed to the first frame's format, but some files (broadcast
    recordings, concatenated clips) switch sample rate or channel layout part-way through.
    """

    def __init__(self) -> None:
        self._resampler: av.AudioResampler | None = None
        self._input: tuple[str, str, int] | None = None

    def convert(self, frame: AudioFrame) -> list[Samples]:
        shape = (frame.format.name, frame.layout.name, frame.sample_rate)
        converted = self.flush() if shape != self._input else []
        if self._resampler is None:
            self._resampler = av.AudioResampler(
                format="flt", layout="mono", rate=SAMPLE_RATE, options=_DOWNMIX_OPTIONS
            )
            self._input = shape
        converted += [_mono_samples(out) for out in self._resampler.resample(frame)]
        return converted

    def flush(self) -> list[Samples]:
        """Whatever the resampler still holds; the next frame starts a fresh one."""
        if self._resampler is None:
            return []
        remaining = [_mono_samples(out) for out in self._resampler.resample(None)]
        self._resampler = None
        self._input = None
        return remaining


def _mono_samples(frame: AudioFrame) -> Samples:
    """The frame's samples, in an array of their own. Read from the frame's one plane
    directly: ``to_ndarray`` stacks planes, a third of the time spent on each frame."""
    plane = np.frombuffer(memoryview(frame.planes[0]), dtype=np.float32, count=frame.samples)
    # Lossy decoders overshoot a little around loud peaks; Whisper expects [-1, 1].
    samples: Samples = np.clip(plane, -1.0, 1.0)
    return samples
