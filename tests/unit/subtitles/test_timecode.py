"""Timestamps as SRT and WebVTT spell them."""

from __future__ import annotations

import pytest

from jamak.subtitles.timecode import milliseconds, srt_timestamp, vtt_timestamp


@pytest.mark.parametrize(
    ("seconds", "srt", "vtt"),
    [
        (0.0, "00:00:00,000", "00:00:00.000"),
        (1.5, "00:00:01,500", "00:00:01.500"),
        (3661.007, "01:01:01,007", "01:01:01.007"),
        (59.9996, "00:01:00,000", "00:01:00.000"),
        (100 * 3600.0, "100:00:00,000", "100:00:00.000"),
    ],
)
def test_timestamps(seconds: float, srt: str, vtt: str) -> None:
    assert (srt_timestamp(seconds), vtt_timestamp(seconds)) == (srt, vtt)


def test_milliseconds_round_and_never_go_negative() -> None:
    assert (milliseconds(1.2346), milliseconds(-0.2)) == (1235, 0)
