"""Fixtures of the recogniser unit tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unit.asr.packaged_model import packaged_model


@pytest.fixture
def fake_package(tmp_path: Path) -> Iterator[Path]:
    """A real importable package on sys.path holding a split model, like the PyPI ones."""
    with packaged_model(tmp_path / "site") as package:
        yield package
