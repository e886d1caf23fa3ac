"""Presigned upload URLs sign the length: the single PUT's whole file, each multipart part's
own bytes. A client that announced N bytes (and had N checked against the upload limit)
cannot store N+1 on real S3.

moto's server does not check presigned signatures at all (it verifies only ``Authorization``
headers, and only with ``INITIAL_NO_AUTH_ACTION_COUNT`` set), so what S3 would refuse is
shown with S3's own signature computation (tests/aws/presigned.py), and against moto that
uploads of the announced length go through. The size check at "complete" stays as the
second line (tests/aws/test_uploads.py, test_an_upload_of_another_size_than_announced_...).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from jamak.backends.aws.clients import s3_client
from jamak.backends.aws.objects import S3ObjectStore
from jamak.bootstrap.configs import aws_config
from jamak.jobs.ports import UploadedPart
from jamak.settings import Settings
from tests.aws.presigned import s3_would_accept, signed_headers

pytestmark = pytest.mark.aws

MIB = 1024 * 1024


@pytest.fixture
def objects(moto_settings: Settings) -> Iterator[S3ObjectStore]:
    """The store as the deployment builds it (SigV4, path-style for moto)."""
    store = S3ObjectStore(s3_client(aws_config(moto_settings)), moto_settings.aws_bucket)
    yield store
    store.close()


def _accepts(url: str, length: int) -> bool:
    return s3_would_accept(url, method="PUT", headers={"Content-Length": str(length)})


def test_a_single_put_url_is_signed_for_the_announced_length(objects: S3ObjectStore) -> None:
    data = b"x" * 1000
    url = objects.presign_put("jobs/abc/media", size_bytes=len(data), expires_s=600)

    assert "content-length" in signed_headers(url)
    assert _accepts(url, len(data))
    assert not _accepts(url, len(data) + 1)
    assert not _accepts(url, len(data) * 1000)
    assert not _accepts(url, len(data) - 1)

    put = httpx.put(url, content=data)  # moto: stored, as S3 would for the right length
    assert put.status_code == 200, put.text
    assert objects.size("jobs/abc/media") == len(data)


def test_each_part_url_is_signed_for_that_parts_length(objects: S3ObjectStore) -> None:
    size = 12 * MIB + 7
    upload = objects.presign_multipart(
        "jobs/abc/media", size_bytes=size, part_size_bytes=5 * MIB, expires_s=600
    )
    lengths = [5 * MIB, 5 * MIB, 2 * MIB + 7]

    assert [part.number for part in upload.parts] == [1, 2, 3]
    for part, length in zip(upload.parts, lengths, strict=True):
        assert "content-length" in signed_headers(part.url)
        assert _accepts(part.url, length)
        assert not _accepts(part.url, length + 1)
    assert not _accepts(upload.parts[-1].url, upload.part_size_bytes)  # no full-size last part
    objects.abort_multipart(upload.key, upload.upload_id)


def test_parts_of_the_signed_lengths_upload_and_join(objects: S3ObjectStore) -> None:
    data = bytes(range(256)) * (11 * MIB // 256) + b"tail"
    upload = objects.presign_multipart(
        "jobs/def/media", size_bytes=len(data), part_size_bytes=5 * MIB, expires_s=600
    )
    etags = []
    for part in upload.parts:
        start = (part.number - 1) * upload.part_size_bytes
        put = httpx.put(part.url, content=data[start : start + upload.part_size_bytes])
        assert put.status_code == 200, put.text
        etags.append(UploadedPart(part.number, put.headers["etag"]))
    objects.complete_multipart(upload.key, upload.upload_id, etags)

    assert objects.size("jobs/def/media") == len(data)
