"""Recognise a file from its first bytes, to explain why FFmpeg could not open it.

FFmpeg reports "invalid data" both for a photo renamed ``.mp4`` and for an MP4 cut off before
its index; users need to hear different things ("this is an image" versus "this video is
damaged or incomplete"), so jamak looks at the well-known magic numbers itself.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

HEAD_BYTES = 512  # enough for every signature below, including MPEG-TS's second sync byte


@dataclass(frozen=True, slots=True)
class Signature:
    description: str  # completes "looks like ...", e.g. "an MP4 or MOV video"
    is_media: bool


# (offset, magic bytes, what it is). Checked in order; the first match wins. Raw MP3 and AAC
# without an ID3 tag are left out on purpose: their 11-bit frame sync turns up in random
# bytes far too often to be evidence.
_MEDIA: tuple[tuple[int, bytes, str], ...] = (
    (4, b"ftyp", "an MP4 or MOV file"),
    (0, b"\x1aE\xdf\xa3", "a Matroska or WebM file"),
    (0, b"OggS", "an Ogg file"),
    (0, b"fLaC", "a FLAC file"),
    (0, b"ID3", "an MP3 file"),
    (8, b"WAVE", "a WAV file"),
    (8, b"AVI ", "an AVI video"),
    (0, b"FORM", "an AIFF file"),
    (0, b"\x00\x00\x01\xba", "an MPEG video"),
    (0, b"\x30\x26\xb2\x75\x8e\x66\xcf\x11", "a Windows Media file"),
    (0, b"caff", "a Core Audio file"),
    (0, b"#!AMR", "an AMR recording"),
)
_NOT_MEDIA: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (0, b"\xff\xd8\xff", "a JPEG image"),
    (0, b"GIF8", "a GIF image"),
    (8, b"WEBP", "a WebP image"),
    (0, b"%PDF", "a PDF document"),
    (0, b"PK\x03\x04", "a ZIP archive or office document"),
)
_MPEG_TS_PACKET = 188


def identify(head: bytes) -> Signature | None:
    """What the first bytes of a file say it is; None when they say nothing known."""
    for offset, magic, description in _NOT_MEDIA:
        if head[offset : offset + len(magic)] == magic:
            return Signature(description, is_media=False)
    for offset, magic, description in _MEDIA:
        if head[offset : offset + len(magic)] == magic:
            return Signature(description, is_media=True)
    if len(head) > _MPEG_TS_PACKET and head[0] == head[_MPEG_TS_PACKET] == 0x47:
        return Signature("an MPEG transport stream", is_media=True)
    if _is_text(head):
        return Signature("a text file", is_media=False)
    return None


def _is_text(head: bytes) -> bool:
    try:
        # Incremental, so that a character cut in two at the end of the head is not an error.
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return bool(text) and all(ch.isprintable() or ch in "\t\r\n" for ch in text)
