"""What an object key may look like, checked before any backend touches storage.

Keys become file paths in the local store, so a key is a plain relative path of safe
characters: no ``..``, no absolute path, no empty or ``.`` segment. S3 could hold anything,
but holding every backend to the same rule keeps jobs portable between them.
"""

from __future__ import annotations

import re

from jamak.errors import StorageError

_SAFE_KEY = re.compile(r"[A-Za-z0-9._/-]+")
MAX_KEY_LENGTH = 512


class InvalidObjectKeyError(StorageError):
    """A key that could escape the store's root or is not a plain relative path."""


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
