"""Subtitles from a transcript: cues that keep readability rules, written in several formats.

Pure: no I/O and no media or recognition libraries (import-linter holds that line), so every
rule can be tested on plain data in milliseconds.

* :func:`build_cues` lays the transcript out as :class:`Cue` objects under
  :class:`~jamak.subtitles.rules.SubtitleRules`;
* :func:`check_cues` lists any rule a sequence of cues breaks (empty when none);
* :mod:`jamak.subtitles.formats` writes cues as SRT, WebVTT, text, TSV, JSON or SAMI.
"""

from __future__ import annotations

from jamak.subtitles import formats, timecode
from jamak.subtitles.check import check_cues
from jamak.subtitles.cue import Cue
from jamak.subtitles.cues import build_cues
from jamak.subtitles.rules import SubtitleRules

__all__ = ["Cue", "SubtitleRules", "build_cues", "check_cues", "formats", "timecode"]
