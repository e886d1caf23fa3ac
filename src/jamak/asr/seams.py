"""Parts' transcripts back into one: offsets, seams, language.

A part is recognised as audio of its own, so its times start at zero; :func:`shifted` moves
them to the file's clock. :func:`merge_parts` then keeps, of each part, the words whose
midpoint the part owns (see :mod:`jamak.asr.parts`): parts read past their cuts, so a word
at a seam is heard by both neighbours, and the midpoint gives it to exactly one. A segment
split by a seam keeps its owned words, its text rebuilt from them (Whisper's word texts
carry their own leading spaces, so joining them is the segment's text). The language is the
one heard for the longest time, since a part of music or silence still names one.

Transcripts are stored between the steps (a part on one machine, the merge on another) as
JSON: :func:`transcript_to_dict` / :func:`transcript_from_dict`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, replace
from typing import Any

from jamak.asr.parts import Part, PartPlan
from jamak.transcript import Segment, Transcript, Word


def shifted(transcript: Transcript, offset_s: float) -> Transcript:
    """``transcript`` with every time moved ``offset_s`` later."""
    segments = tuple(
        replace(
            s,
            start_s=s.start_s + offset_s,
            end_s=s.end_s + offset_s,
            words=tuple(
                replace(w, start_s=w.start_s + offset_s, end_s=w.end_s + offset_s) for w in s.words
            ),
        )
        for s in transcript.segments
    )
    return replace(transcript, segments=segments)


def merge_parts(plan: PartPlan, transcripts: Sequence[Transcript]) -> Transcript:
    """One transcript of the whole file from its parts' (times already on the file's clock,
    in the plan's order)."""
    if len(transcripts) != len(plan.parts) or not transcripts:
        raise ValueError(f"{len(transcripts)} transcripts for {len(plan.parts)} parts")
    segments: list[Segment] = []
    heard: dict[str, float] = {}
    confidence: dict[str, float] = {}
    for part, transcript in zip(plan.parts, transcripts, strict=True):
        owned = [kept for s in transcript.segments if (kept := _owned(s, part)) is not None]
        segments += owned
        spoken = sum(s.end_s - s.start_s for s in owned)
        heard[transcript.language] = heard.get(transcript.language, 0.0) + spoken
        confidence.setdefault(transcript.language, transcript.language_probability)
    segments.sort(key=lambda s: (s.start_s, s.end_s))
    language = _language(heard, transcripts)
    first = transcripts[0]
    return replace(
        first,
        language=language,
        language_probability=confidence.get(language, first.language_probability),
        duration_s=plan.duration_s,
        segments=tuple(segments),
    )


def _owned(segment: Segment, part: Part) -> Segment | None:
    if not segment.words:
        return segment if part.owns((segment.start_s + segment.end_s) / 2) else None
    words = tuple(w for w in segment.words if part.owns((w.start_s + w.end_s) / 2))
    if not words:
        return None
    if len(words) == len(segment.words):
        return segment
    text = "".join(w.text for w in words)
    return replace(segment, start_s=words[0].start_s, end_s=words[-1].end_s, text=text, words=words)


def _language(heard: dict[str, float], transcripts: Sequence[Transcript]) -> str:
    """The language heard longest; with no speech anywhere, the first part's."""
    if heard and max(heard.values()) > 0:
        return max(heard, key=lambda language: heard[language])
    return transcripts[0].language


def transcript_to_dict(transcript: Transcript) -> dict[str, Any]:
    return asdict(transcript)


def transcript_from_dict(data: dict[str, Any]) -> Transcript:
    segments = tuple(
        Segment(
            **{
                **s,
                "words": tuple(Word(**w) for w in s.get("words", ())),
            }
        )
        for s in data.get("segments", ())
    )
    return Transcript(**{**data, "segments": segments})
