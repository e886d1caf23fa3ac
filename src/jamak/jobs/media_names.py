"""The stored media under the name its user uploaded, for messages that name their file.

A job's media lives under an object key; a link in a folder of its own gives it back its
name while the job runs. A worker killed mid-job (the pool's time limit, a cancelled job,
the out-of-memory killer) leaves its folder behind, so each folder carries its process's
id, and a worker starting up removes those whose process is gone. A process id means
something only within its pid namespace: two containers sharing one temporary folder each
count from 1, and a live worker in one would look gone to the other. So the id is written
with the namespace it belongs to (``<namespace>.<pid>``), and a worker judges only folders
of its own namespace; a folder named by an older jamak (the bare id) is judged as before.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jamak.jobs.model import Job

logger = logging.getLogger(__name__)

PREFIX = "jamak-job-"


@contextmanager
def named_as_uploaded(stored: Path, job: Job, *, folder: Path | None = None) -> Iterator[Path]:
    """``stored`` as a symbolic link named as uploaded; ``stored`` itself where no link
    can be made. ``folder``: where the link's own folder goes (the temporary folder)."""
    name = Path(job.filename).name.strip()
    if name in ("", ".", ".."):
        name = "media"
    with tempfile.TemporaryDirectory(prefix=f"{PREFIX}{_owner()}-", dir=folder) as tmp:
        link = Path(tmp) / name
        try:
            link.symlink_to(stored.resolve())
        except OSError:
            yield stored
            return
        yield link


def remove_abandoned(folder: Path | None = None) -> int:
    """Remove the link folders that processes no longer running left in ``folder`` (the
    temporary folder); how many. A folder holding anything but links is never touched."""
    removed = 0
    namespace = _pid_namespace()
    for path in Path(folder or tempfile.gettempdir()).glob(f"{PREFIX}*-*"):
        owner = path.name[len(PREFIX) :].split("-", 1)[0]
        space, _, pid = owner.rpartition(".")
        if space and space != namespace:
            continue  # another namespace's process: its id means nothing here
        if not pid.isdigit() or _running(int(pid)) or not _only_links(path):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed += 1
    if removed:
        logger.info("removed %d media name folders left by stopped workers", removed)
    return removed


def _owner() -> str:
    namespace = _pid_namespace()
    return f"{namespace}.{os.getpid()}" if namespace else str(os.getpid())


def _pid_namespace() -> str:
    """The inode of this process's pid namespace ("" where /proc does not say)."""
    try:
        return str(Path("/proc/self/ns/pid").stat().st_ino)
    except OSError:
        return ""


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _only_links(path: Path) -> bool:
    try:
        return (
            path.is_dir()
            and not path.is_symlink()
            and all(entry.is_symlink() for entry in path.iterdir())
        )
    except OSError:
        return False
