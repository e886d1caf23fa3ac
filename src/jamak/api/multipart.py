"""Receives a multipart upload straight onto disk, enforcing a size limit per file.

Media files can be gigabytes, so the body is parsed as it arrives and each file part is
written to an anonymous temporary file chunk by chunk; nothing holds a whole file in memory.
A file over the limit stops being written at once: no byte past the limit reaches the disk.
Up to :data:`DRAIN_BYTES` more of the body are still read (and dropped) before the 413 goes
out, because closing a connection with unread request data makes many clients lose the
response and report a broken pipe instead of the real reason; past that the reading stops
and the connection is closed, so a client sending without end costs a bounded amount.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath
from typing import BinaryIO
from urllib.parse import unquote

from python_multipart import MultipartParser
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import parse_options_header

from jamak.api.errors import ApiError

MAX_FIELD_BYTES = 64 * 1024
MAX_FILES = 100
DRAIN_BYTES = 16 * 1024 * 1024  # what a refused body may still send: most clients' buffers
_EXTENDED_FILENAME = re.compile(rb"filename\*\s*=\s*([\w-]+)'[^']*'([^;\s]+)", re.IGNORECASE)
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class UploadedFile:
    filename: str
    file: BinaryIO  # positioned at the start, ready to be read
    size: int = 0


@dataclass
class UploadForm:
    files: list[UploadedFile] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)

    def close(self) -> None:
        for upload in self.files:
            upload.file.close()


@dataclass
class _Part:
    disposition: bytes = b""
    header_name: bytes = b""
    header_value: bytes = b""
    name: str = ""
    ignored: bool = False  # an empty file input: browsers send a part with filename=""
    upload: UploadedFile | None = None
    data: bytearray = field(default_factory=bytearray)


class _FormCollector:
    """The parser's callbacks: they route each part's bytes to a field or a temporary file."""

    def __init__(self, *, max_file_bytes: int, spool_dir: Path) -> None:
        self.max_file_bytes = max_file_bytes
        self.spool_dir = spool_dir
        self.form = UploadForm()
        self.part = _Part()

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self.on_part_begin,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
        }

    def on_part_begin(self) -> None:
        self.part = _Part()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.part.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.part.header_value += data[start:end]

    def on_header_end(self) -> None:
        if self.part.header_name.strip().lower() == b"content-disposition":
            self.part.disposition = self.part.header_value
        self.part.header_name = self.part.header_value = b""

    def on_headers_finished(self) -> None:
        _, params = parse_options_header(self.part.disposition)
        self.part.name = params.get(b"name", b"").decode("utf-8", "replace")
        filename = _filename(self.part.disposition, params.get(b"filename"))
        if filename is None:
            return
        if not filename:
            self.part.ignored = True
            return
        if len(self.form.files) >= MAX_FILES:
            raise ApiError(413, "too_many_files", f"send at most {MAX_FILES} files at once")
        self.spool_dir.mkdir(parents=True, exist_ok=True)
        spool = tempfile.TemporaryFile(dir=self.spool_dir)  # noqa: SIM115 (closed by UploadForm)
        upload = UploadedFile(filename, spool)
        self.part.upload = upload
        self.form.files.append(upload)

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        upload = self.part.upload
        if self.part.ignored:
            return
        if upload is None:
            self.part.data += data[start:end]
            if len(self.part.data) > MAX_FIELD_BYTES:
                raise ApiError(413, "field_too_large", f"form field {self.part.name!r} is too long")
            return
        upload.size += end - start
        if upload.size > self.max_file_bytes:
            limit_mb = self.max_file_bytes / (1024 * 1024)
            raise ApiError(
                413,
                "file_too_large",
                f"{upload.filename} is larger than the {limit_mb:g} MB upload limit",
            )
        upload.file.write(data[start:end])

    def on_part_end(self) -> None:
        upload = self.part.upload
        if self.part.ignored:
            return
        if upload is None:
            value = self.part.data.decode("utf-8", "replace")
            previous = self.form.fields.get(self.part.name)
            self.form.fields[self.part.name] = value if previous is None else f"{previous},{value}"
            return
        upload.file.seek(0)


async def read_upload(
    content_type: str,
    body: AsyncIterator[bytes],
    *,
    max_file_bytes: int,
    spool_dir: Path,
) -> UploadForm:
    """Parse a ``multipart/form-data`` body; the caller closes the returned form's files.

    Repeated fields are joined with commas (``formats=srt`` twice reads as ``srt,srt``).
    """
    kind, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise ApiError(415, "unsupported_media_type", "send the files as multipart/form-data")
    collector = _FormCollector(max_file_bytes=max_file_bytes, spool_dir=spool_dir)
    parser = MultipartParser(boundary, collector.callbacks())  # type: ignore[arg-type]
    try:
        async for chunk in body:
            parser.write(chunk)
        parser.finalize()
    except ApiError:
        collector.form.close()
        await _drain(body)
        raise
    except MultipartParseError as exc:
        collector.form.close()
        raise ApiError(
            400, "bad_upload", f"the upload is not valid multipart data: {exc}"
        ) from None
    except BaseException:
        collector.form.close()
        raise
    return collector.form


async def _drain(body: AsyncIterator[bytes]) -> None:
    """Read and drop up to :data:`DRAIN_BYTES` of what is left; see the module docstring."""
    dropped = 0
    async for chunk in body:
        dropped += len(chunk)
        if dropped > DRAIN_BYTES:
            return


def _filename(disposition: bytes, plain: bytes | None) -> str | None:
    """The part's file name (RFC 5987 ``filename*`` preferred), reduced to a safe base name."""
    extended = _EXTENDED_FILENAME.search(disposition)
    if extended:
        charset = extended.group(1).decode("ascii", "replace")
        try:
            name = unquote(extended.group(2).decode("ascii", "replace"), encoding=charset)
        except LookupError:
            name = unquote(extended.group(2).decode("ascii", "replace"))
    elif plain is not None:
        name = plain.decode("utf-8", "replace")
    else:
        return None
    if not name.strip():
        return ""
    base = PureWindowsPath(name).name  # drops both "/" and "\" folders some browsers send
    base = _CONTROL_CHARS.sub("", base).strip()[:255]
    # Shown back to its owner only, never used as a path; "." and ".." would still read as one.
    return "upload" if base in ("", ".", "..") else base
