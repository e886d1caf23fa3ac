"""Media in, 16 kHz mono float32 samples out: the only part of jamak that imports PyAV.

Any container FFmpeg reads (audio files, videos, broadcast recordings) becomes the audio
Whisper expects, with failures reported as :class:`jamak.errors.MediaError` subclasses whose
messages are written for the person who supplied the file.

- :func:`probe`: what a file holds (format, length, audio streams, whether it has video).
- :func:`decode_audio`: one audio stream, whole, as :class:`DecodedAudio`.
- :func:`iter_audio_blocks`: the same audio in fixed-length blocks, for long files.
- :class:`MediaLimits`: what a file may declare before it is refused undecoded.
- :func:`write_listening_copy`: audio any browser plays, for uploads browsers cannot.
- :func:`is_media_name`: whether a file in a folder is a recording, by its name.
"""

from jamak.media.decode import DecodedAudio, decode_audio, iter_audio_blocks
from jamak.media.info import AudioStreamInfo, MediaInfo
from jamak.media.limits import MediaLimits
from jamak.media.listening import write_listening_copy
from jamak.media.ordering import longest_first
from jamak.media.probe import probe
from jamak.media.resample import SAMPLE_RATE
from jamak.media.suffixes import is_media_name

__all__ = [
    "SAMPLE_RATE",
    "AudioStreamInfo",
    "DecodedAudio",
    "MediaInfo",
    "MediaLimits",
    "decode_audio",
    "is_media_name",
    "iter_audio_blocks",
    "longest_first",
    "probe",
    "write_listening_copy",
]
