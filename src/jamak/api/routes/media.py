"""``GET /api/jobs/{id}/media``: the original upload, with byte ranges so players can seek.

With ``playable=true`` it is the job's listening copy instead, where the worker kept one
because browsers cannot play the upload (MPEG-1, AVI, WMV...; see jamak.jobs.listening).

The content type is guessed from the uploaded file's name; the stored object's key never
carries it. A few media suffixes are pinned because system MIME tables disagree on them
(``.ts`` is a Qt translation file on some systems, an MPEG transport stream here).
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePath
from typing import Annotated

from fastapi import APIRouter, Header, Query
from fastapi.responses import RedirectResponse, Response, StreamingResponse

from jamak.api.deps import JobIdPath, ServicesDep
from jamak.api.errors import error_response
from jamak.api.ranges import RangeNotSatisfiableError, iter_bytes, parse_range
from jamak.api.routes.subtitles import content_disposition
from jamak.api.schemas import ErrorOut
from jamak.jobs import service
from jamak.jobs.listening import media_to_play

router = APIRouter(prefix="/api/jobs", tags=["media"])

_PINNED_TYPES = {
    ".ts": "video/mp2t",
    ".wav": "audio/wav",
    ".m4a": "audio/mp4",
    ".opus": "audio/ogg",
    ".mkv": "video/x-matroska",
}


DirectQuery = Annotated[
    bool,
    Query(
        description="redirect (307) to a short-lived URL of the object store itself where "
        "the deployment has one (AWS, whose Lambda answers at most 6 MB); else the same "
        "as without it"
    ),
]
PlayableQuery = Annotated[
    bool,
    Query(
        description="the job's listening copy (AAC audio any browser plays) where the "
        "worker made one because browsers cannot play the upload; else the upload"
    ),
]


def media_type_for(filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    guessed = _PINNED_TYPES.get(suffix) or mimetypes.guess_type(f"media{suffix}")[0]
    return guessed or "application/octet-stream"


@router.get(
    "/{job_id}/media",
    response_class=StreamingResponse,
    responses={
        200: {"description": "the whole file"},
        206: {"description": "the requested byte range"},
        307: {"description": "`direct=true` on AWS: the object store's own URL"},
        404: {"model": ErrorOut},
        416: {"model": ErrorOut, "description": "the range starts past the end of the file"},
    },
    summary="Stream the uploaded media (HTTP Range supported)",
)
def job_media(
    job_id: JobIdPath,
    services: ServicesDep,
    range_header: Annotated[str | None, Header(alias="range")] = None,
    direct: DirectQuery = False,
    playable: PlayableQuery = False,
) -> Response:
    job = service.get_job(store=services.store, job_id=job_id)
    objects = services.objects
    key, filename = media_to_play(job, objects) if playable else (job.media_key, job.filename)
    signer = services.direct_uploads
    if direct and signer is not None:
        url = signer.presign_get(
            key,
            expires_s=services.api.presign_expiry_s,
            content_type=media_type_for(filename),
        )
        return RedirectResponse(url, status_code=307, headers={"Cache-Control": "no-store"})
    size = objects.size(key)
    headers = {
        "Accept-Ranges": "bytes",
        "Content-Disposition": content_disposition(filename, kind="inline"),
        "Cache-Control": "private, max-age=3600",
    }
    try:
        byte_range = parse_range(range_header, size)
    except RangeNotSatisfiableError:
        headers = {"Accept-Ranges": "bytes", "Content-Range": f"bytes */{size}"}
        message = f"the range {range_header!r} lies outside the {size}-byte file"
        return error_response(416, "range_not_satisfiable", message, headers=headers)
    start, length, status_code = 0, size, 200
    if byte_range is not None:
        start, length, status_code = byte_range.start, byte_range.length, 206
        headers["Content-Range"] = byte_range.content_range(size)
    headers["Content-Length"] = str(length)
    return StreamingResponse(
        iter_bytes(lambda: objects.open(key), start, length),
        status_code=status_code,
        media_type=media_type_for(filename),
        headers=headers,
    )
