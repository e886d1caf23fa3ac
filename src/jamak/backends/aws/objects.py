"""Media and subtitles in an S3 bucket: the AWS deployment's ObjectStore.

Besides the port, it signs URLs (:class:`~jamak.jobs.ports.DirectUploads`) so
browsers move media straight to and from S3 instead of through API Gateway and Lambda. S3
writes are atomic per object, which is what the port asks for.
"""

from __future__ import annotations

import io
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast
from urllib.parse import quote, urlsplit

from botocore.exceptions import ClientError

from jamak.backends.aws.busy import busy_as_backend_error
from jamak.backends.aws.transfers import part_lengths, part_size_for
from jamak.errors import ObjectNotFoundError, StorageAccessDeniedError, StorageError
from jamak.jobs.keys import check_key, check_prefix, readiness_probe_key
from jamak.jobs.ports import MultipartUpload, PresignedPart, UploadedPart

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import ErrorTypeDef

_DELETE_BATCH = 1000  # DeleteObjects takes at most this many keys
# S3 throttling (503 SlowDown) past botocore's retries: a job fails saying S3 was busy, the
# API answers 503 + Retry-After; never an "internal error".
_s3 = busy_as_backend_error("S3")


def content_disposition(download_name: str) -> str:
    """An attachment header that survives any file name: an ASCII fallback for old
    clients, and the exact UTF-8 name (RFC 6266 / 5987) for the rest."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in download_name
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(download_name, safe='')}"


_MISSING = frozenset({"NoSuchKey", "404", "NotFound"})
# GET answers "AccessDenied"; HEAD has no body, so botocore reports its status code.
_FORBIDDEN = frozenset({"AccessDenied", "403", "Forbidden"})


def _raise_read_error(err: ClientError, key: str) -> None:
    """Turn S3's answer for an object that cannot be read into jamak's words; return for any
    other error (the caller re-raises it).

    S3 says 404 for a missing key only to callers allowed ``s3:ListBucket`` on the bucket;
    to others it says 403, to hide which keys exist. The stacks grant that permission, so a
    403 here is a real permissions mistake and is reported as one, never as "not found"."""
    code = err.response.get("Error", {}).get("Code")
    if code in _MISSING:
        raise ObjectNotFoundError(f"no object {key!r}") from None
    if code in _FORBIDDEN:
        raise StorageAccessDeniedError(
            f"S3 refused access to {key!r} (AccessDenied): the deployment's role lacks "
            "s3:GetObject on the job files, or s3:ListBucket on the bucket, without which S3 "
            "answers 403 for a missing object too"
        ) from err


def _raise_refused_deletes(refused: Sequence[ErrorTypeDef], prefix: str) -> None:
    """DeleteObjects answers 200 even when it deletes nothing: each key S3 would not delete
    comes back as an error entry of its own (the only entries a quiet delete returns). A job
    whose files are still there must not be reported deleted, so any refusal fails the
    delete, after every other key has gone, and the job's record stays for another try."""
    codes = sorted({entry.get("Code", "") for entry in refused})
    first = refused[0].get("Key", "")
    message = (
        f"S3 kept {len(refused)} object(s) under {prefix!r} ({', '.join(codes)}; first "
        f"{first!r}): {refused[0].get('Message', '')}"
    )
    if set(codes) <= _FORBIDDEN:
        raise StorageAccessDeniedError(
            message + ": the deployment's role lacks s3:DeleteObject on the job files"
        )
    raise StorageError(message)


class _BodyReader(io.RawIOBase):
    """botocore's streaming body as a raw stream, so ``open`` streams instead of buffering."""

    def __init__(self, body: Any) -> None:
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self._body.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        self._body.close()
        super().close()


class S3ObjectStore:
    def __init__(self, client: S3Client, bucket: str) -> None:
        self._client = client
        self._bucket = bucket

    # --- ObjectStore ------------------------------------------------------------------

    @_s3
    def put_file(self, key: str, source: BinaryIO) -> int:
        check_key(key)
        # upload_fileobj switches to a managed multipart upload for large sources by itself.
        self._client.upload_fileobj(source, self._bucket, key)
        return self.size(key)

    @_s3
    def put_bytes(self, key: str, data: bytes) -> None:
        self._client.put_object(Bucket=self._bucket, Key=check_key(key), Body=data)

    @_s3
    def open(self, key: str) -> BinaryIO:
        try:
            response = self._client.get_object(Bucket=self._bucket, Key=check_key(key))
        except ClientError as err:
            _raise_read_error(err, key)
            raise
        return cast(BinaryIO, io.BufferedReader(_BodyReader(response["Body"])))

    @contextmanager
    def local_path(self, key: str) -> Iterator[Path]:
        check_key(key)
        with tempfile.TemporaryDirectory(prefix="jamak-s3-") as folder:
            path = Path(folder) / key.rsplit("/", 1)[-1]
            try:
                with busy_as_backend_error("S3"):
                    self._client.download_file(self._bucket, key, str(path))
            except ClientError as err:
                _raise_read_error(err, key)
                raise
            yield path

    @_s3
    def size(self, key: str) -> int:
        try:
            head = self._client.head_object(Bucket=self._bucket, Key=check_key(key))
        except ClientError as err:
            _raise_read_error(err, key)
            raise
        return head["ContentLength"]

    @_s3
    def delete_prefix(self, prefix: str) -> None:
        check_prefix(prefix)
        self._abort_uploads(prefix)
        pages = self._client.get_paginator("list_objects_v2").paginate(
            Bucket=self._bucket, Prefix=prefix
        )
        keys = [obj["Key"] for page in pages for obj in page.get("Contents", [])]
        refused: list[ErrorTypeDef] = []
        for start in range(0, len(keys), _DELETE_BATCH):
            batch = keys[start : start + _DELETE_BATCH]
            response = self._client.delete_objects(
                Bucket=self._bucket,
                Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True},
            )
            refused += response.get("Errors", [])
        if refused:
            _raise_refused_deletes(refused, prefix)

    @_s3
    def check_writable(self) -> None:
        key = readiness_probe_key(uuid.uuid4().hex)
        self._client.put_object(Bucket=self._bucket, Key=key, Body=b"ok")
        self._client.delete_object(Bucket=self._bucket, Key=key)

    def close(self) -> None:
        self._client.close()

    # --- presigned transfers ----------------------------------------------------------

    def presign_put(self, key: str, *, size_bytes: int, expires_s: int) -> str:
        """A URL that accepts one PUT of exactly ``size_bytes`` (up to S3's 5 GB).

        The length is a signed header (``content-length`` in ``X-Amz-SignedHeaders``): S3
        answers 403 to a body of any other length, so a client cannot store more than it
        announced, and the announced size is what the upload limit was checked against."""
        return self._client.generate_presigned_url(
            "put_object",
            Params={"Bucket": self._bucket, "Key": check_key(key), "ContentLength": size_bytes},
            ExpiresIn=expires_s,
            HttpMethod="PUT",
        )

    @_s3
    def presign_multipart(
        self, key: str, *, size_bytes: int, part_size_bytes: int, expires_s: int
    ) -> MultipartUpload:
        """Start a multipart upload and sign one PUT URL per part, each for that part's
        exact length (every part ``part_size`` bytes, the last what remains), so the parts
        together can hold no more than ``size_bytes``."""
        if size_bytes <= 0:
            raise StorageError("a multipart upload needs the file's size")
        part_size = part_size_for(size_bytes, part_size_bytes)
        created = self._client.create_multipart_upload(Bucket=self._bucket, Key=check_key(key))
        return self.presign_parts(
            key,
            created["UploadId"],
            size_bytes=size_bytes,
            part_size_bytes=part_size,
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
        """Signing is local: no request to S3, so renewing the URLs of a slow upload costs
        nothing and works while its parts are in flight."""
        wanted = set(part_numbers)
        parts = tuple(
            PresignedPart(
                number,
                self._client.generate_presigned_url(
                    "upload_part",
                    Params={
                        "Bucket": self._bucket,
                        "Key": check_key(key),
                        "UploadId": upload_id,
                        "PartNumber": number,
                        "ContentLength": length,
                    },
                    ExpiresIn=expires_s,
                    HttpMethod="PUT",
                ),
            )
            for number, length in enumerate(part_lengths(size_bytes, part_size_bytes), start=1)
            if not wanted or number in wanted
        )
        return MultipartUpload(key, upload_id, part_size_bytes, parts)

    @_s3
    def complete_multipart(self, key: str, upload_id: str, parts: Sequence[UploadedPart]) -> None:
        """Join the uploaded parts into the object; S3 checks every ETag."""
        ordered = sorted(parts, key=lambda part: part.number)
        try:
            self._client.complete_multipart_upload(
                Bucket=self._bucket,
                Key=check_key(key),
                UploadId=upload_id,
                MultipartUpload={
                    "Parts": [{"PartNumber": p.number, "ETag": p.etag} for p in ordered]
                },
            )
        except ClientError as err:
            code = err.response.get("Error", {}).get("Code", "")
            if code in {"InvalidPart", "InvalidPartOrder", "NoSuchUpload", "EntityTooSmall"}:
                raise StorageError(f"the multipart upload could not be completed: {code}") from err
            raise

    @_s3
    def abort_multipart(self, key: str, upload_id: str) -> None:
        self._client.abort_multipart_upload(
            Bucket=self._bucket, Key=check_key(key), UploadId=upload_id
        )

    def presign_get(
        self,
        key: str,
        *,
        expires_s: int,
        download_name: str | None = None,
        content_type: str | None = None,
    ) -> str:
        """A URL that downloads the object, saved under ``download_name`` by browsers and
        labelled ``content_type`` (players need it; the upload's own label may be absent)."""
        params: dict[str, str] = {"Bucket": self._bucket, "Key": check_key(key)}
        if download_name:
            params["ResponseContentDisposition"] = content_disposition(download_name)
        if content_type:
            params["ResponseContentType"] = content_type
        return self._client.generate_presigned_url("get_object", Params=params, ExpiresIn=expires_s)

    def browser_origin(self) -> str:
        # Signing is local (no request is sent); the URL's origin is the bucket's endpoint.
        url = urlsplit(self.presign_get("origin", expires_s=60))
        return f"{url.scheme}://{url.netloc}"

    def _abort_uploads(self, prefix: str) -> None:
        """Unfinished multipart uploads of a deleted job would otherwise be billed until the
        bucket's lifecycle rule aborts them."""
        pages = self._client.get_paginator("list_multipart_uploads").paginate(
            Bucket=self._bucket, Prefix=prefix
        )
        for page in pages:
            for upload in page.get("Uploads", []):
                self.abort_multipart(upload["Key"], upload["UploadId"])
