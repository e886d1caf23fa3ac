"""``/api/uploads``: media goes straight to the object store through presigned URLs, then
becomes a job (:mod:`jamak.jobs.direct_uploads` is the use case; this module parses and
renders).

Deployments without a :class:`~jamak.jobs.ports.DirectUploads` port (the embedded one)
answer 501 here; their clients upload through ``POST /api/jobs``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, status
from pydantic import BaseModel, ConfigDict, Field

from jamak.api.auth import PrincipalDep
from jamak.api.deps import JobIdPath, ServicesDep
from jamak.api.schemas import ErrorOut, JobOut, UploadOptions
from jamak.jobs import direct_uploads
from jamak.jobs.ports import UploadedPart

router = APIRouter(prefix="/api/uploads", tags=["uploads"])


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

    @classmethod
    def from_ticket(cls, ticket: direct_uploads.UploadTicket) -> UploadTicketOut:
        upload = ticket.multipart
        multipart = (
            MultipartOut(
                upload_id=upload.upload_id,
                part_size_bytes=upload.part_size_bytes,
                parts=[PartUrlOut(part_number=p.number, url=p.url) for p in upload.parts],
            )
            if upload is not None
            else None
        )
        return cls(
            job_id=ticket.job_id,
            url=ticket.url,
            multipart=multipart,
            complete_url=f"/api/uploads/{ticket.job_id}/complete",
            expires_in_s=ticket.expires_s,
        )


class PartIn(BaseModel):
    part_number: int = Field(ge=1, le=10_000)
    etag: str = Field(min_length=1, max_length=128)


class UploadCompleteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    upload_id: str | None = Field(None, description="the multipart upload id, if multipart")
    parts: list[PartIn] = Field(default_factory=list, max_length=10_000)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={code: {"model": ErrorOut} for code in (413, 429, 501, 503)},
    summary="Get presigned URLs to upload one file",
)
def start_upload(
    body: Annotated[UploadStartIn, Body()], services: ServicesDep, principal: PrincipalDep
) -> UploadTicketOut:
    ticket = direct_uploads.start_upload(
        uploads=services.direct_uploads,
        objects=services.objects,
        limits=services.upload_limits,
        owner=principal.name,
        filename=body.filename,
        size_bytes=body.size_bytes,
        options=body.options.to_job_options(
            default_model=services.api.default_model,
            offered_models=services.api.offered_models,
            default_speed=services.api.default_speed,
        ),
        store=services.store,
        submit_limits=services.submit_limits,
        exempt=principal.admin,
    )
    return UploadTicketOut.from_ticket(ticket)


class RenewUrlsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    part_numbers: list[Annotated[int, Field(ge=1, le=10_000)]] = Field(
        default_factory=list,
        max_length=10_000,
        description="multipart: the parts to sign again (empty: every part)",
    )


@router.post(
    "/{job_id}/urls",
    responses={404: {"model": ErrorOut}, 409: {"model": ErrorOut}, 501: {"model": ErrorOut}},
    summary="Sign an upload in progress again (its URLs expired during a slow upload)",
)
def renew_upload_urls(
    job_id: JobIdPath,
    services: ServicesDep,
    principal: PrincipalDep,
    body: Annotated[RenewUrlsIn | None, Body()] = None,
) -> UploadTicketOut:
    ticket = direct_uploads.renew_upload_urls(
        uploads=services.direct_uploads,
        store=services.store,
        objects=services.objects,
        limits=services.upload_limits,
        job_id=job_id,
        owner=None if principal.opens_any_job else principal.name,
        part_numbers=(body or RenewUrlsIn()).part_numbers,
    )
    return UploadTicketOut.from_ticket(ticket)


@router.post(
    "/{job_id}/complete",
    status_code=status.HTTP_201_CREATED,
    responses={404: {"model": ErrorOut}, 409: {"model": ErrorOut}, 501: {"model": ErrorOut}},
    summary="Register the uploaded file as a job and start it",
)
def complete_upload(
    job_id: JobIdPath,
    services: ServicesDep,
    principal: PrincipalDep,
    body: Annotated[UploadCompleteIn | None, Body()] = None,
) -> JobOut:
    request = body or UploadCompleteIn()
    job = direct_uploads.complete_upload(
        uploads=services.direct_uploads,
        store=services.store,
        objects=services.objects,
        launcher=services.launcher,
        job_id=job_id,
        upload_id=request.upload_id,
        parts=[UploadedPart(part.part_number, part.etag) for part in request.parts],
        owner=None if principal.opens_any_job else principal.name,
        submit_limits=services.submit_limits,
        exempt=principal.admin,
    )
    return JobOut.from_job(job, services.api.retention)


@router.delete(
    "/{job_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={501: {"model": ErrorOut}},
    summary="Give up an upload that was not completed",
)
def abort_upload(job_id: JobIdPath, services: ServicesDep, principal: PrincipalDep) -> None:
    direct_uploads.abort_upload(
        uploads=services.direct_uploads,
        store=services.store,
        objects=services.objects,
        job_id=job_id,
        owner=None if principal.opens_any_job else principal.name,
    )
