"""Files read side by side start longest first, whatever order they were given in."""

from __future__ import annotations

from pathlib import Path

from jamak.media.ordering import longest_first
from tests.support.media import make_silence, make_tone


def test_the_longest_file_comes_first_and_one_that_cannot_be_read_last(tmp_path: Path) -> None:
    short = make_tone(tmp_path / "short.wav", 1.0)
    long = make_silence(tmp_path / "long.wav", 9.0)
    middle = make_tone(tmp_path / "middle.wav", 4.0)
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(b"not audio at all")
    missing = tmp_path / "missing.wav"
    assert longest_first([broken, short, long, missing, middle]) == [
        long,
        middle,
        short,
        broken,
        missing,
    ]


def test_files_of_one_length_keep_their_order(tmp_path: Path) -> None:
    files = [make_tone(tmp_path / f"{name}.wav", 2.0) for name in ("c", "a", "b")]
    assert longest_first(files) == files
