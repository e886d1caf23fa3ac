"""A recogniser whose model loads on a thread of its own while the first files decode.

``jamak transcribe`` used to load the model before it opened any file, so every run began
with half a second of one core checking and loading weights (``base``: 0.12 s checksum,
0.30 s load) and then a second or more decoding the first file, one after the other. Both
need only one core, and neither needs the other: a file's audio is decoded without a model.
Measured on a 20-minute MP3 (2 cores): 1.40-1.83 s one after the other, 1.10-1.21 s side
by side. A model that cannot be had still ends the command before any subtitles are
written, with the same message as before.
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import TYPE_CHECKING

from jamak.asr.options import RecognitionOptions
from jamak.asr.recognizer import Audio, ProgressCallback, Recognizer
from jamak.errors import JamakError
from jamak.transcript import Transcript

if TYPE_CHECKING:
    from jamak.asr.speech_map import SpeechMap


class ModelNotLoadedError(Exception):
    """The model every file waits for could not be had: the command ends, not one file.

    Deliberately not a :class:`JamakError`, which a file's own failure is: the CLI reports
    those per file and goes on with the rest."""

    def __init__(self, cause: JamakError) -> None:
        super().__init__(str(cause))
        self.cause = cause


class LoadingRecognizer:
    """Stands in for the recogniser ``loaded`` will hold; a file's recognition waits for it
    there, after the file has been decoded."""

    def __init__(self, name: str, loaded: Future[Recognizer]) -> None:
        self.name = name
        self._loaded = loaded

    def recognize(
        self,
        audio: Audio,
        *,
        options: RecognitionOptions,
        on_progress: ProgressCallback | None = None,
        speech: SpeechMap | None = None,
    ) -> Transcript:
        try:
            recognizer = self._loaded.result()
        except JamakError as err:
            raise ModelNotLoadedError(err) from err
        return recognizer.recognize(audio, options=options, on_progress=on_progress, speech=speech)
