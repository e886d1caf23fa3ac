"""Presigned transfers: browsers move media straight to and from object storage.

API Gateway caps a request at 10 MB and Lambda at 6 MB, far below a film, so on AWS the
bytes never pass through the API: a small file goes up in one presigned PUT, a large one as
a presigned multipart upload (one URL per part, then "complete" with the parts' ETags).

This module is the vocabulary only, free of boto3, so the API can import it in any
deployment and ask at run time whether its object store can sign (:class:`DirectUploads`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

MIB = 1024 * 1024
MIN_PART_BYTES = 5 * MIB  # S3's floor for every part but the last
MAX_PARTS = 10_000  # S3's ceiling on parts per upload
MAX_SINGLE_PUT_BYTES = 5 * 1024 * MIB  # S3's ceiling on one PUT


@dataclass(frozen=True, slots=True)
class PresignedPart:
    number: int  # 1-based, as S3 numbers parts
    url: str


@dataclass(frozen=True, slots=True)
class MultipartUpload:
    key: str
    upload_id: str
    part_size_bytes: int  # every part but the last has exactly this size
    parts: tuple[PresignedPart, ...]


@dataclass(frozen=True, slots=True)
class UploadedPart:
    number: int
    etag: str  # the ETag header S3 answered the part's PUT with


def part_size_for(size_bytes: int, preferred_part_bytes: int) -> int:
    """A part size S3 accepts for ``size_bytes``: at least 5 MiB, and large enough that the
    file fits in 10,000 parts."""
    return max(MIN_PART_BYTES, preferred_part_bytes, math.ceil(size_bytes / MAX_PARTS))


@runtime_checkable
class DirectUploads(Protocol):
    """An object store that can sign URLs for browsers (S3); the local one cannot."""

    def presign_put(self, key: str, *, expires_s: int) -> str: ...

    def presign_multipart(
        self, key: str, *, size_bytes: int, part_size_bytes: int, expires_s: int
    ) -> MultipartUpload: ...

    def complete_multipart(
        self, key: str, upload_id: str, parts: Sequence[UploadedPart]
    ) -> None: ...

    def abort_multipart(self, key: str, upload_id: str) -> None: ...

    def presign_get(
        self,
        key: str,
        *,
        expires_s: int,
        download_name: str | None = None,
        content_type: str | None = None,
    ) -> str: ...

    def browser_origin(self) -> str:
        """Where browsers send and fetch the bytes (``https://host``), for the web page's
        content security policy."""
        ...
