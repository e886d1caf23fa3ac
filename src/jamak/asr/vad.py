"""Where the speech is: Silero voice activity detection (the model ships in faster-whisper).

Finding speech first is what lets jamak skip silence, music and noise entirely (Whisper
invents words on non-speech) and batch only the parts worth decoding. The settings lean
towards keeping speech: a dropped word costs more than a few decoded seconds of silence.
"""

from __future__ import annotations

from dataclasses import dataclass

from faster_whisper.vad import VadOptions, get_speech_timestamps

from jamak.asr.recognizer import SAMPLE_RATE, Audio


@dataclass(frozen=True, slots=True)
class SpeechSpan:
    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True, slots=True)
class VadSettings:
    threshold: float = 0.5
    min_speech_ms: int = 250
    min_silence_ms: int = 500
    speech_pad_ms: int = 400
    max_speech_s: float = 29.0  # so one span always fits one 30-second Whisper window


def detect_speech(audio: Audio, settings: VadSettings | None = None) -> tuple[SpeechSpan, ...]:
    settings = settings or VadSettings()
    if audio.size == 0:
        return ()
    options = VadOptions(
        threshold=settings.threshold,
        min_speech_duration_ms=settings.min_speech_ms,
        min_silence_duration_ms=settings.min_silence_ms,
        speech_pad_ms=settings.speech_pad_ms,
        max_speech_duration_s=settings.max_speech_s,
    )
    stamps = get_speech_timestamps(audio, options, sampling_rate=SAMPLE_RATE)
    return tuple(
        SpeechSpan(stamp["start"] / SAMPLE_RATE, stamp["end"] / SAMPLE_RATE) for stamp in stamps
    )
