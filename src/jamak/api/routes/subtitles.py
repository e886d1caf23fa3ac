"""``GET /api/jobs/{id}/subtitles.{format}``: a finished job's subtitles, as a download.

The download name comes from the uploaded file's stem (``interview.mp4`` gives
``interview.srt``), encoded per RFC 6266 so Korean names survive.
"""

from __future__ import annotations

from pathlib import PurePath
from urllib.parse import quote

from fastapi import APIRouter, Response

from jamak.api.deps import JobIdPath, ServicesDep
from jamak.api.errors import ApiError
from jamak.api.schemas import ErrorOut
from jamak.jobs import service
from jamak.jobs.model import Job
from jamak.subtitles import formats

router = APIRouter(prefix="/api/jobs", tags=["subtitles"])


@router.get(
    "/{job_id}/subtitles.{format_name}",
    responses={
        200: {"content": {"text/plain": {}}, "description": "the subtitle file"},
        404: {"model": ErrorOut},
        409: {"model": ErrorOut, "description": "the job has not succeeded (yet)"},
    },
    response_class=Response,
    summary="Download one subtitle format",
)
def download_subtitles(job_id: JobIdPath, format_name: str, services: ServicesDep) -> Response:
    if format_name not in formats.names():
        known = ", ".join(formats.names())
        raise ApiError(404, "unknown_format", f"no format {format_name!r}; known: {known}")
    job, text = service.read_subtitles(
        store=services.store, objects=services.objects, job_id=job_id, format_name=format_name
    )
    return _subtitle_response(job, format_name, text)


def _subtitle_response(job: Job, format_name: str, body: bytes) -> Response:
    fmt = formats.get(format_name)
    filename = f"{PurePath(job.filename).stem or 'subtitles'}.{fmt.extension}"
    return Response(
        body,
        media_type=fmt.media_type,
        headers={"Content-Disposition": content_disposition(filename)},
    )


def content_disposition(filename: str, *, kind: str = "attachment") -> str:
    """An RFC 6266 header: an ASCII fallback name, and the real one as UTF-8."""
    fallback = filename.encode("ascii", "replace").decode("ascii").replace('"', "_")
    fallback = fallback.replace("?", "_").replace("\\", "_")
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
