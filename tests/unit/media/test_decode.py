"""decode_audio on real files of every container: the samples Whisper gets are right."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from jamak.errors import NoAudioStreamError
from jamak.media import SAMPLE_RATE, decode_audio, probe
from tests.support import media
from tests.support.matrix import MediaCase, SpeechClip

AUDIO_ONLY = ("wav", "flac", "mp3", "m4a", "ogg", "opus", "aiff")
WITH_VIDEO = ("mp4", "mkv", "mov", "webm", "mpg", "avi")
MATRIX = AUDIO_ONLY + WITH_VIDEO

# Codec delay and frame padding (AAC, MP3 in AVI) lengthen a file by a few frames at most.
DURATION_TOLERANCE_S = 0.1


def envelope(
    samples: npt.NDArray[np.float32], rate: int, frame_s: float = 0.01
) -> npt.NDArray[np.float64]:
    """Loudness (RMS) per 10 ms: the shape of speech, comparable across sample rates."""
    size = round(rate * frame_s)
    frames = samples[: samples.size // size * size].astype(np.float64).reshape(-1, size)
    loudness: npt.NDArray[np.float64] = np.sqrt((frames**2).mean(axis=1))
    return loudness


def aligned(
    a: npt.NDArray[np.float64], b: npt.NDArray[np.float64], max_lag: int = 10
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], float]:
    """Two envelopes shifted (up to ``max_lag`` frames, a codec's delay) to match best.

    Returns them cut to the same length, and their correlation at that shift.
    """
    best: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], float] | None = None
    for lag in range(-max_lag, max_lag + 1):
        x, y = (a[lag:], b) if lag >= 0 else (a, b[-lag:])
        n = min(x.size, y.size)
        correlation = float(np.corrcoef(x[:n], y[:n])[0, 1])
        if best is None or correlation > best[2]:
            best = (x[:n], y[:n], correlation)
    assert best is not None
    return best


@pytest.fixture(scope="module")
def speech_envelope(speech_wav: SpeechClip) -> npt.NDArray[np.float64]:
    samples, rate = media.read_samples(speech_wav.path)
    return envelope(samples[0], rate)


@pytest.mark.parametrize("name", MATRIX)
def test_every_container_decodes_to_16khz_mono_float32(
    name: str, media_matrix: dict[str, MediaCase], speech_wav: SpeechClip
) -> None:
    audio = decode_audio(media_matrix[name].path)

    assert audio.samples.dtype == np.float32
    assert audio.samples.ndim == 1
    assert audio.sample_rate == SAMPLE_RATE
    assert audio.duration_s == audio.samples.size / SAMPLE_RATE
    assert audio.duration_s == pytest.approx(speech_wav.duration_s, abs=DURATION_TOLERANCE_S)
    assert float(np.abs(audio.samples).max()) <= 1.0
    assert audio.warnings == ()
    assert audio.skipped_s == 0.0


@pytest.mark.parametrize("name", MATRIX)
def test_speech_is_where_the_source_has_it(
    name: str, media_matrix: dict[str, MediaCase], speech_envelope: npt.NDArray[np.float64]
) -> None:
    audio = decode_audio(media_matrix[name].path)
    decoded = envelope(audio.samples, SAMPLE_RATE)

    decoded, source, correlation = aligned(decoded, speech_envelope)
    speaking, pausing = source > 0.2 * source.max(), source < 0.01 * source.max()
    assert correlation > 0.95
    assert decoded[speaking].mean() == pytest.approx(source[speaking].mean(), rel=0.25)
    assert decoded[pausing].mean() < 0.05 * decoded[speaking].mean()


def test_korean_speech_decodes(korean_speech_wav: SpeechClip) -> None:
    audio = decode_audio(korean_speech_wav.path)

    assert audio.duration_s == pytest.approx(korean_speech_wav.duration_s, abs=0.01)
    assert float(np.sqrt(np.mean(audio.samples**2))) > 0.02


def test_stereo_is_mixed_to_the_average_of_both_channels(tmp_path: Path) -> None:
    left = media.make_tone(tmp_path / "left.wav", 2.0, frequency=440, amplitude=0.6)
    right = media.make_noise(tmp_path / "right.wav", 2.0, amplitude=0.3)
    stereo = media.write_stereo(tmp_path / "stereo.wav", left, right)
    channels, rate = media.read_samples(stereo)
    assert rate == SAMPLE_RATE  # so no resampling blurs the comparison

    mixed = decode_audio(stereo).samples

    np.testing.assert_allclose(mixed, channels.mean(axis=0), atol=1e-4)
    assert not np.allclose(mixed, channels[0], atol=0.05)


def test_stereo_at_another_rate_keeps_the_level_of_the_average(tmp_path: Path) -> None:
    tone = media.make_tone(tmp_path / "tone.wav", 2.0, amplitude=0.8, sample_rate=44_100)
    silence = media.make_silence(tmp_path / "silence.wav", 2.0, sample_rate=44_100)
    one_sided = media.write_stereo(tmp_path / "one_sided.wav", tone, silence)
    one_sided_mp3 = media.encode(
        one_sided, tmp_path / "one_sided.mp3", codec="libmp3lame", channels=2
    )

    for path in (one_sided, one_sided_mp3):
        samples = decode_audio(path).samples
        # A 0.8 sine has RMS 0.8/√2; averaged with silence, half that.
        assert float(np.sqrt(np.mean(samples**2))) == pytest.approx(0.4 / np.sqrt(2), rel=0.08)


@pytest.fixture(scope="module")
def two_track_video(speech_wav: SpeechClip, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out_dir = tmp_path_factory.mktemp("two_tracks")
    tone = media.make_tone(out_dir / "tone.wav", speech_wav.duration_s, sample_rate=22_050)
    return media.make_multitrack_video(
        out_dir / "dubbed.mkv", [speech_wav.path, tone], languages=["eng", "kor"]
    )


def dominant_frequency(samples: npt.NDArray[np.float32]) -> float:
    spectrum = np.abs(np.fft.rfft(samples))
    return float(np.fft.rfftfreq(samples.size, 1 / SAMPLE_RATE)[spectrum.argmax()])


def test_stream_index_picks_among_audio_streams(two_track_video: Path) -> None:
    first = decode_audio(two_track_video)
    chosen_first = decode_audio(two_track_video, stream_index=0)
    second = decode_audio(two_track_video, stream_index=1)

    np.testing.assert_array_equal(first.samples, chosen_first.samples)
    assert dominant_frequency(second.samples) == pytest.approx(440, abs=2)
    assert dominant_frequency(first.samples) != pytest.approx(440, abs=20)


@pytest.mark.parametrize("index", [2, -1])
def test_stream_index_out_of_range_says_how_many_there_are(
    two_track_video: Path, index: int
) -> None:
    with pytest.raises(NoAudioStreamError) as caught:
        decode_audio(two_track_video, stream_index=index)

    message = str(caught.value)
    assert "'dubbed.mkv' has 2 audio streams (numbered 0 to 1)" in message
    assert f"there is no audio stream {index}" in message


def test_probe_lists_audio_streams_with_their_languages(two_track_video: Path) -> None:
    info = probe(two_track_video)

    assert [stream.index for stream in info.audio_streams] == [0, 1]
    assert [stream.language for stream in info.audio_streams] == ["eng", "kor"]
    assert info.has_video


def test_audio_that_starts_late_keeps_its_place_in_the_timeline(
    speech_wav: SpeechClip, tmp_path: Path
) -> None:
    video = media.make_video(tmp_path / "late.mp4", audio_wav=speech_wav.path, audio_delay_s=1.0)

    audio = decode_audio(video)

    assert audio.duration_s == pytest.approx(1.0 + speech_wav.duration_s, abs=DURATION_TOLERANCE_S)
    assert float(np.abs(audio.samples[: SAMPLE_RATE * 9 // 10]).max()) < 0.01
    assert audio.warnings == ()


def test_accepts_a_string_path(media_matrix: dict[str, MediaCase]) -> None:
    assert decode_audio(str(media_matrix["wav"].path)).samples.size > 0
