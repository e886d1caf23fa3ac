"""Real media files made on the fly, so tests never ship binary fixtures.

Speech comes from the ``espeak-ng`` binary (tests may shell out); every container and codec
is written with PyAV, so a new case in a test matrix is one more call here rather than one
more file in the repository. Everything is small: seconds of audio and tiny video frames.

Samples are float32 arrays shaped ``(channels, frames)`` with values in [-1, 1].
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
from av.audio.stream import AudioStream
from av.container import OutputContainer
from av.video.stream import VideoStream

Samples = npt.NDArray[np.float32]

# A video stream that is real (decodable, moving frames) but costs almost nothing to encode.
# 25 fps because MPEG-1 accepts only broadcast frame rates.
_VIDEO_SIZE = (64, 48)
_VIDEO_FPS = 25
_AUDIO_BLOCK = 4096  # samples per frame handed to encoders

# Video and audio codecs each video container gets unless told otherwise: a spread of the
# pairs people actually upload.
VIDEO_DEFAULTS: dict[str, tuple[str, str]] = {
    "mp4": ("libx264", "aac"),
    "mov": ("mpeg4", "aac"),
    "matroska": ("libx264", "libopus"),
    "webm": ("libvpx", "vorbis"),
    "mpeg": ("mpeg1video", "mp2"),
    "avi": ("mpeg4", "libmp3lame"),
}

_CONTAINER_BY_SUFFIX = {
    ".wav": "wav",
    ".flac": "flac",
    ".mp3": "mp3",
    ".m4a": "ipod",
    ".ogg": "ogg",
    ".opus": "ogg",
    ".aiff": "aiff",
    ".mp4": "mp4",
    ".mov": "mov",
    ".mkv": "matroska",
    ".webm": "webm",
    ".mpg": "mpeg",
    ".avi": "avi",
}

# Encoder settings that trade quality (irrelevant here) for speed; with threads, libvpx spends
# a second per tiny clip just coordinating them.
_FAST_VIDEO_OPTIONS = {
    "libvpx": {"deadline": "realtime", "cpu-used": "16", "lag-in-frames": "0", "threads": "1"},
    "libx264": {"preset": "ultrafast", "threads": "1"},
}

# FFmpeg's own Vorbis encoder is marked experimental and writes only two channels.
_EXPERIMENTAL = {"vorbis"}
_STEREO_ONLY = {"vorbis"}
# Opus has no 22.05 kHz mode; the encoder's resampler takes the source to 48 kHz.
_FIXED_RATE = {"libopus": 48_000}


@dataclass(frozen=True, slots=True)
class Track:
    """One audio track to write: its samples and where it sits in the file."""

    samples: Samples
    sample_rate: int
    codec: str
    channels: int = 1
    delay_s: float = 0.0  # silence between the file's start and the track's first sample
    language: str | None = None  # ISO 639-2 tag, e.g. "eng"


def speak(text: str, wav_path: Path, *, voice: str = "en-us", speed: int | None = None) -> Path:
    """Synthesise ``text`` with espeak-ng into a 22.05 kHz mono WAV (speed: words a minute)."""
    command = ["espeak-ng", "--stdin", "-v", voice, "-w", str(wav_path)]
    if speed is not None:
        command += ["-s", str(speed)]
    subprocess.run(command, input=text.encode(), check=True, capture_output=True)
    return wav_path


def container_for(path: Path) -> str:
    """The FFmpeg muxer name that a file name's suffix implies."""
    try:
        return _CONTAINER_BY_SUFFIX[path.suffix.lower()]
    except KeyError:
        raise ValueError(f"no container known for suffix {path.suffix!r}") from None


def read_samples(path: Path, *, stream_index: int = 0) -> tuple[Samples, int]:
    """Decode a small file whole, at its own sample rate and channel count.

    Independent of jamak.media on purpose: tests compare jamak's output against this.
    """
    with av.open(str(path)) as container:
        stream = container.streams.audio[stream_index]
        resampler = av.AudioResampler(format="fltp", layout=stream.layout, rate=stream.rate)
        planes = [
            out.to_ndarray()
            for frame in container.decode(stream)
            for out in resampler.resample(frame)
        ]
        planes += [out.to_ndarray() for out in resampler.resample(None)]
        return np.concatenate(planes, axis=1).astype(np.float32), stream.rate


def write_wav(path: Path, samples: Samples, sample_rate: int) -> Path:
    """Write ``(channels, frames)`` samples as 16-bit PCM WAV (zero frames is allowed)."""
    samples = np.atleast_2d(np.asarray(samples, dtype=np.float32))
    with av.open(str(path), mode="w", format="wav") as out:
        stream = _add_audio_stream(out, "pcm_s16le", sample_rate, samples.shape[0])
        out.start_encoding()  # writes the header even when there are no samples to follow
        for frame in _audio_frames(samples, sample_rate):
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def make_silence(
    path: Path, seconds: float, *, sample_rate: int = 16_000, channels: int = 1
) -> Path:
    frames = round(seconds * sample_rate)
    return write_wav(path, np.zeros((channels, frames), dtype=np.float32), sample_rate)


def make_noise(
    path: Path,
    seconds: float,
    *,
    amplitude: float = 0.3,
    sample_rate: int = 16_000,
    channels: int = 1,
    seed: int = 0,
) -> Path:
    """White noise, seeded so that a failing test can be rerun on the same file."""
    frames = round(seconds * sample_rate)
    rng = np.random.default_rng(seed)
    noise = rng.uniform(-amplitude, amplitude, size=(channels, frames)).astype(np.float32)
    return write_wav(path, noise, sample_rate)


def make_tone(
    path: Path,
    seconds: float,
    *,
    frequency: float = 440.0,
    amplitude: float = 0.5,
    sample_rate: int = 16_000,
    channels: int = 1,
) -> Path:
    t = np.arange(round(seconds * sample_rate), dtype=np.float64) / sample_rate
    wave = (amplitude * np.sin(2 * np.pi * frequency * t)).astype(np.float32)
    return write_wav(path, np.tile(wave, (channels, 1)), sample_rate)


def concat_wavs(paths: Sequence[Path], dst: Path) -> Path:
    """Join WAVs end to end; they must share sample rate and channel count."""
    parts = [read_samples(path) for path in paths]
    rates = {rate for _, rate in parts}
    channels = {samples.shape[0] for samples, _ in parts}
    if len(rates) != 1 or len(channels) != 1:
        raise ValueError(f"cannot join WAVs with rates {rates} and channel counts {channels}")
    return write_wav(dst, np.concatenate([samples for samples, _ in parts], axis=1), rates.pop())


def write_stereo(path: Path, left: Path, right: Path) -> Path:
    """A stereo WAV whose channels come from two mono WAVs of the same sample rate."""
    (left_samples, rate), (right_samples, right_rate) = read_samples(left), read_samples(right)
    if rate != right_rate:
        raise ValueError("left and right must share a sample rate")
    stereo = np.zeros((2, max(left_samples.shape[1], right_samples.shape[1])), dtype=np.float32)
    stereo[0, : left_samples.shape[1]] = left_samples[0]
    stereo[1, : right_samples.shape[1]] = right_samples[0]
    return write_wav(path, stereo, rate)


def encode(
    src_wav: Path,
    dst_path: Path,
    *,
    codec: str,
    container: str | None = None,
    channels: int = 1,
    sample_rate: int | None = None,
    options: dict[str, str] | None = None,
) -> Path:
    """Re-encode ``src_wav`` as an audio-only file (container from the suffix unless given).

    ``channels=2`` puts a mono source in both channels; ``options`` go to the muxer, for
    instance ``{"movflags": "faststart"}`` to put an MP4's index before its data.
    """
    samples, rate = read_samples(src_wav)
    track = Track(samples, sample_rate or rate, codec, channels)
    with av.open(
        str(dst_path), "w", format=container or container_for(dst_path), options=options
    ) as out:
        _mux(out, None, 0, [track])
    return dst_path


def make_video(
    dst: Path,
    *,
    audio_wav: Path | None = None,
    seconds: float | None = None,
    container: str | None = None,
    video_codec: str | None = None,
    audio_codec: str | None = None,
    channels: int = 1,
    audio_delay_s: float = 0.0,
) -> Path:
    """A small video with real, moving frames and ``audio_wav`` as its sound track.

    Without ``audio_wav`` the file has no audio stream at all. ``seconds`` (the video's
    length) defaults to the audio's end, or 2 s without audio. ``audio_delay_s`` starts the
    sound that long after the picture, as in a recording whose audio begins late.
    """
    container = container or container_for(dst)
    tracks = []
    if audio_wav is not None:
        samples, rate = read_samples(audio_wav)
        codec = audio_codec or VIDEO_DEFAULTS[container][1]
        tracks.append(Track(samples, rate, codec, channels, audio_delay_s))
    return write_video(dst, tracks, seconds=seconds, container=container, video_codec=video_codec)


def make_multitrack_video(
    dst: Path,
    audio_wavs: Sequence[Path],
    *,
    languages: Sequence[str | None] | None = None,
    container: str | None = None,
) -> Path:
    """A video with one audio stream per WAV, in order (say, an original and a dub)."""
    container = container or container_for(dst)
    codec = VIDEO_DEFAULTS[container][1]
    tags = list(languages) if languages is not None else [None] * len(audio_wavs)
    tracks = []
    for wav, language in zip(audio_wavs, tags, strict=True):
        samples, rate = read_samples(wav)
        tracks.append(Track(samples, rate, codec, language=language))
    return write_video(dst, tracks, container=container)


def write_video(
    dst: Path,
    tracks: Sequence[Track],
    *,
    seconds: float | None = None,
    container: str | None = None,
    video_codec: str | None = None,
) -> Path:
    """The general form behind :func:`make_video`: any number of audio tracks."""
    container = container or container_for(dst)
    if seconds is None:
        ends = [track.delay_s + track.samples.shape[1] / track.sample_rate for track in tracks]
        seconds = max(ends, default=2.0)
    with av.open(str(dst), mode="w", format=container) as out:
        codec = video_codec or VIDEO_DEFAULTS[container][0]
        video = out.add_stream(codec, rate=_VIDEO_FPS, options=_FAST_VIDEO_OPTIONS.get(codec))
        if not isinstance(video, VideoStream):
            raise TypeError(f"{codec} is not a video codec")
        video.width, video.height = _VIDEO_SIZE
        video.pix_fmt = "yuv420p"
        _mux(out, video, round(seconds * _VIDEO_FPS), tracks)
    return dst


def write_with_gap(src_wav: Path, dst: Path, *, gap_at_s: float, gap_s: float) -> Path:
    """A Matroska file whose audio timestamps jump ``gap_s`` forward at ``gap_at_s``.

    What a recording looks like after a damaged stretch was dropped: the samples there are
    gone, but the timestamps around the hole still say where everything belongs.
    """
    samples, rate = read_samples(src_wav)
    cut = round(gap_at_s * rate)
    with av.open(str(dst), mode="w", format="matroska") as out:
        stream = _add_audio_stream(out, "pcm_s16le", rate, samples.shape[0])
        before = _audio_frames(samples[:, :cut], rate)
        after = _audio_frames(samples[:, cut:], rate, first_pts=cut + round(gap_s * rate))
        for frame in [*before, *after]:
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return dst


def truncate(src: Path, dst: Path, *, keep: float = 0.5) -> Path:
    """Copy the first ``keep`` fraction of ``src``'s bytes, like an interrupted download."""
    data = src.read_bytes()
    dst.write_bytes(data[: int(len(data) * keep)])
    return dst


def _mux(
    out: OutputContainer, video: VideoStream | None, video_frames: int, tracks: Sequence[Track]
) -> None:
    """Encode video frames and audio blocks in time order, as a real recording arrives.

    MPEG-PS and AVI muxers write a badly interleaved file if one stream arrives whole first.
    """
    sources: list[tuple[VideoStream | AudioStream, Iterator[av.VideoFrame | av.AudioFrame]]] = []
    if video is not None:
        sources.append((video, iter(_moving_frames(video_frames))))
    for track in tracks:
        stream = _add_audio_stream(out, track.codec, track.sample_rate, track.channels)
        if track.language:
            stream.metadata["language"] = track.language
        # Copy mono into both channels here: FFmpeg's own upmix would scale each by 0.707.
        samples = np.repeat(
            track.samples, stream.layout.nb_channels // track.samples.shape[0], axis=0
        )
        first_pts = round(track.delay_s * track.sample_rate)
        sources.append(
            (stream, iter(_audio_frames(samples, track.sample_rate, first_pts=first_pts)))
        )
    heads = [next(frames, None) for _, frames in sources]
    while any(head is not None for head in heads):
        index = min(
            (i for i, head in enumerate(heads) if head is not None), key=lambda i: _time_s(heads[i])
        )
        encoder, frames = sources[index]
        out.mux(encoder.encode(heads[index]))  # type: ignore[arg-type]
        heads[index] = next(frames, None)
    for encoder, _ in sources:
        out.mux(encoder.encode(None))


def _time_s(frame: av.VideoFrame | av.AudioFrame | None) -> float:
    if frame is None or frame.pts is None or frame.time_base is None:
        return float("inf")
    return float(frame.pts * frame.time_base)


def _add_audio_stream(
    out: OutputContainer, codec: str, sample_rate: int, channels: int
) -> AudioStream:
    stream = out.add_stream(codec, rate=_FIXED_RATE.get(codec, sample_rate))
    if not isinstance(stream, AudioStream):
        raise TypeError(f"{codec} is not an audio codec")
    stream.layout = "stereo" if channels == 2 or codec in _STEREO_ONLY else "mono"
    if codec in _EXPERIMENTAL:
        stream.codec_context.options["strict"] = "experimental"
    return stream


def _audio_frames(
    samples: Samples, sample_rate: int, *, first_pts: int = 0
) -> Iterator[av.AudioFrame]:
    layout = "mono" if samples.shape[0] == 1 else "stereo"
    for start in range(0, samples.shape[1], _AUDIO_BLOCK):
        block = np.ascontiguousarray(samples[:, start : start + _AUDIO_BLOCK], dtype=np.float32)
        frame = av.AudioFrame.from_ndarray(block, format="fltp", layout=layout)
        frame.sample_rate = sample_rate
        frame.pts = first_pts + start
        frame.time_base = Fraction(1, sample_rate)
        yield frame


def _moving_frames(count: int) -> Iterator[av.VideoFrame]:
    """A bright bar sweeping across a dark field, so encoders emit real packets."""
    width, height = _VIDEO_SIZE
    for index in range(count):
        image = np.full((height, width, 3), 40, dtype=np.uint8)
        column = (index * 3) % width
        image[:, column : column + 4] = (230, 180, 20)
        frame = av.VideoFrame.from_ndarray(image, format="rgb24")
        frame.pts = index
        frame.time_base = Fraction(1, _VIDEO_FPS)
        yield frame


def tone_words(
    duration_s: float, words: Sequence[tuple[float, float, float]], *, sample_rate: int = 16_000
) -> Samples:
    """Silence with a tone burst for each ``(start_s, end_s, pitch_hz)``: the words
    :class:`jamak.asr.fake.ToneWordsRecognizer` hears, at known times."""
    samples = np.zeros(round(duration_s * sample_rate), dtype=np.float32)
    for start_s, end_s, pitch in words:
        first, stop = round(start_s * sample_rate), round(end_s * sample_rate)
        t = np.arange(stop - first, dtype=np.float64) / sample_rate
        samples[first:stop] = (0.5 * np.sin(2 * np.pi * pitch * t)).astype(np.float32)
    return samples
