"""probe → decode → recognise → cues → files: the one path every entry point runs.

Kept short on purpose: each step lives in its own layer, and this module only orders them.
:func:`transcribe_to_subtitles` is the use case "one file into the requested formats with
the given rules", called by ``jamak transcribe`` for each local file and by the job runner
for each job, so both read options, look up formats and apply rule overrides the same way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path

from jamak.asr.options import RecognitionOptions
from jamak.asr.recognizer import ProgressCallback, Recognizer
from jamak.errors import MediaError
from jamak.media import MediaLimits, decode_audio, probe, write_listening_copy
from jamak.subtitles import build_cues, formats
from jamak.subtitles.formats import SubtitleFormat
from jamak.subtitles.rules import SubtitleRules, for_frame_rate
from jamak.transcript import Transcript

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RenderedSubtitle:
    format: str
    extension: str
    text: str


@dataclass(frozen=True, slots=True)
class SubtitleRequest:
    """Which formats to write, and the user's explicit layout and timing choices (None:
    the detected language's own rule, and the rules' timing defaults)."""

    formats: tuple[SubtitleFormat, ...]
    max_chars_per_line: int | None = None
    max_lines: int | None = None
    max_chars_per_s: float | None = None
    lead_out_s: float | None = None
    chain_gap_s: float | None = None
    # Time cues on the video's frames (the rate read from the container) when there is one.
    frame_accurate: bool = True

    @classmethod
    def named(
        cls,
        format_names: tuple[str, ...],
        *,
        max_chars_per_line: int | None = None,
        max_lines: int | None = None,
        max_chars_per_s: float | None = None,
    ) -> SubtitleRequest:
        """Formats looked up by name, here and only here: an unknown one raises
        :class:`jamak.errors.SubtitleFormatError` before any recognition starts."""
        return cls(
            tuple(formats.get(name) for name in format_names),
            max_chars_per_line,
            max_lines,
            max_chars_per_s,
        )

    def rules_for(self, language: str | None, *, frame_rate: float | None = None) -> SubtitleRules:
        """The language's layout rules, with the user's explicit choices over them, on the
        frames of a video at ``frame_rate`` (None: audio)."""
        rules = SubtitleRules.for_language(language).with_overrides(
            max_chars_per_line=self.max_chars_per_line,
            max_lines=self.max_lines,
            max_chars_per_s=self.max_chars_per_s,
            lead_out_s=self.lead_out_s,
            chain_gap_s=self.chain_gap_s,
        )
        return for_frame_rate(rules, frame_rate if self.frame_accurate else None)


@dataclass(frozen=True, slots=True)
class Transcription:
    transcript: Transcript
    subtitles: tuple[RenderedSubtitle, ...]  # in the order the formats were requested


def transcribe_to_subtitles(
    path: Path,
    *,
    recognizer: Recognizer,
    recognition: RecognitionOptions,
    subtitles: SubtitleRequest,
    on_progress: ProgressCallback | None = None,
    audio_stream: int | None = None,
    listening_copy: Path | None = None,
    limits: MediaLimits | None = None,
) -> Transcription:
    """Transcribe one file and lay it out in every requested format (nothing written: the
    caller stores the text where it belongs). Raises :class:`jamak.errors.JamakError`."""
    transcript = transcribe_file(
        path,
        recognizer=recognizer,
        options=recognition,
        on_progress=on_progress,
        audio_stream=audio_stream,
        listening_copy=listening_copy,
        limits=limits,
    )
    rules = subtitles.rules_for(transcript.language, frame_rate=_frame_rate(path))
    return Transcription(transcript, _render(transcript, subtitles.formats, rules))


def _frame_rate(path: Path) -> float | None:
    """The video's frame rate, if ``path`` is a video (it decoded already, so it opens)."""
    try:
        return probe(path).frame_rate
    except MediaError as err:
        logger.warning("%s: no frame rate: %s", path.name, err)
        return None


def transcribe_file(
    path: Path,
    *,
    recognizer: Recognizer,
    options: RecognitionOptions,
    on_progress: ProgressCallback | None = None,
    audio_stream: int | None = None,
    listening_copy: Path | None = None,
    limits: MediaLimits | None = None,
) -> Transcript:
    """Decode ``path`` and recognise its speech; raises :class:`jamak.errors.MediaError`.

    ``listening_copy``: also write the decoded audio there in a form every browser plays
    (see :mod:`jamak.media.listening`), from the samples already in memory. A convenience
    only: if it cannot be written, there is no file there and the transcript still comes.
    ``limits``: what the file may declare (:class:`MediaLimits`' defaults if None)."""
    audio = decode_audio(path, stream_index=audio_stream, limits=limits)
    if listening_copy is not None:
        try:
            write_listening_copy(audio.samples, listening_copy)
        except MediaError as err:
            logger.warning("%s: %s", path.name, err)
    transcript = recognizer.recognize(audio.samples, options=options, on_progress=on_progress)
    return replace(transcript, duration_s=audio.duration_s)


def render_subtitles(
    transcript: Transcript,
    *,
    format_names: tuple[str, ...],
    rules: SubtitleRules | None = None,
) -> tuple[RenderedSubtitle, ...]:
    """Lay the transcript out as cues once and write it in every requested format."""
    chosen = tuple(formats.get(name) for name in format_names)
    return _render(transcript, chosen, rules or SubtitleRules.for_language(transcript.language))


def _render(
    transcript: Transcript, chosen: tuple[SubtitleFormat, ...], rules: SubtitleRules
) -> tuple[RenderedSubtitle, ...]:
    cues = build_cues(transcript.segments, rules, language=transcript.language)
    return tuple(
        RenderedSubtitle(fmt.name, fmt.extension, fmt.render(transcript, cues)) for fmt in chosen
    )
