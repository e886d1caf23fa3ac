"""Every writer's exact output on two small fixed transcripts (English and Korean).

The files under ``golden/`` were read and judged by a person; a change in any of them is a
change in what users get, to be reviewed in the diff. After an intended change, rewrite them
with ``JAMAK_UPDATE_GOLDEN=1 .venv/bin/pytest tests/unit/subtitles/test_golden_files.py``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from jamak.subtitles import SubtitleRules, build_cues, formats
from jamak.transcript import Transcript

from .factories import english_transcript, korean_transcript

GOLDEN = Path(__file__).parent / "golden"
TRANSCRIPTS: dict[str, Callable[[], Transcript]] = {
    "english": english_transcript,
    "korean": korean_transcript,
}


@pytest.mark.parametrize("format_name", formats.names())
@pytest.mark.parametrize("transcript_name", sorted(TRANSCRIPTS))
def test_writer_output_matches_the_golden_file(transcript_name: str, format_name: str) -> None:
    transcript = TRANSCRIPTS[transcript_name]()
    rules = SubtitleRules.for_language(transcript.language)
    cues = build_cues(transcript.segments, rules, language=transcript.language)
    fmt = formats.get(format_name)
    rendered = fmt.render(transcript, cues)
    path = GOLDEN / f"{transcript_name}.{fmt.extension}"
    if os.environ.get("JAMAK_UPDATE_GOLDEN") == "1":
        path.write_text(rendered, encoding="utf-8", newline="")
    assert rendered == path.read_bytes().decode("utf-8")
