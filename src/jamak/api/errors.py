"""Every failure leaves the API as ``{"error": {"code": ..., "message": ...}}``.

Scripts branch on ``code`` and show ``message``; the status code follows HTTP's meaning.
jamak's own errors carry messages written for users, so they are shown as they are; anything
unexpected becomes a 500 whose body says nothing about the code (the traceback goes to the
log only).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from jamak.errors import (
    BackendBusyError,
    DirectUploadUnsupportedError,
    InvalidTransitionError,
    JamakError,
    JobError,
    JobLaunchError,
    JobNotFinishedError,
    JobNotFoundError,
    MediaError,
    ModelError,
    ModelNotOfferedError,
    ObjectNotFoundError,
    QueueFullError,
    QuotaExceededError,
    StorageAccessDeniedError,
    StorageFullError,
    SubmitRefusedError,
    SubtitleFormatError,
    UploadAlreadyCompletedError,
    UploadIncompleteError,
    UploadNotFoundError,
    UploadSizeMismatchError,
    UploadTooLargeError,
)

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """A failure decided at the HTTP edge (an upload too large, a job not finished yet)."""

    def __init__(self, status_code: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message


# Most specific first: the first matching class decides the status and code.
_JAMAK_ERRORS: tuple[tuple[type[JamakError], int, str], ...] = (
    (DirectUploadUnsupportedError, 501, "direct_upload_unsupported"),
    (UploadTooLargeError, 413, "file_too_large"),
    (UploadNotFoundError, 404, "upload_not_found"),
    (UploadIncompleteError, 409, "upload_incomplete"),
    (UploadSizeMismatchError, 409, "upload_size_mismatch"),
    (UploadAlreadyCompletedError, 409, "already_completed"),
    (QuotaExceededError, 429, "quota_exceeded"),
    (QueueFullError, 503, "queue_full"),
    (BackendBusyError, 503, "busy"),
    (StorageFullError, 507, "storage_full"),
    # The deployment's role lacks a permission: the server's fault, never a 404.
    (StorageAccessDeniedError, 500, "storage_forbidden"),
    (JobNotFoundError, 404, "job_not_found"),
    (JobLaunchError, 503, "launch_failed"),
    (ObjectNotFoundError, 404, "not_found"),
    (InvalidTransitionError, 409, "invalid_transition"),
    (JobNotFinishedError, 409, "not_finished"),
    (SubtitleFormatError, 422, "unknown_format"),
    (ModelNotOfferedError, 422, "model_not_offered"),
    (ModelError, 422, "model_error"),
    (MediaError, 422, "media_error"),
    (JobError, 400, "invalid_request"),  # e.g. a page cursor that is not one of ours
)

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def error_response(
    status_code: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(error_body(code, message), status_code=status_code, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(JamakError, _jamak_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(ClientDisconnect, _client_gone)
    app.add_exception_handler(Exception, _unexpected_error)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status_code, exc.code, exc.message)


async def _jamak_error(request: Request, exc: Exception) -> JSONResponse:
    headers = None
    if isinstance(exc, SubmitRefusedError | BackendBusyError):  # when to come back
        headers = {"Retry-After": str(exc.retry_after_s)}
    for error_type, status_code, code in _JAMAK_ERRORS:
        if isinstance(exc, error_type):
            return error_response(status_code, code, str(exc), headers=headers)
    return error_response(400, "request_failed", str(exc))


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = describe_validation_errors(exc.errors())
    body = error_body("invalid_request", "; ".join(problems), details=problems)
    return JSONResponse(body, status_code=422)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
    headers = dict(exc.headers) if exc.headers else None
    return error_response(exc.status_code, code, str(exc.detail), headers=headers)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # Starlette re-raises the exception after this response, so the server logs its
    # traceback; one line here ties it to the request.
    logger.error("unexpected %s on %s %s", type(exc).__name__, request.method, request.url.path)
    return error_response(500, "internal_error", "Something went wrong on the server.")


async def _client_gone(request: Request, exc: Exception) -> JSONResponse:
    """The client went away mid-upload: nobody will read this, and it is not our fault."""
    logger.info("client disconnected during %s %s", request.method, request.url.path)
    return error_response(400, "client_disconnected", "The upload was interrupted.")


def describe_validation_errors(errors: Sequence[Any]) -> list[str]:
    """One readable line per problem: where it is, then what is wrong."""
    lines = []
    for error in errors:
        location = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
        message = str(error.get("msg", "invalid value"))
        lines.append(f"{location}: {message}" if location else message)
    return lines
