"""The format registry: lookup by name, the list of names, and errors that name the choices."""

from __future__ import annotations

import pytest

from jamak.errors import SubtitleFormatError
from jamak.subtitles import formats

EXPECTED = ("srt", "vtt", "txt", "tsv", "json", "smi")


def test_every_format_is_registered_under_its_own_name() -> None:
    assert formats.names() == EXPECTED
    for name in EXPECTED:
        fmt = formats.get(name)
        assert (fmt.name, fmt.extension) == (name, name)
        assert fmt.media_type


@pytest.mark.parametrize("spelling", ["SRT", " srt ", ".srt"])
def test_lookup_forgives_case_spaces_and_a_leading_dot(spelling: str) -> None:
    assert formats.get(spelling).name == "srt"


def test_an_unknown_format_error_lists_the_valid_names() -> None:
    with pytest.raises(SubtitleFormatError) as caught:
        formats.get("ass")
    message = str(caught.value)
    assert "'ass'" in message
    assert all(name in message for name in EXPECTED)


def test_a_format_list_is_validated_ordered_and_deduplicated() -> None:
    assert formats.parse_format_list("srt,vtt") == ("srt", "vtt")
    assert formats.parse_format_list(" VTT , srt,vtt,") == ("vtt", "srt")


def test_all_means_every_format() -> None:
    assert formats.parse_format_list("all") == EXPECTED


@pytest.mark.parametrize("text", ["", " , ", "srt,docx"])
def test_a_bad_format_list_is_refused_with_the_valid_names(text: str) -> None:
    with pytest.raises(SubtitleFormatError, match="srt, vtt, txt, tsv, json, smi"):
        formats.parse_format_list(text)
