"""probe reports what a file holds, without decoding it."""

from __future__ import annotations

import pytest

from jamak.media import AudioStreamInfo, probe
from tests.support.matrix import MediaCase, SpeechClip

VIDEO_FPS = 25  # tests.support.media writes its videos at 25 frames a second

FORMAT_NAMES = {
    "wav": "wav",
    "flac": "flac",
    "mp3": "mp3",
    "m4a": "mov,mp4,m4a,3gp,3g2,mj2",
    "ogg": "ogg",
    "opus": "ogg",
    "aiff": "aiff",
    "mp4": "mov,mp4,m4a,3gp,3g2,mj2",
    "mkv": "matroska,webm",
    "mov": "mov,mp4,m4a,3gp,3g2,mj2",
    "webm": "matroska,webm",
    "mpg": "mpeg",
    "avi": "avi",
}


@pytest.mark.parametrize("name", sorted(FORMAT_NAMES))
def test_probe_reports_format_streams_and_video(
    media_matrix: dict[str, MediaCase], speech_wav: SpeechClip, name: str
) -> None:
    case = media_matrix[name]

    info = probe(case.path)

    assert info.format_name == FORMAT_NAMES[name]
    assert info.has_video is case.has_video
    # Subtitles are timed on a video's frames; audio has none.
    assert info.frame_rate == (pytest.approx(VIDEO_FPS, rel=0.01) if case.has_video else None)
    assert info.duration_s == pytest.approx(speech_wav.duration_s, abs=0.15)
    (stream,) = info.audio_streams
    assert stream.index == 0
    assert stream.codec == case.audio_codec
    assert stream.channels == case.channels
    assert stream.language is None


def test_probe_gives_sample_rate_and_stream_duration(media_matrix: dict[str, MediaCase]) -> None:
    info = probe(media_matrix["mp4"].path)

    (stream,) = info.audio_streams
    assert isinstance(stream, AudioStreamInfo)
    assert stream.sample_rate == 22_050
    assert stream.duration_s is not None
    assert stream.duration_s == pytest.approx(info.duration_s or 0, abs=0.1)


def test_opus_reports_its_fixed_48khz(media_matrix: dict[str, MediaCase]) -> None:
    (stream,) = probe(media_matrix["opus"].path).audio_streams
    assert stream.sample_rate == 48_000


def test_probe_results_are_frozen(media_matrix: dict[str, MediaCase]) -> None:
    info = probe(media_matrix["wav"].path)
    with pytest.raises(AttributeError):
        info.has_video = True  # type: ignore[misc]
