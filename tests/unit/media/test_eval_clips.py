"""Real recordings from ../shared/eval decode like the generated ones (skipped without them)."""

from __future__ import annotations

import numpy as np
import pytest

from jamak.media import SAMPLE_RATE, decode_audio, probe
from tests.support.eval import EvalClip
from tests.support.media import read_samples

pytestmark = pytest.mark.eval

# One clip per container and codec the generated matrix cannot produce the same way.
CLIPS = [
    "en_jfk",  # FLAC, 44.1 kHz stereo
    "en_cv_22058264",  # MP3, 48 kHz
    "music_vibe_ace",  # Ogg Vorbis with an MJPEG cover picture
    "video_en_ai_explained_16s",  # WebM, VP8 + Vorbis
    "video_en_grid_swwp2s",  # MPEG-PS, MPEG-1 video + MP2
    "fr_sr_dictee",  # AIFF, big-endian PCM
    "es_mls_13697_11991_000000",  # Opus
]


@pytest.mark.parametrize("short_name", CLIPS)
def test_real_clip_decodes_whole(eval_clips: dict[str, EvalClip], short_name: str) -> None:
    clip = eval_clips[short_name]

    audio = decode_audio(clip.path)

    assert audio.samples.dtype == np.float32
    assert audio.samples.ndim == 1
    assert audio.duration_s == pytest.approx(clip.duration_s, abs=0.1)
    assert float(np.abs(audio.samples).max()) <= 1.0
    assert float(np.sqrt(np.mean(audio.samples**2))) > 0.01
    assert audio.warnings == ()


@pytest.mark.parametrize(
    ("short_name", "has_video"),
    [
        ("video_en_ai_explained_16s", True),
        ("video_en_grid_swwp2s", True),
        ("music_vibe_ace", False),  # its one video stream is cover art, not video
        ("en_jfk", False),
    ],
)
def test_real_clip_probe(eval_clips: dict[str, EvalClip], short_name: str, has_video: bool) -> None:
    clip = eval_clips[short_name]

    info = probe(clip.path)

    assert info.has_video is has_video
    assert info.duration_s == pytest.approx(clip.duration_s, abs=0.1)
    assert len(info.audio_streams) == 1


def test_stereo_recording_is_mixed_not_reduced_to_one_side(
    eval_clips: dict[str, EvalClip],
) -> None:
    # Two speakers, one per channel: a left-only decode would lose the right speaker.
    clip = eval_clips["en_mfa_two_speakers_stereo"]
    channels, rate = read_samples(clip.path)
    assert (rate, channels.shape[0]) == (SAMPLE_RATE, 2)  # so no resampling blurs the check

    mixed = decode_audio(clip.path).samples

    np.testing.assert_allclose(mixed, channels.mean(axis=0), atol=1e-4)
    assert not np.allclose(mixed, channels[0], atol=1e-2)


def test_manifest_reads_reference_text(eval_clips: dict[str, EvalClip]) -> None:
    jfk = eval_clips["en_jfk"]

    assert jfk.language == "en"
    assert "ask not what your country can do for you" in jfk.reference_text
    assert eval_clips["silence_digital_zero"].language is None
    assert eval_clips["silence_digital_zero"].reference_text == ""
    assert all(clip.path.is_file() for clip in eval_clips.values())
