"""The registry of subtitle formats: look one up by name, list them, parse a user's list.

One module per format beside this one; adding a format is one module and one line below.
Unknown names raise :class:`jamak.errors.SubtitleFormatError` naming every valid choice, so
the CLI and the API can pass the message straight to the user.
"""

from __future__ import annotations

from jamak.errors import SubtitleFormatError
from jamak.subtitles.formats.base import SubtitleFormat
from jamak.subtitles.formats.json import JsonFormat
from jamak.subtitles.formats.smi import SamiFormat
from jamak.subtitles.formats.srt import SrtFormat
from jamak.subtitles.formats.tsv import TsvFormat
from jamak.subtitles.formats.txt import TextFormat
from jamak.subtitles.formats.vtt import VttFormat

# Writers hold no state, so one shared instance of each is safe.
_FORMATS: dict[str, SubtitleFormat] = {
    fmt.name: fmt
    for fmt in (SrtFormat(), VttFormat(), TextFormat(), TsvFormat(), JsonFormat(), SamiFormat())
}
# In a list, this word stands for every format.
ALL = "all"


def names() -> tuple[str, ...]:
    return tuple(_FORMATS)


def get(name: str) -> SubtitleFormat:
    """The format called ``name`` (any case, an optional leading dot: ``.SRT`` is ``srt``)."""
    key = name.strip().lower().removeprefix(".")
    try:
        return _FORMATS[key]
    except KeyError:
        raise SubtitleFormatError(
            f"unknown subtitle format {name!r}; choose from: {', '.join(names())}"
        ) from None


def parse_format_list(text: str) -> tuple[str, ...]:
    """``"srt, VTT,srt"`` → ``("srt", "vtt")``: validated, in the order given, without repeats.

    ``"all"`` means every format. An empty list is an error, not "no output".
    """
    requested = [part.strip() for part in text.split(",") if part.strip()]
    if not requested:
        raise SubtitleFormatError(f"no subtitle format given; choose from: {', '.join(names())}")
    chosen: list[str] = []
    for part in requested:
        for name in names() if part.lower() == ALL else (get(part).name,):
            if name not in chosen:
                chosen.append(name)
    return tuple(chosen)


__all__ = ["ALL", "SubtitleFormat", "get", "names", "parse_format_list"]
