"""Objects kept in a dict, with the same key rules and errors as the real stores."""

from __future__ import annotations

import io
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from jamak.errors import ObjectNotFoundError
from jamak.jobs.keys import check_key, check_prefix


class InMemoryObjectStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._objects: dict[str, bytes] = {}

    def put_file(self, key: str, source: BinaryIO) -> int:
        data = source.read()
        self.put_bytes(key, data)
        return len(data)

    def put_bytes(self, key: str, data: bytes) -> None:
        check_key(key)
        with self._lock:
            self._objects[key] = bytes(data)

    def open(self, key: str) -> BinaryIO:
        return io.BytesIO(self._get(key))

    @contextmanager
    def local_path(self, key: str) -> Iterator[Path]:
        data = self._get(key)
        with tempfile.TemporaryDirectory(prefix="jamak-object-") as folder:
            path = Path(folder) / key.rsplit("/", 1)[-1]
            path.write_bytes(data)
            yield path

    def size(self, key: str) -> int:
        return len(self._get(key))

    def delete_prefix(self, prefix: str) -> None:
        check_prefix(prefix)
        with self._lock:
            for key in [k for k in self._objects if k.startswith(prefix)]:
                del self._objects[key]

    def check_writable(self) -> None:
        """Memory takes another object as long as the process lives."""

    def keys(self) -> list[str]:
        """Every stored key, sorted: for tests that check nothing is left behind."""
        with self._lock:
            return sorted(self._objects)

    def _get(self, key: str) -> bytes:
        check_key(key)
        with self._lock:
            try:
                return self._objects[key]
            except KeyError:
                raise ObjectNotFoundError(f"no object {key!r}") from None
