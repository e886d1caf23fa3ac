"""Which files in a folder are recordings: a file name's suffix, the only cheap clue.

A folder of recordings also holds cover images, notes and the subtitles of an earlier run.
Probing every file would take such files in when FFmpeg reads them as something (it opens a
text file as ANSI art, an ``.srt`` as a subtitle stream), and would skip a recording that is
damaged, where its user should hear why it failed. So a folder is read for the names audio
and video files carry; a file named on its own is always tried, whatever its name.
"""

from __future__ import annotations

from pathlib import PurePath

AUDIO_SUFFIXES = frozenset(
    {".aac", ".ac3", ".aif", ".aifc", ".aiff", ".amr", ".ape", ".au", ".caf", ".dts"}
    | {".eac3", ".flac", ".m4a", ".m4b", ".mka", ".mp2", ".mp3", ".mpa", ".oga", ".ogg"}
    | {".opus", ".ra", ".spx", ".tta", ".w64", ".wav", ".weba", ".wma", ".wv"}
)
VIDEO_SUFFIXES = frozenset(
    {".3g2", ".3gp", ".asf", ".avi", ".divx", ".dv", ".f4v", ".flv", ".m2ts", ".m2v"}
    | {".m4v", ".mkv", ".mov", ".mp4", ".mpeg", ".mpg", ".mts", ".mxf", ".nut", ".ogv"}
    | {".qt", ".rm", ".rmvb", ".ts", ".vob", ".webm", ".wmv", ".wtv"}
)


def is_media_name(path: PurePath) -> bool:
    """Whether ``path``'s name is an audio or video file's (any case)."""
    suffix = path.suffix.lower()
    return suffix in AUDIO_SUFFIXES or suffix in VIDEO_SUFFIXES
