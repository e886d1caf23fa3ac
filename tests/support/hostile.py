"""A corpus of broken and hostile uploads, made on the spot, each with the outcome it must have.

Issue 11 asks that no upload, however strange, takes a worker, the server or another job
down, and that each one ends in words its sender understands. Every file here is written by
the tests themselves in a second or two (no shared data): things that are not media at all,
damaged containers, odd but valid formats, decode bombs, and file names meant to escape a
folder or a shell. ``expect`` is what must become of it: ``refused`` at upload (a 4xx),
``failed`` as a job, or ``succeeded``; ``says`` is text its error (or, for a success, its
stored display name) must contain.
"""

from __future__ import annotations

import gzip
import io
import struct
import subprocess
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

import av
import numpy as np
from av.video.codeccontext import VideoCodecContext

from tests.support import media

Outcome = Literal["refused", "failed", "succeeded"]

# The corpus server's limits (tests/integration/api/test_hostile.py): the 3-hour file is over
# the duration limit there, so it fails from its header instead of decoding for seconds.
MAX_UPLOAD_MB = 4
MAX_DURATION_S = 2 * 60 * 60.0
_OCTETS = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class HostileFile:
    key: str  # what is wrong with it, unique in the corpus
    upload_name: str  # the file name its part is sent under
    path: Path
    expect: Outcome
    says: str  # in the error; for a success, the display name the job shows back
    content_type: str = _OCTETS  # what the client claims; never trusted


def build_hostile_corpus(out_dir: Path) -> list[HostileFile]:
    """Every file of the corpus, written under ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tone = media.make_tone(out_dir / "tone.wav", 1.0)
    return [
        *_not_media(out_dir, tone),
        *_damaged(out_dir, tone),
        *_formats(out_dir, tone),
        *_bombs(out_dir),
        *_names(tone),
        _oversized(out_dir),
    ]


def _oversized(out: Path) -> HostileFile:
    """One byte over the upload limit: refused while it streams in, never stored."""
    path = out / "oversized.mp4"
    path.write_bytes(b"\0" * (MAX_UPLOAD_MB * 1024 * 1024 + 1))
    return HostileFile("size:over_limit", "big.mp4", path, "refused", "upload limit")


def _not_media(out: Path, tone: Path) -> list[HostileFile]:
    """Text, pictures, documents, archives and programs, under media names or their own."""
    rng = np.random.default_rng(11)
    text = b"Meeting notes\n- send the subtitles on Friday\n" * 20
    html = b"<!doctype html><html><body><script>alert(1)</script></body></html>\n"
    files = {
        "empty.mp3": b"",
        "notes.txt": text,
        "notes.mp3": text,
        "page.html": html,
        "page.mp4": html,
        "data.json": b'{"audio": "yes", "seconds": 10}\n',
        "script.wav": b"#!/bin/sh\nrm -rf / --no-preserve-root\n",
        "picture.png": _image("png"),
        "picture.mp3": _image("png"),
        "drawing.wav": _image("bmp"),
        "photo.m4a": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200),
        "anim.mp4": b"GIF89a" + bytes(200),
        "report.pdf.ogg": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(200),
        "audio.zip": _zip(tone),
        "archive.mkv": _zip(tone),
        "audio.wav.gz": gzip.compress(tone.read_bytes()),
        "bundle.tar": _tar(tone),
        "program.mp4": b"\x7fELF\x02\x01\x01" + rng.integers(0, 256, 4000, np.uint8).tobytes(),
        "random.wav": rng.integers(0, 256, 20_000, np.uint8).tobytes(),
        "noise.g722": rng.integers(0, 256, 20_000, np.uint8).tobytes(),  # a raw codec's name
    }
    says = {
        "empty.mp3": "empty",
        "picture.png": "PNG image",
        "picture.mp3": "PNG image",
        "drawing.wav": "picture",
        "photo.m4a": "JPEG image",
        "anim.mp4": "GIF image",
        "report.pdf.ogg": "PDF document",
        "audio.zip": "ZIP archive",
        "archive.mkv": "ZIP archive",
        "audio.wav.gz": "not recognised",
        "bundle.tar": "not an audio or video file",
        "program.mp4": "not recognised",
        "random.wav": "not recognised",
        "noise.g722": "not recognised",
    }
    corpus: list[HostileFile] = []
    for name, data in files.items():
        path = out / f"not-media-{len(corpus)}.bin"
        path.write_bytes(data)
        expect: Outcome = "refused" if not data else "failed"
        what = says.get(name, "a text file, not an audio or video file")
        corpus.append(HostileFile(f"not_media:{name}", name, path, expect, what))
    return corpus


def _damaged(out: Path, tone: Path) -> list[HostileFile]:
    """Containers cut short or overwritten: fail when nothing decodes, else succeed."""
    video = media.make_video(out / "whole.mp4", audio_wav=tone)
    mkv = media.make_video(out / "whole.mkv", audio_wav=tone)
    flac = media.encode(tone, out / "whole.flac", codec="flac")
    mp3 = media.encode(tone, out / "whole.mp3", codec="libmp3lame")
    no_moov = bytearray(video.read_bytes())
    at = no_moov.find(b"moov")
    no_moov[at : at + 4] = b"xxxx"
    (out / "no-moov.mp4").write_bytes(no_moov)
    (out / "header-only.wav").write_bytes(tone.read_bytes()[:44])
    (out / "ogg-junk.ogg").write_bytes(b"OggS" + bytes(range(256)) * 4)
    media.write_wav(out / "none.wav", np.zeros((1, 0), np.float32), 16_000)
    return [
        _bad("cut:mp4", "cut.mp4", media.truncate(video, out / "cut.mp4"), "damaged"),
        _bad("cut:mkv", "cut.mkv", media.truncate(mkv, out / "cut.mkv", keep=0.02), "Matroska"),
        _bad("cut:flac_half", "half.flac", media.truncate(flac, out / "half.flac"), "FLAC"),
        _ok("cut:mp3_half", "half.mp3", media.truncate(mp3, out / "half.mp3")),
        _bad("broken:mp4_no_index", "index.mp4", out / "no-moov.mp4", "MP4"),
        _bad("broken:wav_header_only", "header.wav", out / "header-only.wav", "header.wav"),
        _bad("broken:ogg_junk", "junk.ogg", out / "ogg-junk.ogg", "Ogg"),
        _bad("broken:wav_no_samples", "none.wav", out / "none.wav", "no sound"),
    ]


def _formats(out: Path, tone: Path) -> list[HostileFile]:
    """Valid but unusual: judged by content, whatever their name or claimed type."""
    noise = np.random.default_rng(12).uniform(-0.1, 0.1, (8, 8000)).astype(np.float32)
    media.write_wav(out / "one.wav", noise[:1, :1], 16_000)
    media.write_wav(out / "8k.wav", noise[:1], 8_000)
    media.write_wav(out / "96k.wav", np.tile(noise[:1], 12), 96_000)
    (out / "8ch.wav").write_bytes(
        wav_with_header(16_000, 8, 16, (noise.T * 32767).astype("<i2").tobytes())
    )
    mp3 = media.encode(tone, out / "tone.mp3", codec="libmp3lame")
    silence_3h = out / "silence-3h.flac"
    _ffmpeg("anullsrc=r=8000:cl=mono", 3 * 3600, silence_3h, "-c:a", "flac", "-frame_size", "32768")
    film = media.make_video(out / "film.mp4", seconds=1.0)
    return [
        _bad("format:video_only", "film.mp4", film, "no audio track"),
        _ok("format:one_sample", "one.wav", out / "one.wav"),
        _ok("format:8khz", "phone.wav", out / "8k.wav"),
        _ok("format:96khz", "studio.wav", out / "96k.wav"),
        _ok("format:8_channels", "surround.wav", out / "8ch.wav"),
        _ok("format:wav_named_txt", "speech.txt", tone, "text/plain"),
        _ok("format:mp3_named_png", "cover.png", mp3, "image/png"),
        _ok("format:no_extension", "recording", tone),
        _bad("format:silent_3h", "three-hours.flac", silence_3h, "lasts 3:00:00"),
    ]


def _bombs(out: Path) -> list[HostileFile]:
    """Headers that promise more than any recording: refused before decoding."""
    many = out / "many-streams.mkv"
    maps = [arg for _ in range(200) for arg in ("-map", "0:a")]
    _ffmpeg("anullsrc=r=8000:cl=mono", 0.05, many, *maps, "-c:a", "pcm_s16le")
    small = _ffmpeg("anullsrc=r=8000:cl=mono", 1.0, out / "small.flac", "-c:a", "flac")
    hours_100 = 100 * 3600 * 8000
    (out / "100h.flac").write_bytes(flac_claiming(small.read_bytes(), hours_100))
    (out / "100h.wav").write_bytes(wav_with_header(8_000, 1, 8, b"\x80" * 800, hours_100))
    (out / "rate.wav").write_bytes(wav_with_header(50_000_000, 1, 16, bytes(1600)))
    (out / "channels.wav").write_bytes(wav_with_header(8_000, 4000, 16, bytes(16_000)))
    return [
        _bad("bomb:200_streams", "streams.mkv", many, "200 streams"),
        _bad("bomb:flac_claims_100h", "long.flac", out / "100h.flac", "lasts 100:00:00"),
        # FFmpeg trusts a WAV's file size over its header: the 0.1 s that is there is read.
        _ok("bomb:wav_claims_100h", "long.wav", out / "100h.wav"),
        _bad("bomb:50_mhz", "fast.wav", out / "rate.wav", "samples a second"),
        _bad("bomb:4000_channels", "wide.wav", out / "channels.wav", "damaged"),
    ]


def _names(tone: Path) -> list[HostileFile]:
    """Good audio under names meant to escape a folder or a shell: shown back, never used."""
    same = [
        "; rm -rf ~ && echo $(id) `whoami` | cat > x.wav",
        "$HOME %s %n {0} ' <b>.wav",
        "회의 녹음 2024년.wav",
        "🎤 podcast 🎧.m4a",
    ]
    reduced = {
        "../../etc/passwd.mp3": "passwd.mp3",
        "..\\..\\windows\\system32\\evil.wav": "evil.wav",
        "/absolute/path.wav": "path.wav",
        "..": "upload",
        "한" * 300 + ".wav": "한" * 255,
        **{name: name for name in same},
    }
    return [
        HostileFile(f"name:{index}", name, tone, "succeeded", shown)
        for index, (name, shown) in enumerate(reduced.items())
    ]


def _ok(key: str, name: str, path: Path, claimed: str = _OCTETS) -> HostileFile:
    return HostileFile(key, name, path, "succeeded", name, claimed)


def _bad(key: str, name: str, path: Path, says: str) -> HostileFile:
    return HostileFile(key, name, path, "failed", says)


def _image(codec: str) -> bytes:
    """A real 8x8 picture from PyAV's ``codec`` encoder ("png", "bmp")."""
    frame = av.VideoFrame.from_ndarray(np.zeros((8, 8, 3), dtype=np.uint8), format="rgb24")
    encoder = cast(VideoCodecContext, av.CodecContext.create(codec, "w"))
    encoder.width, encoder.height = 8, 8
    encoder.pix_fmt = "rgb24" if codec == "png" else "bgr24"
    return b"".join(bytes(packet) for packet in encoder.encode(frame))


def _zip(member: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(member, member.name)
    return buffer.getvalue()


def _tar(member: Path) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        archive.add(member, member.name)
    return buffer.getvalue()


def wav_with_header(
    rate: int, channels: int, bits: int, data: bytes, declared: int | None = None
) -> bytes:
    """A PCM WAV whose header says what it is told to, true or not."""
    declared = len(data) if declared is None else declared
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * block, block, bits)
    body = b"WAVEfmt " + struct.pack("<I", len(fmt)) + fmt + b"data"
    body += struct.pack("<I", declared) + data
    return b"RIFF" + struct.pack("<I", min(len(body) - len(data) + declared, 2**32 - 1)) + body


def flac_claiming(flac: bytes, total_samples: int) -> bytes:
    """``flac`` with STREAMINFO's 36-bit total sample count set to ``total_samples``."""
    forged = bytearray(flac)
    field = slice(8 + 10, 8 + 18)  # after "fLaC" and the block header: rates, counts
    packed = int.from_bytes(forged[field], "big")
    packed = (packed & ~((1 << 36) - 1)) | total_samples
    forged[field] = packed.to_bytes(8, "big")
    return bytes(forged)


def _ffmpeg(source: str, seconds: float, dst: Path, *args: str) -> Path:
    """Render a lavfi ``source`` with the ffmpeg command line (cheap for hours of silence)."""
    command = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", source, "-t", str(seconds)]
    subprocess.run([*command, *args, str(dst)], check=True, timeout=60)
    return dst
