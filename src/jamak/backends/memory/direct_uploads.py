"""A fake :class:`~jamak.jobs.ports.DirectUploads` over an in-memory object store.

It "signs" URLs that nothing serves (``https://uploads.invalid/...``); a test plays the
browser by putting the bytes into the object store itself, then calls the use case. It
remembers completed and aborted multipart uploads so tests can check what was asked.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence

from jamak.jobs.ports import MultipartUpload, PresignedPart, UploadedPart

ORIGIN = "https://uploads.invalid"


class InMemoryDirectUploads:
    def __init__(self) -> None:
        self.completed: list[tuple[str, str, tuple[UploadedPart, ...]]] = []
        self.aborted: list[tuple[str, str]] = []

    def presign_put(self, key: str, *, size_bytes: int, expires_s: int) -> str:
        return f"{ORIGIN}/{key}?put&size={size_bytes}&expires={expires_s}"

    def presign_multipart(
        self, key: str, *, size_bytes: int, part_size_bytes: int, expires_s: int
    ) -> MultipartUpload:
        return self.presign_parts(
            key,
            uuid.uuid4().hex,
            size_bytes=size_bytes,
            part_size_bytes=part_size_bytes,
            expires_s=expires_s,
        )

    def presign_parts(
        self,
        key: str,
        upload_id: str,
        *,
        size_bytes: int,
        part_size_bytes: int,
        expires_s: int,
        part_numbers: Sequence[int] = (),
    ) -> MultipartUpload:
        parts = tuple(
            PresignedPart(number, f"{ORIGIN}/{key}?upload={upload_id}&part={number}")
            for number in range(1, math.ceil(size_bytes / part_size_bytes) + 1)
            if not part_numbers or number in part_numbers
        )
        return MultipartUpload(key, upload_id, part_size_bytes, parts)

    def complete_multipart(self, key: str, upload_id: str, parts: Sequence[UploadedPart]) -> None:
        self.completed.append((key, upload_id, tuple(parts)))

    def abort_multipart(self, key: str, upload_id: str) -> None:
        self.aborted.append((key, upload_id))

    def presign_get(
        self,
        key: str,
        *,
        expires_s: int,
        download_name: str | None = None,
        content_type: str | None = None,
    ) -> str:
        return f"{ORIGIN}/{key}?get&expires={expires_s}"

    def browser_origin(self) -> str:
        return ORIGIN
