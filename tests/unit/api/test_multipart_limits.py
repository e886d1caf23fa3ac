"""The upload size limit holds while the body streams in, however long the client sends.

:func:`read_upload` is fed an endless body: it must answer 413 after reading no more than
the limit and a bounded drain, never waiting for an end that does not come.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from jamak.api.errors import ApiError
from jamak.api.multipart import DRAIN_BYTES, read_upload

BOUNDARY = "hostile"
CHUNK = 64 * 1024


class EndlessUpload:
    """A multipart body whose one file part never ends; counts the bytes handed out."""

    def __init__(self) -> None:
        self.sent = 0

    async def body(self) -> AsyncIterator[bytes]:
        head = (
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="file"; filename="../../endless.wav"\r\n'
            "Content-Type: audio/wav\r\n\r\n"
        ).encode()
        self.sent += len(head)
        yield head
        while True:
            self.sent += CHUNK
            yield bytes(CHUNK)


def _run_alone(coroutine: Coroutine[object, object, object]) -> object:
    """On a thread of its own: a browser test of the same session may keep an event loop
    running on the main thread, where asyncio.run refuses to start another."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def test_an_endless_upload_is_cut_off_with_413(tmp_path: Path) -> None:
    upload, limit = EndlessUpload(), 1024 * 1024
    read = read_upload(
        f"multipart/form-data; boundary={BOUNDARY}",
        upload.body(),
        max_file_bytes=limit,
        spool_dir=tmp_path,
    )
    with pytest.raises(ApiError) as refused:
        _run_alone(asyncio.wait_for(read, timeout=30))
    assert refused.value.status_code == 413
    assert "endless.wav is larger than the 1 MB upload limit" in refused.value.message
    # The chunk that crossed the limit, the drain, the chunk that crossed it, the part header.
    assert upload.sent <= limit + DRAIN_BYTES + 3 * CHUNK
    assert list(tmp_path.iterdir()) == []  # nothing named after the upload, nothing kept
