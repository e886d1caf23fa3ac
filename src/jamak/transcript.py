"""The typed result of speech recognition: the contract between ``asr`` and ``subtitles``.

Times are seconds from the start of the input file (never from the start of a VAD chunk or a
batch window), so every consumer can use them as they are.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

# Scripts written without spaces between words: their segments join with no separator.
# Korean is written with spaces between words (eojeol), so it is not in this set.
UNSPACED_LANGUAGES = frozenset({"zh", "ja", "th", "lo", "km", "my", "yue", "bo"})


@dataclass(frozen=True, slots=True)
class Word:
    start_s: float
    end_s: float
    # Whisper's word text keeps its leading space for space-delimited scripts ("␣hello"); CJK
    # words come without one. Subtitle layout relies on that to join words back faithfully.
    text: str
    probability: float


@dataclass(frozen=True, slots=True)
class Segment:
    start_s: float
    end_s: float
    text: str
    words: tuple[Word, ...] = ()
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0


@dataclass(frozen=True, slots=True)
class Transcript:
    language: str
    duration_s: float
    segments: tuple[Segment, ...] = ()
    language_probability: float = 1.0
    task: str = "transcribe"
    model: str = ""
    # How the model ran, so two machines' results can be told apart: CTranslate2's compute
    # type ("int8_float32", "float16", ...), device, CPU kernel family ("AVX2", ...) and the
    # library of its matrix products on a CPU ("MKL", "DNNL").
    compute_type: str = ""
    device: str = ""
    cpu_kernels: str = ""
    cpu_matrix_library: str = ""

    @property
    def text(self) -> str:
        separator = "" if self.language in UNSPACED_LANGUAGES else " "
        return separator.join(s.text.strip() for s in self.segments if s.text.strip())

    def words(self) -> Iterator[Word]:
        for segment in self.segments:
            yield from segment.words
