"""A stretch of speech as plain times, apart from the detector that finds it.

The window and reading planners work on spans but must not pull in the detector's model
(it ships in faster-whisper): kept here, they stay pure and testable without a model, and
an import contract can say so.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SpeechSpan:
    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s
