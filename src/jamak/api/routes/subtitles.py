"""``GET /api/jobs/{id}/subtitles.{format}``: a finished job's subtitles, as a download.

The download name comes from the uploaded file's stem (``interview.mp4`` gives
``interview.srt``), encoded per RFC 6266 so Korean names survive.

Where the object store signs URLs (AWS), a stored file larger than the API may answer
(Lambda: 6 MB) is a redirect to the object store instead: clients that follow redirects,
as browsers and most HTTP libraries do, get the same file either way.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Response
from fastapi.responses import RedirectResponse

from jamak.api.deps import JobIdPath, ServicesDep
from jamak.api.errors import ApiError
from jamak.api.schemas import ErrorOut
from jamak.bootstrap import Services
from jamak.jobs import service
from jamak.jobs.model import Job
from jamak.subtitles import formats

router = APIRouter(prefix="/api/jobs", tags=["subtitles"])


DirectQuery = Annotated[
    bool,
    Query(
        description="redirect (307) to a short-lived URL of the object store itself where "
        "the deployment has one (AWS) and the format is stored as a file; larger files "
        "are redirected there without it. Elsewhere the same as without it"
    ),
]


@router.get(
    "/{job_id}/subtitles.{format_name}",
    responses={
        200: {"content": {"text/plain": {}}, "description": "the subtitle file"},
        307: {"description": "on AWS, with `direct=true` or for a large file: its S3 URL"},
        404: {"model": ErrorOut},
        409: {"model": ErrorOut, "description": "the job has not succeeded (yet)"},
    },
    response_class=Response,
    summary="Download one subtitle format",
)
def download_subtitles(
    job_id: JobIdPath, format_name: str, services: ServicesDep, direct: DirectQuery = False
) -> Response:
    if format_name not in formats.names():
        known = ", ".join(formats.names())
        raise ApiError(404, "unknown_format", f"no format {format_name!r}; known: {known}")
    job, key = service.find_stored_subtitles(
        store=services.store, job_id=job_id, format_name=format_name
    )
    signer = services.direct_uploads
    if key is not None and signer is not None and (direct or _too_large(services, key)):
        url = signer.presign_get(
            key,
            expires_s=services.api.presign_expiry_s,
            download_name=download_name(job, format_name),
            content_type=formats.get(format_name).media_type,
        )
        return RedirectResponse(url, status_code=307, headers={"Cache-Control": "no-store"})
    body = service.subtitles_of(job, format_name, stored_key=key, objects=services.objects)
    return _subtitle_response(job, format_name, body)


def _too_large(services: Services, key: str) -> bool:
    """Whether the stored file is larger than this deployment's API may answer."""
    return services.objects.size(key) > services.api.inline_download_max_bytes


def _subtitle_response(job: Job, format_name: str, body: bytes) -> Response:
    fmt = formats.get(format_name)
    return Response(
        body,
        media_type=fmt.media_type,
        headers={"Content-Disposition": content_disposition(download_name(job, format_name))},
    )


def download_name(job: Job, format_name: str) -> str:
    """``interview.srt`` for the SRT of ``interview.mp4``."""
    extension = formats.get(format_name).extension
    return f"{PurePath(job.filename).stem or 'subtitles'}.{extension}"


def content_disposition(filename: str, *, kind: str = "attachment") -> str:
    """An RFC 6266 header: an ASCII fallback name, and the real one as UTF-8."""
    fallback = filename.encode("ascii", "replace").decode("ascii").replace('"', "_")
    fallback = fallback.replace("?", "_").replace("\\", "_")
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
