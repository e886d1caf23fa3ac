"""A recogniser without a model, for tests of the layers above recognition.

It "hears" a fixed script spread evenly over the audio, reports progress in steps, and can be
slowed down, so job lifecycle, cancellation and worker-kill tests run in milliseconds and
deterministically. Model behaviour itself is always tested with a real model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from jamak.asr.options import RecognitionOptions
from jamak.asr.recognizer import SAMPLE_RATE, Audio, ProgressCallback
from jamak.transcript import Segment, Transcript, Word


@dataclass
class ScriptedRecognizer:
    script: str = "hello from the scripted recogniser"
    language: str = "en"
    steps: int = 4
    seconds_per_step: float = 0.0
    name: str = "scripted"

    def recognize(
        self,
        audio: Audio,
        *,
        options: RecognitionOptions,
        on_progress: ProgressCallback | None = None,
    ) -> Transcript:
        duration_s = len(audio) / SAMPLE_RATE
        for step in range(1, self.steps + 1):
            time.sleep(self.seconds_per_step)
            if on_progress is not None:
                on_progress(duration_s * step / self.steps, duration_s)
        tokens = self.script.split()
        if not tokens or duration_s <= 0:
            return Transcript(language=options.language or self.language, duration_s=duration_s)
        width = duration_s / len(tokens)
        words = tuple(
            Word(i * width, (i + 0.9) * width, f" {token}", 0.99) for i, token in enumerate(tokens)
        )
        segment = Segment(words[0].start_s, words[-1].end_s, " " + self.script, words)
        return Transcript(
            language=options.language or self.language,
            duration_s=duration_s,
            segments=(segment,),
            task=options.task,
            model=self.name,
        )
