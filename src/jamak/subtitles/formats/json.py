"""JSON (``.json``): everything jamak knows, for programs.

The key names are a public contract (other tools read them): top level ``language``,
``language_probability``, ``duration``, ``model``, ``task``, ``text``, ``segments`` and
``cues``, and how it was made: ``compute_type``, ``device``, ``cpu_kernels`` (CTranslate2's
CPU kernel family; empty on a GPU), ``cpu_matrix_library`` (the library of its matrix
products on a CPU, as its log names it: ``MKL`` or ``DNNL``; empty on a GPU, and in
documents written before it was kept) and ``jamak_version``; each segment has ``start``,
``end``, ``text``, ``avg_logprob``, ``no_speech_prob`` and ``words``; each word ``start``,
``end``, ``word`` (with Whisper's leading space) and ``probability``; each cue ``start``,
``end``, ``text`` (lines joined by ``\\n``) and ``lines``. The segment and word keys follow
openai/whisper's JSON so existing readers work.
Times are seconds rounded to milliseconds. Written as UTF-8 text, not ``\\u`` escapes.

:func:`read_document` reads such a document back into the transcript and cues it was
written from, so a job keeps one and can be given any other format later, as written then.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

from jamak import __version__
from jamak.subtitles.cue import Cue
from jamak.transcript import Segment, Transcript, Word

JsonValue = str | int | float | bool | None | list["JsonValue"] | dict[str, "JsonValue"]


class JsonFormat:
    name = "json"
    extension = "json"
    media_type = "application/json"

    def render(self, transcript: Transcript, cues: Sequence[Cue]) -> str:
        document: dict[str, JsonValue] = {
            "language": transcript.language,
            "language_probability": _number(transcript.language_probability, 4),
            "duration": _seconds(transcript.duration_s),
            "model": transcript.model,
            "task": transcript.task,
            "compute_type": transcript.compute_type,
            "device": transcript.device,
            "cpu_kernels": transcript.cpu_kernels,
            "cpu_matrix_library": transcript.cpu_matrix_library,
            "jamak_version": __version__,
            "text": transcript.text,
            "segments": [_segment(s) for s in transcript.segments],
            "cues": [_cue(c) for c in cues],
        }
        return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def read_document(text: str | bytes) -> tuple[Transcript, tuple[Cue, ...]]:
    """The transcript and cues a :class:`JsonFormat` document holds, to milliseconds (the
    precision every other format writes); a null number reads as NaN."""
    document = json.loads(text)
    segments = tuple(
        Segment(
            _float(s["start"]),
            _float(s["end"]),
            s["text"],
            tuple(
                Word(_float(w["start"]), _float(w["end"]), w["word"], _float(w["probability"]))
                for w in s["words"]
            ),
            _float(s["avg_logprob"]),
            _float(s["no_speech_prob"]),
        )
        for s in document["segments"]
    )
    transcript = Transcript(
        document["language"],
        _float(document["duration"]),
        segments,
        language_probability=_float(document["language_probability"]),
        task=document["task"],
        model=document["model"],
        compute_type=document["compute_type"],
        device=document["device"],
        cpu_kernels=document["cpu_kernels"],
        cpu_matrix_library=document.get("cpu_matrix_library", ""),
    )
    cues = tuple(
        Cue(_float(c["start"]), _float(c["end"]), tuple(c["lines"])) for c in document["cues"]
    )
    return transcript, cues


def _float(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _segment(segment: Segment) -> JsonValue:
    return {
        "start": _seconds(segment.start_s),
        "end": _seconds(segment.end_s),
        "text": segment.text,
        "avg_logprob": _number(segment.avg_logprob, 4),
        "no_speech_prob": _number(segment.no_speech_prob, 4),
        "words": [_word(w) for w in segment.words],
    }


def _word(word: Word) -> JsonValue:
    return {
        "start": _seconds(word.start_s),
        "end": _seconds(word.end_s),
        "word": word.text,
        "probability": _number(word.probability, 4),
    }


def _cue(cue: Cue) -> JsonValue:
    return {
        "start": _seconds(cue.start_s),
        "end": _seconds(cue.end_s),
        "text": cue.text,
        "lines": list(cue.lines),
    }


def _seconds(value: float) -> float | None:
    return _number(value, 3)


def _number(value: float, digits: int) -> float | None:
    # JSON has no NaN or infinity (a -inf log-probability is possible); null says "unknown".
    return round(float(value), digits) if math.isfinite(value) else None
