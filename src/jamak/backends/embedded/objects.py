"""Objects as files under one folder: media uploads and subtitle outputs on local disk.

Writes go to a temporary file in the destination folder, are fsynced, and then renamed over
the key's path (``os.replace`` is atomic within a file system), so a reader, or a crash,
sees the old file or the new one, never half of one; a write that runs out of space removes
its temporary file and raises :class:`StorageFullError`, so a full disk fails one job in
words, and never leaves half a subtitle file under a key. Keys are checked before they become
paths (see :mod:`jamak.jobs.keys`), so no key can reach outside the root.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from jamak.errors import ObjectNotFoundError, StorageFullError
from jamak.jobs.keys import check_key, check_prefix

_CHUNK_BYTES = 1 << 20
# A full disk, a full quota, or a file past the process's size limit: no space, in words.
_NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
_TEMP_PREFIX = ".tmp-"
_PROBE_PREFIX = ".probe-"

# Writes an object's bytes into the open temporary file.
_Filler = Callable[[BinaryIO], object]


class LocalObjectStore:
    def __init__(self, root: Path) -> None:
        self._root = Path(root).resolve()
        self._root.mkdir(parents=True, exist_ok=True)

    @property
    def root(self) -> Path:
        return self._root

    def put_file(self, key: str, source: BinaryIO) -> int:
        return self._write(key, lambda out: _copy(source, out))

    def put_bytes(self, key: str, data: bytes) -> None:
        self._write(key, lambda out: out.write(data))

    def open(self, key: str) -> BinaryIO:
        try:
            return self._existing(key).open("rb")
        except (FileNotFoundError, IsADirectoryError):
            raise ObjectNotFoundError(f"no object {key!r}") from None

    @contextmanager
    def local_path(self, key: str) -> Iterator[Path]:
        yield self._existing(key)

    def size(self, key: str) -> int:
        return self._existing(key).stat().st_size

    def delete_prefix(self, prefix: str) -> None:
        """Delete every object whose key starts with ``prefix`` (a string prefix, as on S3)."""
        check_prefix(prefix)
        folder_key, _, name_start = prefix.rpartition("/")
        folder = self._root / folder_key if folder_key else self._root
        if not folder.is_dir():
            return
        for entry in folder.iterdir():
            if not entry.name.startswith(name_start):
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink(missing_ok=True)
        self._prune_empty_parents(folder)

    def check_writable(self) -> None:
        self._root.mkdir(parents=True, exist_ok=True)  # as a first write would
        try:
            handle, name = tempfile.mkstemp(dir=self._root, prefix=_PROBE_PREFIX)
            try:
                # A buffered file writes every byte or raises, where a bare os.write may
                # take one byte of two and report success on a disk that is all but full.
                with os.fdopen(handle, "wb") as out:
                    out.write(b"ok")
            finally:
                Path(name).unlink()
        except OSError as err:
            if err.errno in _NO_SPACE:
                raise StorageFullError("The server's disk is full.") from err
            raise

    # --- helpers ----------------------------------------------------------------------

    def _path(self, key: str) -> Path:
        return self._root / check_key(key)

    def _existing(self, key: str) -> Path:
        path = self._path(key)
        if not path.is_file():
            raise ObjectNotFoundError(f"no object {key!r}")
        return path

    def _write(self, key: str, fill: _Filler) -> int:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=_TEMP_PREFIX)
        except OSError as err:
            if err.errno in _NO_SPACE:
                message = "The server's disk is full: no file can be created."
                raise StorageFullError(message) from err
            raise
        temp = Path(temp_name)
        try:
            with os.fdopen(handle, "wb") as out:
                fill(out)
                out.flush()
                os.fsync(out.fileno())
            size = temp.stat().st_size
            temp.replace(path)
        except BaseException as err:
            temp.unlink(missing_ok=True)
            if isinstance(err, OSError) and err.errno in _NO_SPACE:
                raise StorageFullError(
                    f"The server's disk is full: {key.rsplit('/', 1)[-1]} could not be "
                    "written (nothing was kept). Free some space and try again."
                ) from err
            raise
        _fsync_folder(path.parent)
        return size

    def _prune_empty_parents(self, folder: Path) -> None:
        while folder != self._root:
            with contextlib.suppress(OSError):  # not empty (or already gone): stop there
                folder.rmdir()
            if folder.exists():
                return
            folder = folder.parent


def _copy(source: BinaryIO, out: BinaryIO) -> None:
    shutil.copyfileobj(source, out, _CHUNK_BYTES)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX only; a no-op where folders can't be opened)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
