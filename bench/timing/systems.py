"""The systems compared, each giving per clip its words, its cues and its text.

* ``jamak``: jamak's recogniser and cue builder with their defaults (word edges on the
  voice, broadcast cue timing), the rules the pipeline would use for the clip (a video's
  frame rate read from its container).
* ``jamak-plain``: the same recognition with Whisper's own word times and the cue timing
  jamak had before (no lead-out, no chaining, no frames): what changed, on the same text.
* ``faster-whisper``: ``WhisperModel.transcribe(audio, beam_size=5, word_timestamps=True)``;
  its segments are its cues (it makes no others).

All are given the same samples, decoded once by jamak's decoder, and the clip's language
(as a user would name it: recognition is not scored on language detection).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from jamak.asr.options import RecognitionOptions
from jamak.asr.registry import ModelRegistry
from jamak.media import probe
from jamak.pipeline import SubtitleRequest
from jamak.subtitles import Cue, build_cues, check_cues
from jamak.subtitles.rules import SubtitleRules
from jamak.transcript import Transcript

SYSTEMS = ("jamak", "jamak-plain", "faster-whisper")


@dataclass(frozen=True, slots=True)
class HypWord:
    text: str
    start_s: float
    end_s: float


@dataclass(frozen=True, slots=True)
class HypCue:
    start_s: float
    end_s: float
    first: int  # index of its first word in the clip's words
    last: int  # index of its last word


@dataclass(frozen=True, slots=True)
class Output:
    text: str
    words: tuple[HypWord, ...]
    cues: tuple[HypCue, ...]
    violations: int  # readability rules broken, over all cues


Samples = npt.NDArray[np.float32]
System = Callable[[Samples, Path, str], Output]


def open_systems(model_dir: Path, model: str, threads: int) -> dict[str, System]:
    registry = ModelRegistry(model_dir=model_dir, device="cpu", compute_type="int8")
    recognizer = registry.recognizer(model)
    from faster_whisper import WhisperModel  # the anchor's own entry point

    anchor = WhisperModel(
        str(registry.resolve(model)), device="cpu", compute_type="int8", cpu_threads=threads
    )

    def jamak(samples: Samples, path: Path, language: str, *, plain: bool) -> Output:
        options = RecognitionOptions(language=language, refine_word_times=not plain)
        transcript = recognizer.recognize(samples, options=options)
        rules = SubtitleRequest(()).rules_for(language, frame_rate=probe(path).frame_rate)
        if plain:
            rules = replace(SubtitleRules.for_language(language), lead_out_s=0.0, chain_gap_s=0.0)
        return _jamak_output(transcript, rules, language)

    def faster_whisper(samples: Samples, path: Path, language: str) -> Output:
        segments, _ = anchor.transcribe(
            samples, language=language, beam_size=5, word_timestamps=True
        )
        return _anchor_output(list(segments), SubtitleRules.for_language(language), language)

    return {
        "jamak": lambda s, p, lang: jamak(s, p, lang, plain=False),
        "jamak-plain": lambda s, p, lang: jamak(s, p, lang, plain=True),
        "faster-whisper": faster_whisper,
    }


def _jamak_output(transcript: Transcript, rules: SubtitleRules, language: str) -> Output:
    words = tuple(HypWord(w.text, w.start_s, w.end_s) for w in transcript.words())
    cues = build_cues(transcript.segments, rules, language=language)
    violations = len(check_cues(cues, rules, language=language))
    return Output(transcript.text, words, _cues_over(cues, words), violations)


def _cues_over(cues: Sequence[Cue], words: Sequence[HypWord]) -> tuple[HypCue, ...]:
    """Which words each cue shows: cues hold the words' letters in order, all of them (a
    word may be glued to the next, as "1-9-1" from three words), so words are counted off
    by their letters."""
    out, first = [], 0
    for cue in cues:
        letters, last, taken = len("".join(cue.text.split())), first, 0
        while last < len(words) and taken < letters:
            taken += len("".join(words[last].text.split()))
            last += 1
        out.append(HypCue(cue.start_s, cue.end_s, first, max(last - 1, first)))
        first = last
    return tuple(out)


def _anchor_output(segments: list[Any], rules: SubtitleRules, language: str) -> Output:
    words: list[HypWord] = []
    cues: list[HypCue] = []
    shown: list[Cue] = []
    for segment in segments:
        seg_words = [HypWord(w.word, w.start, w.end) for w in segment.words or ()]
        if not seg_words:
            continue
        cues.append(HypCue(segment.start, segment.end, len(words), len(words) + len(seg_words) - 1))
        words += seg_words
        shown.append(Cue(round(segment.start, 3), round(segment.end, 3), (segment.text.strip(),)))
    text = "".join(segment.text for segment in segments).strip()
    return Output(text, tuple(words), tuple(cues), len(check_cues(shown, rules, language=language)))
