"""``/api/uploads``: media goes straight to S3 through presigned URLs, then becomes a job.

On AWS a request through API Gateway and Lambda can carry at most a few megabytes, so the
browser asks here for upload URLs, PUTs the file to S3 itself (one PUT, or one per part of
a multipart upload for large files), and calls "complete", which registers the job and
starts it. Between the two calls the upload's details wait in the object store beside the
media (``jobs/<id>/upload.json``), so the API stays stateless and an abandoned upload is
cleaned up with the rest of the job's files by the bucket's lifecycle rules.

Backends whose object store cannot sign URLs (the embedded one) answer 501 here; their
clients upload through ``POST /api/jobs``.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Body, status
from pydantic import BaseModel, ConfigDict, Field

from jamak.api.deps import JobIdPath, OwnerDep, ServicesDep
from jamak.api.errors import ApiError
from jamak.api.schemas import ErrorOut, JobOut, UploadOptions
from jamak.backends.aws.transfers import MAX_SINGLE_PUT_BYTES, DirectUploads, UploadedPart
from jamak.bootstrap import Services
from jamak.errors import JobNotFoundError, ObjectNotFoundError
from jamak.jobs import service
from jamak.jobs.model import Job, new_job_id

router = APIRouter(prefix="/api/uploads", tags=["uploads"])

MIB = 1024 * 1024


class UploadStartIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filename: str = Field(min_length=1, max_length=255, description="the file's own name")
    size_bytes: int = Field(gt=0, description="the file's exact size; checked on completion")
    options: UploadOptions = Field(default_factory=UploadOptions)


class PartUrlOut(BaseModel):
    part_number: int
    url: str


class MultipartOut(BaseModel):
    upload_id: str
    part_size_bytes: int = Field(description="every part but the last has this size")
    parts: list[PartUrlOut]


class UploadTicketOut(BaseModel):
    job_id: str
    method: str = "PUT"
    url: str | None = Field(description="single upload: PUT the whole file here")
    multipart: MultipartOut | None = Field(
        description="large files: PUT each part to its URL, keep each answer's ETag header"
    )
    complete_url: str
    expires_in_s: int


class PartIn(BaseModel):
    part_number: int = Field(ge=1, le=10_000)
    etag: str = Field(min_length=1, max_length=128)


class UploadCompleteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    upload_id: str | None = Field(None, description="the multipart upload id, if multipart")
    parts: list[PartIn] = Field(default_factory=list, max_length=10_000)


class _PendingUpload(BaseModel):
    """What the start call leaves for the complete call, in the object store."""

    owner: str
    filename: str
    size_bytes: int
    options: UploadOptions
    upload_id: str | None = None


def _pending_key(job_id: str) -> str:
    return f"{service.job_prefix(job_id)}upload.json"


def _signer(services: Services) -> DirectUploads:
    objects = services.objects
    if not isinstance(objects, DirectUploads):
        raise ApiError(
            501,
            "direct_upload_unsupported",
            "this deployment takes uploads through POST /api/jobs",
        )
    return objects


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={413: {"model": ErrorOut}, 501: {"model": ErrorOut}},
    summary="Get presigned URLs to upload one file",
)
def start_upload(
    body: Annotated[UploadStartIn, Body()], services: ServicesDep, owner: OwnerDep
) -> UploadTicketOut:
    settings = services.settings
    signer = _signer(services)
    if body.size_bytes > settings.max_upload_mb * MIB:
        raise ApiError(413, "file_too_large", f"files may be at most {settings.max_upload_mb} MB")
    job_id = new_job_id()
    key = service.media_key(job_id)
    expires_s = settings.aws_presign_expiry_s
    single = min(settings.aws_multipart_threshold_mb * MIB, MAX_SINGLE_PUT_BYTES)
    url, multipart = None, None
    if body.size_bytes <= single:
        url = signer.presign_put(key, expires_s=expires_s)
    else:
        upload = signer.presign_multipart(
            key,
            size_bytes=body.size_bytes,
            part_size_bytes=settings.aws_multipart_part_mb * MIB,
            expires_s=expires_s,
        )
        multipart = MultipartOut(
            upload_id=upload.upload_id,
            part_size_bytes=upload.part_size_bytes,
            parts=[PartUrlOut(part_number=p.number, url=p.url) for p in upload.parts],
        )
    pending = _PendingUpload(
        owner=owner,
        filename=body.filename,
        size_bytes=body.size_bytes,
        options=body.options,
        upload_id=multipart.upload_id if multipart else None,
    )
    services.objects.put_bytes(_pending_key(job_id), pending.model_dump_json().encode())
    return UploadTicketOut(
        job_id=job_id,
        url=url,
        multipart=multipart,
        complete_url=f"/api/uploads/{job_id}/complete",
        expires_in_s=expires_s,
    )


@router.post(
    "/{job_id}/complete",
    status_code=status.HTTP_201_CREATED,
    responses={404: {"model": ErrorOut}, 409: {"model": ErrorOut}, 501: {"model": ErrorOut}},
    summary="Register the uploaded file as a job and start it",
)
def complete_upload(
    job_id: JobIdPath,
    services: ServicesDep,
    body: Annotated[UploadCompleteIn | None, Body()] = None,
) -> JobOut:
    signer = _signer(services)
    try:
        return JobOut.from_job(service.get_job(store=services.store, job_id=job_id))
    except JobNotFoundError:
        pass  # the usual case; a repeated "complete" just gets the job back
    pending = _read_pending(services, job_id)
    key = service.media_key(job_id)
    if pending.upload_id is not None:
        request = body or UploadCompleteIn()
        if request.upload_id != pending.upload_id or not request.parts:
            raise ApiError(409, "upload_incomplete", "send the upload_id and every part's ETag")
        signer.complete_multipart(
            key,
            pending.upload_id,
            [UploadedPart(part.part_number, part.etag) for part in request.parts],
        )
    _check_uploaded_size(services, key, pending.size_bytes)
    job = Job(
        id=job_id,
        owner=pending.owner,
        filename=pending.filename,
        media_key=key,
        options=pending.options.to_job_options(default_model=services.settings.model),
    )
    job = service.register_uploaded_job(store=services.store, launcher=services.launcher, job=job)
    return JobOut.from_job(job)


@router.delete(
    "/{job_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={501: {"model": ErrorOut}},
    summary="Give up an upload that was not completed",
)
def abort_upload(job_id: JobIdPath, services: ServicesDep) -> None:
    signer = _signer(services)
    try:
        service.get_job(store=services.store, job_id=job_id)
    except JobNotFoundError:
        pass
    else:
        raise ApiError(409, "already_completed", "the upload is a job now; delete the job")
    try:
        pending = _read_pending(services, job_id)
    except ApiError:
        return
    if pending.upload_id is not None:
        signer.abort_multipart(service.media_key(job_id), pending.upload_id)
    services.objects.delete_prefix(service.job_prefix(job_id))


def _read_pending(services: Services, job_id: str) -> _PendingUpload:
    try:
        with services.objects.open(_pending_key(job_id)) as source:
            return _PendingUpload.model_validate(json.loads(source.read()))
    except ObjectNotFoundError:
        raise ApiError(404, "upload_not_found", f"no upload {job_id} was started") from None


def _check_uploaded_size(services: Services, key: str, expected: int) -> None:
    try:
        size = services.objects.size(key)
    except ObjectNotFoundError:
        raise ApiError(409, "upload_incomplete", "the file has not been uploaded yet") from None
    if size != expected:
        raise ApiError(
            409,
            "upload_size_mismatch",
            f"{size} bytes arrived, {expected} were announced; upload the file again",
        )
