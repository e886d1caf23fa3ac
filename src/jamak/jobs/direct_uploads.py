"""Presigned uploads: the browser moves the media to the object store itself, then a job starts.

On AWS a request through API Gateway and Lambda carries a few megabytes at most, so the
browser asks for upload URLs (:func:`start_upload`), PUTs the file to S3 itself (one PUT,
or one per part of a multipart upload for large files), and calls :func:`complete_upload`,
which registers the job and starts it. Between the two calls the upload's details wait in
the object store beside the media (:func:`jamak.jobs.keys.pending_upload_key`), so the API
stays stateless and an abandoned upload is cleaned up with the rest of the job's files.

Every use case takes the optional :class:`~jamak.jobs.ports.DirectUploads` port as the
composition root provides it: ``None`` (the embedded backend) raises
:class:`~jamak.errors.DirectUploadUnsupportedError`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from jamak.errors import (
    DirectUploadUnsupportedError,
    JobNotFoundError,
    ObjectNotFoundError,
    UploadAlreadyCompletedError,
    UploadIncompleteError,
    UploadNotFoundError,
    UploadSizeMismatchError,
    UploadTooLargeError,
)
from jamak.jobs.keys import job_prefix, media_key, pending_upload_key
from jamak.jobs.model import Job, JobOptions, new_job_id
from jamak.jobs.ports import (
    DirectUploads,
    JobStore,
    Launcher,
    MultipartUpload,
    ObjectStore,
    UploadedPart,
)
from jamak.jobs.quotas import NO_LIMITS, SubmitLimits, check_can_submit
from jamak.jobs.service import register_uploaded_job

MIB = 1024 * 1024
MAX_SINGLE_PUT_BYTES = 5 * 1024 * MIB  # S3's ceiling on one PUT


@dataclass(frozen=True, slots=True)
class DirectUploadLimits:
    max_upload_bytes: int
    multipart_threshold_bytes: int  # above this, a multipart upload
    part_bytes: int  # preferred part size (the store raises it for huge files)
    expires_s: int  # how long the signed URLs are valid


@dataclass(frozen=True, slots=True)
class UploadTicket:
    """Where to PUT the file: one URL, or one per part of a multipart upload."""

    job_id: str
    url: str | None
    multipart: MultipartUpload | None
    expires_s: int


@dataclass(frozen=True, slots=True)
class PendingUpload:
    """What the start call leaves for the complete call, in the object store."""

    owner: str
    filename: str
    size_bytes: int
    options: JobOptions
    upload_id: str | None = None
    part_size_bytes: int | None = None  # multipart: the size its parts were signed for

    def to_json(self) -> bytes:
        data: dict[str, Any] = {
            "owner": self.owner,
            "filename": self.filename,
            "size_bytes": self.size_bytes,
            "options": self.options.to_dict(),
            "upload_id": self.upload_id,
            "part_size_bytes": self.part_size_bytes,
        }
        return json.dumps(data).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> PendingUpload:
        data = json.loads(raw)
        return cls(
            owner=data["owner"],
            filename=data["filename"],
            size_bytes=int(data["size_bytes"]),
            options=JobOptions.from_dict(data.get("options") or {}),
            upload_id=data.get("upload_id"),
            part_size_bytes=data.get("part_size_bytes"),
        )


def require(uploads: DirectUploads | None) -> DirectUploads:
    if uploads is None:
        raise DirectUploadUnsupportedError("this deployment takes uploads through POST /api/jobs")
    return uploads


def start_upload(
    *,
    uploads: DirectUploads | None,
    objects: ObjectStore,
    limits: DirectUploadLimits,
    owner: str,
    filename: str,
    size_bytes: int,
    options: JobOptions,
    store: JobStore | None = None,
    submit_limits: SubmitLimits = NO_LIMITS,
    exempt: bool = False,
) -> UploadTicket:
    """Sign where the browser sends the file, and remember the upload for its completion.
    With ``store``, the quotas are checked before anything is signed, so no byte is
    uploaded for a job that could not run."""
    signer = require(uploads)
    if size_bytes > limits.max_upload_bytes:
        raise UploadTooLargeError(f"files may be at most {limits.max_upload_bytes // MIB} MB")
    if store is not None:
        check_can_submit(store=store, owner=owner, limits=submit_limits, exempt=exempt)
    job_id = new_job_id()
    key = media_key(job_id)
    url, multipart = None, None
    if size_bytes <= min(limits.multipart_threshold_bytes, MAX_SINGLE_PUT_BYTES):
        url = signer.presign_put(key, size_bytes=size_bytes, expires_s=limits.expires_s)
    else:
        multipart = signer.presign_multipart(
            key,
            size_bytes=size_bytes,
            part_size_bytes=limits.part_bytes,
            expires_s=limits.expires_s,
        )
    pending = PendingUpload(
        owner=owner,
        filename=filename,
        size_bytes=size_bytes,
        options=options,
        upload_id=multipart.upload_id if multipart else None,
        part_size_bytes=multipart.part_size_bytes if multipart else None,
    )
    objects.put_bytes(pending_upload_key(job_id), pending.to_json())
    return UploadTicket(job_id=job_id, url=url, multipart=multipart, expires_s=limits.expires_s)


def renew_upload_urls(
    *,
    uploads: DirectUploads | None,
    store: JobStore,
    objects: ObjectStore,
    limits: DirectUploadLimits,
    job_id: str,
    owner: str | None = None,
    part_numbers: Sequence[int] = (),
) -> UploadTicket:
    """Sign an upload in progress again, for a slow upload whose URLs expired (S3 answers
    403): the single PUT URL, or the multipart upload's part URLs (``part_numbers``: only
    those; empty: every part), same upload id, each part for its exact length as before.
    ``owner``: only that user's upload is found; another user's reads as not started (404).
    An upload that is a job already has nothing left to sign."""
    signer = require(uploads)
    pending = _read_pending(objects, job_id, owner)
    try:
        store.get(job_id)
    except JobNotFoundError:
        pass
    else:
        raise UploadAlreadyCompletedError("the upload is a job now; nothing is left to upload")
    key = media_key(job_id)
    if pending.upload_id is None:
        url = signer.presign_put(key, size_bytes=pending.size_bytes, expires_s=limits.expires_s)
        return UploadTicket(job_id=job_id, url=url, multipart=None, expires_s=limits.expires_s)
    multipart = signer.presign_parts(
        key,
        pending.upload_id,
        size_bytes=pending.size_bytes,
        # Records from before part sizes were kept: the size start_upload chose then.
        part_size_bytes=pending.part_size_bytes or limits.part_bytes,
        expires_s=limits.expires_s,
        part_numbers=part_numbers,
    )
    return UploadTicket(job_id=job_id, url=None, multipart=multipart, expires_s=limits.expires_s)


def complete_upload(
    *,
    uploads: DirectUploads | None,
    store: JobStore,
    objects: ObjectStore,
    launcher: Launcher,
    job_id: str,
    upload_id: str | None,
    parts: Sequence[UploadedPart],
    owner: str | None = None,
    submit_limits: SubmitLimits = NO_LIMITS,
    exempt: bool = False,
) -> Job:
    """Register the uploaded file as a job and start it; a repeated call gets the job back.
    ``owner``: only that user's upload is found (None: anyone's, as without sign-in).
    The quotas are checked again here, not only when the upload started: the bytes are
    already stored, but the recognition they would start is what the quotas protect."""
    signer = require(uploads)
    try:
        return store.get(job_id)
    except JobNotFoundError:
        pass  # the usual case
    pending = _read_pending(objects, job_id, owner)
    key = media_key(job_id)
    if pending.upload_id is not None:
        if upload_id != pending.upload_id or not parts:
            raise UploadIncompleteError("send the upload_id and every part's ETag")
        signer.complete_multipart(key, pending.upload_id, parts)
    _check_uploaded_size(objects, key, pending.size_bytes)
    job = Job(
        id=job_id,
        owner=pending.owner,
        filename=pending.filename,
        media_key=key,
        options=pending.options,
    )
    return register_uploaded_job(
        store=store, launcher=launcher, job=job, limits=submit_limits, exempt=exempt
    )


def abort_upload(
    *,
    uploads: DirectUploads | None,
    store: JobStore,
    objects: ObjectStore,
    job_id: str,
    owner: str | None = None,
) -> None:
    """Give up an upload that was not completed; nothing to do for one never started."""
    signer = require(uploads)
    try:
        store.get(job_id)
    except JobNotFoundError:
        pass
    else:
        raise UploadAlreadyCompletedError("the upload is a job now; delete the job")
    try:
        pending = _read_pending(objects, job_id, owner)
    except UploadNotFoundError:
        return
    if pending.upload_id is not None:
        signer.abort_multipart(media_key(job_id), pending.upload_id)
    objects.delete_prefix(job_prefix(job_id))


def _read_pending(objects: ObjectStore, job_id: str, owner: str | None) -> PendingUpload:
    """The pending upload; another user's is "not started", the same as a missing one."""
    try:
        with objects.open(pending_upload_key(job_id)) as source:
            pending = PendingUpload.from_json(source.read())
    except ObjectNotFoundError:
        raise UploadNotFoundError(f"no upload {job_id} was started") from None
    if owner is not None and pending.owner != owner:
        raise UploadNotFoundError(f"no upload {job_id} was started")
    return pending


def _check_uploaded_size(objects: ObjectStore, key: str, expected: int) -> None:
    """The second line behind the signed lengths: an object store that does not check a
    signature (a test double, an S3 look-alike) still never turns a file of another size
    than announced, and so than the quotas allowed, into a job."""
    try:
        size = objects.size(key)
    except ObjectNotFoundError:
        raise UploadIncompleteError("the file has not been uploaded yet") from None
    if size != expected:
        raise UploadSizeMismatchError(
            f"{size} bytes arrived, {expected} were announced; upload the file again"
        )
