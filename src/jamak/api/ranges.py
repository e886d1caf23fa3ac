"""HTTP byte ranges (RFC 9110 §14) for the media route, so players can seek and resume.

Browsers ask for one range at a time (``bytes=START-`` mostly), so a single range is served
as a 206; a request for several ranges gets the whole object as a plain 200, which the RFC
allows and every client understands.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

CHUNK_BYTES = 256 * 1024
_RANGE = re.compile(r"^\s*(\d*)\s*-\s*(\d*)\s*$")


@dataclass(frozen=True, slots=True)
class ByteRange:
    start: int  # first byte, inclusive
    end: int  # last byte, inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end}/{size}"


class RangeNotSatisfiableError(Exception):
    """The range lies wholly outside the object: answered with 416."""


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The one range to serve, or None to serve the whole object.

    Malformed headers and multi-range requests are ignored (None), as RFC 9110 permits.
    """
    if not header:
        return None
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    match = _RANGE.match(spec)
    if match is None or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if not first:  # "bytes=-N": the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiableError
        return ByteRange(max(size - suffix, 0), size - 1)
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None
    if start >= size:
        raise RangeNotSatisfiableError
    return ByteRange(start, min(end, size - 1))


def iter_bytes(open_source: Callable[[], BinaryIO], start: int, length: int) -> Iterator[bytes]:
    """``length`` bytes from ``start``, in chunks.

    The source is opened on the first chunk, not before, so a client that goes away before
    the body starts leaves no file open.
    """
    with open_source() as source:
        if start:
            _skip_to(source, start)
        remaining = length
        while remaining > 0:
            chunk = source.read(min(CHUNK_BYTES, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk


def _skip_to(source: BinaryIO, offset: int) -> None:
    if source.seekable():
        source.seek(offset)
        return
    remaining = offset  # a network stream: read past the bytes before the range
    while remaining > 0:
        chunk = source.read(min(CHUNK_BYTES, remaining))
        if not chunk:
            return
        remaining -= len(chunk)
