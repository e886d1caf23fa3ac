"""Keyset cursors for listing jobs newest first.

A cursor names the last job of a page (its creation time and id), not an offset, so jobs
created or deleted between two requests neither repeat nor vanish from the pages. It is
base64 so clients treat it as opaque and never build one themselves.
"""

from __future__ import annotations

import base64
import binascii
import json

from jamak.errors import JobError
from jamak.jobs.model import Job

MAX_PAGE_SIZE = 500


def newest_first_key(job: Job) -> tuple[float, str]:
    """Sort key (descending) that every pull backend pages by: creation time, then id."""
    return (job.created_at, job.id)


def encode_cursor(job: Job) -> str:
    raw = json.dumps([job.created_at, job.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[float, str]:
    """The (created_at, id) position after which the next page starts."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created_at, job_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return float(created_at), str(job_id)
    except (ValueError, TypeError, binascii.Error) as err:
        raise JobError("invalid page cursor") from err


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise JobError(f"page size must be between 1 and {MAX_PAGE_SIZE}")
    return limit
