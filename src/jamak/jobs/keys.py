"""Object keys: where each of a job's files lives, and what any key may look like.

Every key of a job is built here and nowhere else, under one prefix per job, so deleting a
job is deleting a prefix and a retry overwrites a half-finished attempt. The user's file
name is never part of a key.

Keys become file paths in the local store, so a key is a plain relative path of safe
characters: no ``..``, no absolute path, no empty or ``.`` segment. S3 could hold anything,
but holding every backend to the same rule keeps jobs portable between them.
"""

from __future__ import annotations

import re

from jamak.errors import InvalidObjectKeyError

_SAFE_KEY = re.compile(r"[A-Za-z0-9._/-]+")
MAX_KEY_LENGTH = 512
# AAC in MP4: what the listening copy is (see jamak.jobs.listening and jamak.media.listening).
LISTENING_COPY_SUFFIX = ".m4a"


def job_prefix(job_id: str) -> str:
    return f"jobs/{job_id}/"


def media_key(job_id: str) -> str:
    """Where a job's original media lives."""
    return f"{job_prefix(job_id)}media"


def output_key(job_id: str, extension: str) -> str:
    return f"{job_prefix(job_id)}subtitles.{extension}"


def document_key(job_id: str) -> str:
    """Where a job keeps its JSON document when JSON was not among its formats: every
    other format can be written from it later (:func:`jamak.jobs.service.read_subtitles`)."""
    return f"{job_prefix(job_id)}document.json"


def listening_copy_key(job_id: str) -> str:
    """Audio any browser plays, kept for uploads browsers cannot play."""
    return f"{job_prefix(job_id)}listening{LISTENING_COPY_SUFFIX}"


def part_plan_key(job_id: str) -> str:
    """Where a split job's part plan lives (jamak.jobs.parts)."""
    return f"{job_prefix(job_id)}parts/plan.json"


def part_audio_key(job_id: str) -> str:
    """Where a split job's decoded audio waits for its parts (16 kHz mono float32, raw
    little-endian): the plan decodes the file once, and each part reads its own stretch."""
    return f"{job_prefix(job_id)}parts/audio.f32"


def part_speech_key(job_id: str) -> str:
    """Where a split job's speech map waits for its parts (the detector's probability per
    32 ms frame, raw little-endian float32): the plan runs the detector once, and each part
    reads its own stretch."""
    return f"{job_prefix(job_id)}parts/speech.f32"


def part_transcript_key(job_id: str, index: int) -> str:
    """Where part ``index`` of a split job leaves its transcript: fixed, so a retried part
    overwrites its failed attempt's."""
    return f"{job_prefix(job_id)}parts/{index}.json"


def pending_upload_key(job_id: str) -> str:
    """What a started direct upload leaves for its "complete" call, beside the media."""
    return f"{job_prefix(job_id)}upload.json"


def readiness_probe_key(token: str) -> str:
    """Where a readiness probe writes its few bytes: inside the jobs' key space, so it is
    allowed exactly where uploads are (a role that can't store media fails the probe), and
    in a folder no job id (32 hex digits) can name."""
    return f"jobs/readiness-probe/{token}"


def check_key(key: str) -> str:
    """``key`` itself when it is a valid object key; raises InvalidObjectKeyError."""
    if not key or len(key) > MAX_KEY_LENGTH or not _SAFE_KEY.fullmatch(key):
        raise InvalidObjectKeyError(f"invalid object key {key!r}")
    if any(part in ("", ".", "..") for part in key.split("/")):
        raise InvalidObjectKeyError(f"invalid object key {key!r}")
    return key


def check_prefix(prefix: str) -> str:
    """A prefix is a key, optionally ending in "/" (a whole folder); never empty, so a
    mistake can't wipe the store."""
    check_key(prefix.removesuffix("/"))
    return prefix
