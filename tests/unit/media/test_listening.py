"""The listening copy: which uploads need one, and that it is audio a browser plays."""

from pathlib import Path

import numpy as np
import pytest

from jamak.errors import MediaError
from jamak.jobs.listening import needs_listening_copy
from jamak.media import decode_audio, probe, write_listening_copy


@pytest.mark.parametrize("name", ["talk.mp3", "clip.MP4", "voice.m4a", "song.ogg", "a.webm"])
def test_what_browsers_play_needs_no_copy(name: str) -> None:
    assert not needs_listening_copy(name)


@pytest.mark.parametrize("name", ["tape.mpg", "old.avi", "lecture.wmv", "film.mkv", "x.aiff"])
def test_what_browsers_cannot_play_gets_one(name: str) -> None:
    assert needs_listening_copy(name)


def test_the_copy_is_aac_of_the_same_length_and_sound(tmp_path: Path) -> None:
    seconds = np.arange(16_000 * 3) / 16_000
    tone = (0.4 * np.sin(2 * np.pi * 440 * seconds)).astype(np.float32)

    copy = write_listening_copy(tone, tmp_path / "copy.m4a")

    info = probe(copy)
    assert [stream.codec for stream in info.audio_streams] == ["aac"]
    assert not info.has_video
    assert info.duration_s == pytest.approx(3.0, abs=0.1)
    heard = decode_audio(copy).samples
    assert np.sqrt(np.mean(heard**2)) == pytest.approx(0.4 / np.sqrt(2), rel=0.15)


def test_a_copy_that_cannot_be_written_is_a_media_error(tmp_path: Path) -> None:
    silence = np.zeros(16_000, dtype=np.float32)
    with pytest.raises(MediaError, match="listening copy"):
        write_listening_copy(silence, tmp_path / "no such folder" / "copy.m4a")
