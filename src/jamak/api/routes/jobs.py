"""``/api/jobs``: submit uploads, list, read (with long-polling), cancel and delete jobs.

Long-poll fallback for clients without Server-Sent Events: ``GET /api/jobs/{id}?wait=S``
answers as soon as the job's status differs from ``since_status`` or its progress from
``since_progress`` (or it finishes), and after ``S`` seconds (at most 60) at the latest.
"""

from __future__ import annotations

from typing import Annotated, Any, BinaryIO

from fastapi import APIRouter, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from jamak.api.auth import Principal, PrincipalDep
from jamak.api.deps import JobIdPath, ServicesDep
from jamak.api.errors import ApiError
from jamak.api.job_watch import fetch_job, wait_for_change
from jamak.api.multipart import UploadForm, read_upload
from jamak.api.schemas import ErrorOut, JobOut, JobPageOut, JobsCreatedOut, UploadOptions
from jamak.bootstrap import ApiConfig, Services
from jamak.jobs import service
from jamak.jobs.model import Job, JobOptions, JobStatus

router = APIRouter(prefix="/api/jobs", tags=["jobs"])

_ERRORS: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut}, 409: {"model": ErrorOut}}
_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "description": "one or more media files (repeat the part)",
                        },
                        **UploadOptions.model_json_schema()["properties"],
                    },
                }
            }
        },
    }
}


@router.post(
    "",
    status_code=201,
    response_model=JobsCreatedOut,
    openapi_extra=_UPLOAD_BODY,
    responses={code: {"model": ErrorOut} for code in (413, 415, 422, 429, 503)},
    summary="Upload media files; one job per file",
)
async def create_jobs(
    request: Request, services: ServicesDep, principal: PrincipalDep
) -> JobsCreatedOut:
    # Refuse before reading a byte of the upload; submit_job checks again for each file.
    await run_in_threadpool(_check_can_submit, services, principal)
    form = await read_upload(
        request.headers.get("content-type", ""),
        request.stream(),
        max_file_bytes=services.api.max_upload_bytes,
        spool_dir=services.api.spool_dir,
    )
    try:
        options = _job_options(form, services.api)
        jobs = [
            await run_in_threadpool(
                _submit, services, principal, upload.filename, upload.file, options
            )
            for upload in form.files
        ]
    finally:
        form.close()
    return JobsCreatedOut(jobs=[JobOut.from_job(job, services.api.retention) for job in jobs])


@router.get("", summary="List your jobs (an admin: everyone's), newest first")
def list_jobs(
    services: ServicesDep,
    principal: PrincipalDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page")] = None,
    status: JobStatus | None = None,
) -> JobPageOut:
    page = service.list_jobs(
        store=services.store,
        owner=None if principal.lists_all else principal.name,
        status=status,
        limit=limit,
        cursor=cursor,
    )
    return JobPageOut(
        jobs=[JobOut.from_job(job, services.api.retention) for job in page.jobs],
        next_cursor=page.next_cursor,
    )


@router.get("/{job_id}", responses=_ERRORS, summary="One job (optionally long-polled)")
async def get_job(
    job_id: JobIdPath,
    services: ServicesDep,
    wait: Annotated[float, Query(ge=0, le=60, description="seconds to wait for a change")] = 0,
    since_progress: Annotated[float | None, Query(ge=0, le=100)] = None,
    since_status: JobStatus | None = None,
) -> JobOut:
    if not wait:
        return JobOut.from_job(await fetch_job(services.store, job_id), services.api.retention)
    job = await wait_for_change(
        services.store,
        job_id,
        wait_s=wait,
        poll_interval_s=services.api.poll_interval_s,
        since_progress=since_progress,
        since_status=since_status,
    )
    return JobOut.from_job(job, services.api.retention)


@router.post("/{job_id}/cancel", responses=_ERRORS, summary="Cancel a queued or running job")
def cancel_job(job_id: JobIdPath, services: ServicesDep) -> JobOut:
    job = service.cancel_job(store=services.store, launcher=services.launcher, job_id=job_id)
    return JobOut.from_job(job, services.api.retention)


@router.delete(
    "/{job_id}", status_code=204, responses=_ERRORS, summary="Delete a job and its files"
)
def delete_job(job_id: JobIdPath, services: ServicesDep) -> Response:
    service.delete_job(
        store=services.store, objects=services.objects, launcher=services.launcher, job_id=job_id
    )
    return Response(status_code=204)


def _job_options(form: UploadForm, api: ApiConfig) -> JobOptions:
    if not form.files:
        raise ApiError(422, "no_file", "attach at least one media file as a `file` part")
    empty = [upload.filename for upload in form.files if upload.size == 0]
    if empty:
        raise ApiError(422, "empty_file", f"{', '.join(empty)}: the file is empty")
    try:
        upload_options = UploadOptions.model_validate(form.fields)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from None
    return upload_options.to_job_options(
        default_model=api.default_model,
        offered_models=api.offered_models,
        default_speed=api.default_speed,
    )


def _check_can_submit(services: Services, principal: Principal) -> None:
    service.check_can_submit(
        store=services.store,
        owner=principal.name,
        limits=services.submit_limits,
        exempt=principal.admin,
    )


def _submit(
    services: Services, principal: Principal, filename: str, source: BinaryIO, options: JobOptions
) -> Job:
    return service.submit_job(
        store=services.store,
        objects=services.objects,
        launcher=services.launcher,
        owner=principal.name,
        filename=filename,
        source=source,
        options=options,
        limits=services.submit_limits,
        exempt=principal.admin,
        read_duration=services.api.read_durations,
    )
