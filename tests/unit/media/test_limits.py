"""Files that declare too much are refused from their headers, in milliseconds.

A forged header costs its maker a few bytes and would cost jamak hours of decoding and
gigabytes of samples; these tests hold that :func:`decode_audio` refuses such files before
decoding, and stops a file whose header lies low once it runs past the limit.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from jamak.errors import CorruptMediaError, MediaLimitError
from jamak.media import MediaLimits, decode_audio
from jamak.media.container import open_input
from jamak.media.limits import DEFAULT_MAX_DURATION_S, check_container
from tests.support.hostile import flac_claiming, wav_with_header


def _lavfi(source: str, seconds: float, dst: Path, *args: str) -> Path:
    command = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", source, "-t", str(seconds)]
    subprocess.run([*command, *args, str(dst)], check=True, timeout=60)
    return dst


@pytest.fixture(scope="module")
def sine_flac(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three seconds of a tone at 8 kHz, as FLAC (whose header states its sample count)."""
    dst = tmp_path_factory.mktemp("limits") / "sine.flac"
    return _lavfi("sine=f=440:r=8000", 3.0, dst, "-c:a", "flac")


def test_a_header_claiming_100_hours_fails_at_once(sine_flac: Path, tmp_path: Path) -> None:
    forged = tmp_path / "long.flac"
    forged.write_bytes(flac_claiming(sine_flac.read_bytes(), 100 * 3600 * 8000))
    started = time.monotonic()
    with pytest.raises(MediaLimitError, match=r"lasts 100:00:00\.0.*up to 6:00:00\.0"):
        decode_audio(forged)
    assert time.monotonic() - started < 1.0


def test_the_duration_limit_is_a_parameter(sine_flac: Path) -> None:
    with pytest.raises(MediaLimitError, match=r"'sine.flac' lasts 0:00:03\.0"):
        decode_audio(sine_flac, limits=MediaLimits(max_duration_s=2.0))
    assert decode_audio(sine_flac, limits=MediaLimits(max_duration_s=3.5)).duration_s == 3.0


def test_a_header_that_lies_low_is_stopped_while_decoding(sine_flac: Path, tmp_path: Path) -> None:
    liar = tmp_path / "liar.flac"
    liar.write_bytes(flac_claiming(sine_flac.read_bytes(), 8000))  # says 1 s, holds 3 s
    with pytest.raises(MediaLimitError, match=r"goes on past 0:00:02\.0"):
        decode_audio(liar, limits=MediaLimits(max_duration_s=2.0))


def test_three_hours_of_silence_is_within_the_default_limit(tmp_path: Path) -> None:
    """Checked from the header only: decoding three hours would take seconds and 700 MB."""
    silence = _lavfi(
        "anullsrc=r=8000:cl=mono",
        3 * 3600,
        tmp_path / "3h.flac",
        "-c:a",
        "flac",
        "-frame_size",
        "32768",
    )
    with open_input(silence) as container:
        check_container(container, silence, MediaLimits())
    assert DEFAULT_MAX_DURATION_S == 6 * 3600
    with open_input(silence) as container, pytest.raises(MediaLimitError, match="lasts 3:00:00"):
        check_container(container, silence, MediaLimits(max_duration_s=2 * 3600))


def test_an_absurd_sample_rate_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fast.wav"
    path.write_bytes(wav_with_header(50_000_000, 1, 16, bytes(1600)))
    with pytest.raises(MediaLimitError, match="50,000,000 samples a second"):
        decode_audio(path)


def test_thousands_of_channels_fail_cleanly(tmp_path: Path) -> None:
    """FFmpeg itself refuses the layout; what matters is a jamak error, not a crash."""
    path = tmp_path / "wide.wav"
    path.write_bytes(wav_with_header(8_000, 4000, 16, bytes(16_000)))
    with pytest.raises(CorruptMediaError, match=r"'wide\.wav' is damaged"):
        decode_audio(path)


def test_too_many_channels_by_the_limit(sine_flac: Path) -> None:
    with pytest.raises(MediaLimitError, match="1 channels; jamak reads at most 0"):
        decode_audio(sine_flac, limits=MediaLimits(max_channels=0))


def test_hundreds_of_streams_are_refused_before_decoding(tmp_path: Path) -> None:
    maps = [arg for _ in range(200) for arg in ("-map", "0:a")]
    many = _lavfi(
        "anullsrc=r=8000:cl=mono", 0.05, tmp_path / "many.mkv", *maps, "-c:a", "pcm_s16le"
    )
    started = time.monotonic()
    with pytest.raises(MediaLimitError, match="has 200 streams; jamak reads files with at most 64"):
        decode_audio(many)
    assert time.monotonic() - started < 2.0
