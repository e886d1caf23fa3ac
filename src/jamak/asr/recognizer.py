"""The port between the pipeline and a speech recogniser.

The real adapter is :class:`jamak.asr.faster_whisper.FasterWhisperRecognizer`; tests of the
layers above use :class:`jamak.asr.fake.ScriptedRecognizer` where the model is not the point.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

from jamak.asr.options import RecognitionOptions
from jamak.transcript import Transcript

if TYPE_CHECKING:
    from jamak.asr.speech_map import SpeechMap

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
        speech: SpeechMap | None = None,
    ) -> Transcript:
        """Recognise 16 kHz mono float32 ``audio``; times in the result are from its start.

        ``speech``: the voice activity detector's map of this very audio, where the caller
        has it already (a part of a long file, whose plan ran the detector over all of it);
        a recogniser that finds speech itself uses it instead of running the detector again.
        """
        ...
