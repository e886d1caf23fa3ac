"""A recogniser without a model, for tests of the layers above recognition.

It "hears" a fixed script spread evenly over the audio, reports progress in steps, and can be
slowed down, so job lifecycle, cancellation and worker-kill tests run in milliseconds and
deterministically. Model behaviour itself is always tested with a real model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from jamak.asr.options import RecognitionOptions
from jamak.asr.recognizer import SAMPLE_RATE, Audio, ProgressCallback
from jamak.asr.speech_map import SpeechMap
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
        speech: SpeechMap | None = None,
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


@dataclass
class ToneWordsRecognizer:
    """Hears each burst of tone as one word named by its pitch (" w440"), timed where the
    burst is. Its words are tied to the audio, not spread over whatever it is given, so
    cutting a file anywhere and recognising the pieces shows exactly what the cut did: the
    tests of the part merge (jamak.asr.seams) are built on it. A burst cut by the edge of
    the audio is heard, shorter, as a real model half-hears a cut word."""

    language: str = "en"
    name: str = "tone-words"
    loud: float = 0.05  # a 10 ms frame this loud (RMS) is part of a word
    seconds: float = 0.0  # how long it "thinks", so a test can kill its worker meanwhile

    def recognize(
        self,
        audio: Audio,
        *,
        options: RecognitionOptions,
        on_progress: ProgressCallback | None = None,
        speech: SpeechMap | None = None,
    ) -> Transcript:
        duration_s = len(audio) / SAMPLE_RATE
        for step in range(1, 11):
            time.sleep(self.seconds / 10)
            if on_progress is not None:
                on_progress(duration_s * step / 10, duration_s)
        frame = SAMPLE_RATE // 100
        count = len(audio) // frame
        frames = np.asarray(audio[: count * frame], dtype=np.float64).reshape(count, frame)
        loud = np.sqrt((frames**2).mean(axis=1)) >= self.loud
        edges = np.diff(np.concatenate(([0], loud.astype(np.int8), [0])))
        words = []
        for start_frame, stop_frame in zip(
            np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True
        ):
            # To the sample: the burst's first and last sound around its loud frames, so a
            # word's times are the same wherever the audio was cut (frames would move them
            # by up to a frame with the cut).
            around = max(0, int(start_frame - 1) * frame)
            sounding = np.flatnonzero(audio[around : int(stop_frame + 1) * frame])
            start, stop = around + int(sounding[0]), around + int(sounding[-1]) + 1
            burst = audio[start:stop]
            # Half periods between the first and the last zero crossing: exact however much
            # silence the burst's 10 ms frames take in at its edges.
            crossings = np.flatnonzero(np.diff(np.signbit(burst)))
            span_s = (crossings[-1] - crossings[0]) / SAMPLE_RATE if len(crossings) > 1 else 0.0
            hertz = (len(crossings) - 1) / 2 / span_s if span_s > 0 else 0.0
            pitch = 50 * round(hertz / 50)
            words.append(Word(start / SAMPLE_RATE, stop / SAMPLE_RATE, f" w{pitch}", 0.99))
        language = options.language or self.language
        if not words:
            return Transcript(language=language, duration_s=duration_s, model=self.name)
        text = "".join(w.text for w in words)
        segment = Segment(words[0].start_s, words[-1].end_s, text, tuple(words))
        return Transcript(
            language=language, duration_s=duration_s, segments=(segment,), model=self.name
        )
