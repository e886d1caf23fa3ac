"""probe → decode → recognise → cues → files: the one path every entry point runs.

Kept short on purpose: each step lives in its own layer, and this module only orders them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path

from jamak.asr.options import RecognitionOptions
from jamak.asr.recognizer import ProgressCallback, Recognizer
from jamak.errors import MediaError
from jamak.media import decode_audio, write_listening_copy
from jamak.subtitles import build_cues, formats
from jamak.subtitles.rules import SubtitleRules
from jamak.transcript import Transcript

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RenderedSubtitle:
    format: str
    extension: str
    text: str


def transcribe_file(
    path: Path,
    *,
    recognizer: Recognizer,
    options: RecognitionOptions,
    on_progress: ProgressCallback | None = None,
    audio_stream: int | None = None,
    listening_copy: Path | None = None,
) -> Transcript:
    """Decode ``path`` and recognise its speech; raises :class:`jamak.errors.MediaError`.

    ``listening_copy``: also write the decoded audio there in a form every browser plays
    (see :mod:`jamak.media.listening`), from the samples already in memory. A convenience
    only: if it cannot be written, there is no file there and the transcript still comes."""
    audio = decode_audio(path, stream_index=audio_stream)
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
    rules = rules or SubtitleRules.for_language(transcript.language)
    cues = build_cues(transcript.segments, rules, language=transcript.language)
    rendered = []
    for name in format_names:
        fmt = formats.get(name)
        rendered.append(RenderedSubtitle(name, fmt.extension, fmt.render(transcript, cues)))
    return tuple(rendered)
