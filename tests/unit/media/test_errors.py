"""Files that are not usable media fail with their own error class and a plain message;
files that are only partly damaged decode as far as they can and say what was lost."""

from __future__ import annotations

import re
from pathlib import Path

import av
import numpy as np
import pytest

from jamak.errors import (
    CorruptMediaError,
    EmptyMediaError,
    JamakError,
    MediaError,
    NoAudioStreamError,
    NotMediaError,
)
from jamak.media import SAMPLE_RATE, decode_audio, iter_audio_blocks, probe
from tests.support import media
from tests.support.matrix import SpeechClip

EXPECTED = [
    ("random_bytes", NotMediaError, "'random.mp4' is not an audio or video file"),
    ("png_as_mp4", NotMediaError, "'picture.mp4' is a PNG image, not an audio or video file"),
    ("bmp_as_mp4", NotMediaError, "'drawing.mp4' is a picture or a document, not an audio"),
    ("text_as_mp4", NotMediaError, "'notes.mp4' is a text file, not an audio or video file"),
    ("empty", EmptyMediaError, "'empty.mp4' is empty (0 bytes)"),
    ("no_samples_wav", EmptyMediaError, "'no_samples.wav' has an audio track, but it holds no"),
    ("truncated_mp4", CorruptMediaError, "'truncated.mp4' looks like an MP4 or MOV file but"),
    ("video_without_audio", NoAudioStreamError, "'silent_film.mp4' has no audio track"),
]
# What a user should never have to read.
JARGON = ("Errno", "avformat", "avcodec", "Invalid data found", "Traceback", "0x")


@pytest.mark.parametrize(("name", "error", "message"), EXPECTED)
def test_each_bad_file_raises_its_own_error(
    bad_files: dict[str, Path], name: str, error: type[MediaError], message: str
) -> None:
    with pytest.raises(error) as caught:
        decode_audio(bad_files[name])

    assert message in str(caught.value)
    assert not any(word in str(caught.value) for word in JARGON)


@pytest.mark.parametrize(("name", "error", "message"), EXPECTED)
def test_blocks_raise_the_same_errors(
    bad_files: dict[str, Path], name: str, error: type[MediaError], message: str
) -> None:
    with pytest.raises(error, match="^" + re.escape(message)):
        list(iter_audio_blocks(bad_files[name]))


REFUSED_AT_OPEN = [
    "random_bytes",
    "png_as_mp4",
    "bmp_as_mp4",
    "text_as_mp4",
    "empty",
    "truncated_mp4",
]


@pytest.mark.parametrize("name", REFUSED_AT_OPEN)
def test_probe_refuses_what_cannot_be_opened(bad_files: dict[str, Path], name: str) -> None:
    with pytest.raises(MediaError):
        probe(bad_files[name])


def test_probe_describes_an_audio_track_without_samples(bad_files: dict[str, Path]) -> None:
    info = probe(bad_files["no_samples_wav"])

    (stream,) = info.audio_streams
    assert stream.codec == "pcm_s16le"
    assert not info.has_video


def test_probe_describes_a_video_without_audio_instead_of_refusing_it(
    bad_files: dict[str, Path],
) -> None:
    info = probe(bad_files["video_without_audio"])

    assert info.audio_streams == ()
    assert info.has_video


def test_errors_are_jamak_errors_not_pyav_errors(bad_files: dict[str, Path]) -> None:
    for path in bad_files.values():
        with pytest.raises(JamakError) as caught:
            decode_audio(path)
        assert not isinstance(caught.value, av.error.FFmpegError)


def test_a_missing_file_is_a_media_error(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match=re.escape("'nowhere.mp4' does not exist")):
        decode_audio(tmp_path / "nowhere.mp4")


def test_a_folder_is_a_media_error(tmp_path: Path) -> None:
    folder = tmp_path / "clips.mp4"
    folder.mkdir()
    with pytest.raises(MediaError, match=re.escape("'clips.mp4' is a folder")):
        decode_audio(folder)


def test_a_file_name_that_looks_like_an_ffmpeg_protocol_is_read_as_a_file(
    speech_wav: SpeechClip, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    tricky = Path("concat:one.wav|two.wav")
    tricky.write_bytes(speech_wav.path.read_bytes())

    audio = decode_audio(tricky)

    assert audio.duration_s == pytest.approx(speech_wav.duration_s, abs=0.01)


@pytest.fixture(scope="module")
def long_speech(speech_wav: SpeechClip, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 9 s of speech, so that losing half of it is clearly more than codec slack."""
    out_dir = tmp_path_factory.mktemp("long_speech")
    return media.concat_wavs([speech_wav.path, speech_wav.path], out_dir / "twice.wav")


@pytest.mark.parametrize(
    ("suffix", "codec", "options"),
    [
        ("mp3", "libmp3lame", None),
        ("m4a", "aac", {"movflags": "faststart"}),  # index first, so the first half plays
        ("flac", "flac", None),
    ],
)
def test_a_file_cut_in_half_decodes_its_first_half_with_a_warning(
    long_speech: Path, tmp_path: Path, suffix: str, codec: str, options: dict[str, str] | None
) -> None:
    whole = media.encode(long_speech, tmp_path / f"whole.{suffix}", codec=codec, options=options)
    full_s = decode_audio(whole).duration_s
    cut = media.truncate(whole, tmp_path / f"cut.{suffix}")

    audio = decode_audio(cut)

    assert 0.3 * full_s < audio.duration_s < 0.7 * full_s
    assert audio.skipped_s == pytest.approx(full_s - audio.duration_s, abs=0.15)
    assert any("probably incomplete" in warning for warning in audio.warnings)
    assert float(np.sqrt(np.mean(audio.samples**2))) > 0.02


def test_a_gap_in_the_timestamps_becomes_silence_and_a_warning(
    speech_wav: SpeechClip, tmp_path: Path
) -> None:
    gapped = media.write_with_gap(speech_wav.path, tmp_path / "gap.mkv", gap_at_s=1.5, gap_s=1.0)

    audio = decode_audio(gapped)

    assert audio.duration_s == pytest.approx(speech_wav.duration_s + 1.0, abs=0.01)
    assert audio.skipped_s == pytest.approx(1.0, abs=0.01)
    assert not np.any(audio.samples[round(1.52 * SAMPLE_RATE) : round(2.48 * SAMPLE_RATE)])
    assert audio.warnings == (
        "1.00 s of audio at 0:00:01.5 could not be decoded and was replaced by silence, "
        "so later subtitles stay in sync.",
    )


def test_damage_found_while_streaming_blocks_is_logged(
    speech_wav: SpeechClip, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    gapped = media.write_with_gap(speech_wav.path, tmp_path / "gap.mkv", gap_at_s=1.5, gap_s=1.0)

    blocks = list(iter_audio_blocks(gapped, block_s=1.0))

    assert sum(block.size for block in blocks) == pytest.approx(
        (speech_wav.duration_s + 1.0) * SAMPLE_RATE, abs=160
    )
    assert "gap.mkv: 1.00 s of audio at 0:00:01.5 could not be decoded" in caplog.text
