"""The shared set of generated test media: one speech clip in every container people upload,
and the broken files jamak must refuse clearly.

Built once per test session (see ``tests/conftest.py``); each entry records what a reader
should find in it, so tests assert against facts written here rather than re-derived.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from tests.support import media


@dataclass(frozen=True, slots=True)
class SpeechClip:
    path: Path  # 22.05 kHz mono WAV from espeak-ng
    text: str
    language: str  # ISO 639-1, as Whisper names languages
    duration_s: float


@dataclass(frozen=True, slots=True)
class MediaCase:
    name: str  # also the file's suffix
    path: Path
    audio_codec: str  # the codec name jamak.media.probe reports
    channels: int
    has_video: bool


# (suffix, audio codec to encode with, codec name probe reports, channels)
_AUDIO_ONLY = (
    ("wav", "pcm_s16le", "pcm_s16le", 1),
    ("flac", "flac", "flac", 1),
    ("mp3", "libmp3lame", "mp3", 1),
    ("m4a", "aac", "aac", 1),
    ("ogg", "vorbis", "vorbis", 2),
    ("opus", "libopus", "opus", 1),
    ("aiff", "pcm_s16be", "pcm_s16be", 1),
)
# (suffix, codec name probe reports for the container's default audio codec, channels)
_WITH_VIDEO = (
    ("mp4", "aac", 1),
    ("mkv", "opus", 1),
    ("mov", "aac", 1),
    ("webm", "vorbis", 2),
    ("mpg", "mp2", 1),
    ("avi", "mp3", 1),
)


def make_speech(text: str, path: Path, *, voice: str, language: str) -> SpeechClip:
    media.speak(text, path, voice=voice)
    samples, rate = media.read_samples(path)
    return SpeechClip(path, text, language, samples.shape[1] / rate)


def build_media_matrix(speech: SpeechClip, out_dir: Path) -> dict[str, MediaCase]:
    """The same speech in every container of the matrix, keyed by suffix."""
    cases = {}
    for suffix, codec, reported, channels in _AUDIO_ONLY:
        path = media.encode(
            speech.path, out_dir / f"speech.{suffix}", codec=codec, channels=channels
        )
        cases[suffix] = MediaCase(suffix, path, reported, channels, has_video=False)
    for suffix, reported, channels in _WITH_VIDEO:
        path = media.make_video(out_dir / f"speech.{suffix}", audio_wav=speech.path)
        cases[suffix] = MediaCase(suffix, path, reported, channels, has_video=True)
    return cases


def build_bad_files(speech: SpeechClip, out_dir: Path) -> dict[str, Path]:
    """Files that are not usable media, keyed by what is wrong with them."""
    rng = np.random.default_rng(1234)
    random_bytes = out_dir / "random.mp4"
    random_bytes.write_bytes(rng.integers(0, 256, 20_000, dtype=np.uint8).tobytes())
    png = out_dir / "picture.mp4"
    png.write_bytes(_tiny_image("png"))
    bmp = out_dir / "drawing.mp4"
    bmp.write_bytes(_tiny_image("bmp"))
    text = out_dir / "notes.mp4"
    text.write_text("Meeting notes\n- ask about the subtitles\n- send the video on Friday\n" * 10)
    empty = out_dir / "empty.mp4"
    empty.write_bytes(b"")
    # A normal MP4 keeps its index at the end, so the first half holds no playable audio.
    whole = media.make_video(out_dir / "whole.mp4", audio_wav=speech.path)
    return {
        "random_bytes": random_bytes,
        "png_as_mp4": png,
        "bmp_as_mp4": bmp,
        "text_as_mp4": text,
        "empty": empty,
        "truncated_mp4": media.truncate(whole, out_dir / "truncated.mp4"),
        "video_without_audio": media.make_video(out_dir / "silent_film.mp4", seconds=1.0),
        "no_samples_wav": media.write_wav(
            out_dir / "no_samples.wav", np.zeros((1, 0), np.float32), 16_000
        ),
    }


def _tiny_image(codec: str) -> bytes:
    """An 8x8 picture written by PyAV's ``codec`` encoder ("png", "bmp"): a real image."""
    frame = av.VideoFrame.from_ndarray(np.zeros((8, 8, 3), dtype=np.uint8), format="rgb24")
    encoder = av.CodecContext.create(codec, "w")
    encoder.width, encoder.height = 8, 8
    encoder.pix_fmt = "rgb24" if codec == "png" else "bgr24"
    return b"".join(bytes(packet) for packet in encoder.encode(frame))
