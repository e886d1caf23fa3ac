"""What a media file holds, as plain frozen values that callers can show or decide on.

Kept apart from PyAV types so that the layers above (the API's upload check, the CLI's
"which audio track?" prompt) never see an ``av`` object.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AudioStreamInfo:
    """One audio stream of a file.

    ``index`` counts audio streams only (0 is the first audio stream, whatever video or
    subtitle streams come before it); it is the number ``decode_audio(stream_index=...)`` takes.
    """

    index: int
    codec: str
    sample_rate: int
    channels: int
    duration_s: float | None
    language: str | None  # the container's tag (ISO 639, e.g. "eng"); None when absent or "und"


@dataclass(frozen=True, slots=True)
class MediaInfo:
    format_name: str  # FFmpeg's demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2" or "wav"
    duration_s: float | None  # None when the container does not say
    audio_streams: tuple[AudioStreamInfo, ...]
    has_video: bool  # a real picture stream; cover art embedded in audio files does not count
    # Frames a second of the first real picture stream, as the container says (subtitles
    # are timed on its frames); None for audio, or when the container does not say.
    frame_rate: float | None = None
