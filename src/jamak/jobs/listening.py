"""Which uploads get a listening copy, and the runner's step that keeps one.

Browsers play only a few containers and codecs; jamak reads everything FFmpeg reads. For an
MPEG-1 video, an AVI or a WMV the web player would stay silent while its subtitles list
fine, so the worker keeps a small AAC copy of what Whisper heard (written by
:func:`jamak.media.write_listening_copy` from the samples already decoded) and the player
falls back to it. Deciding *whether* needs only the file name, so this module is free of
PyAV: the API asks it too, and must not load FFmpeg to learn a suffix.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath

from jamak.errors import ObjectNotFoundError
from jamak.jobs.keys import LISTENING_COPY_SUFFIX, listening_copy_key
from jamak.jobs.model import Job
from jamak.jobs.ports import ObjectStore

logger = logging.getLogger(__name__)

# What every current browser plays from its file name alone (WAV, FLAC, MP3, AAC, Ogg,
# WebM and MP4 family). Anything else gets a listening copy.
BROWSER_PLAYABLE_SUFFIXES = frozenset(
    {".aac", ".flac", ".m4a", ".m4v", ".mp3", ".mp4", ".oga", ".ogg", ".opus", ".wav"}
    | {".weba", ".webm"}
)


def needs_listening_copy(filename: str) -> bool:
    return PurePath(filename).suffix.lower() not in BROWSER_PLAYABLE_SUFFIXES


@contextmanager
def listening_copy_file(job: Job) -> Iterator[Path | None]:
    """Where the pipeline should write the job's listening copy (a scratch file), or None
    when the upload plays in browsers as it is."""
    if not needs_listening_copy(job.filename):
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="jamak-listening-") as scratch:
        yield Path(scratch) / PurePath(listening_copy_key(job.id)).name


def store_listening_copy(job: Job, copy: Path | None, objects: ObjectStore) -> None:
    """Keep the copy beside the job's other files. A convenience: when writing it failed
    there is no file, and the job goes on without one."""
    if copy is None or not copy.exists():
        return
    with copy.open("rb") as source:
        objects.put_file(listening_copy_key(job.id), source)


def media_to_play(job: Job, objects: ObjectStore) -> tuple[str, str]:
    """The object a player should load, and the file name its type and download name come
    from: the listening copy where the upload needs one and the worker has made it (not yet
    while the job runs; never for jobs from before copies), else the upload itself."""
    if not needs_listening_copy(job.filename):
        return job.media_key, job.filename
    key = listening_copy_key(job.id)
    try:
        objects.size(key)
    except ObjectNotFoundError:
        return job.media_key, job.filename
    return key, f"{PurePath(job.filename).stem or 'media'}{LISTENING_COPY_SUFFIX}"
