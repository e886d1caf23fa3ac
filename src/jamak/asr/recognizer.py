"""The port between the pipeline and a speech recogniser.

The real adapter is :class:`jamak.asr.faster_whisper.FasterWhisperRecognizer`; tests of the
layers above use :class:`jamak.asr.fake.ScriptedRecognizer` where the model is not the point.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np
import numpy.typing as npt

from jamak.asr.options import RecognitionOptions
from jamak.transcript import Transcript

SAMPLE_RATE = 16_000

# Called with (audio seconds recognised so far, total audio seconds). It may raise (for
# instance JobCancelledError) to stop recognition promptly between batches.
ProgressCallback = Callable[[float, float], None]

Audio = npt.NDArray[np.float32]


class Recognizer(Protocol):
    name: str

    def recognize(
        self,
        audio: Audio,
        *,
        options: RecognitionOptions,
        on_progress: ProgressCallback | None = None,
    ) -> Transcript:
        """Recognise 16 kHz mono float32 ``audio``; times in the result are from its start."""
        ...
