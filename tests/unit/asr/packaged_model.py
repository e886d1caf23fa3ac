"""A tiny model packaged like the PyPI ones (parts joined into model.bin), for installer tests.

:func:`packaged_model` puts a real importable package on ``sys.path``; :func:`split_spec`
describes it as a catalog entry, with whatever checksum a test wants to claim.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jamak.asr.catalog import ModelSpec, PackageFile, PyPISource

PACKAGE = "jamak_test_model_pkg"
MODEL_BYTES = b"first half|second half"
MODEL_SHA256 = hashlib.sha256(MODEL_BYTES).hexdigest()


@contextmanager
def packaged_model(root: Path) -> Iterator[Path]:
    """The package folder, importable while the context lasts."""
    package = root / PACKAGE
    (package / "data").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "data" / "model.bin.part1").write_bytes(MODEL_BYTES[:11])
    (package / "data" / "model.bin.part2").write_bytes(MODEL_BYTES[11:])
    (package / "data" / "config.json").write_text("{}")
    sys.path.insert(0, str(root))
    try:
        yield package
    finally:
        sys.path.remove(str(root))


def split_spec(sha256: str = MODEL_SHA256) -> ModelSpec:
    return ModelSpec(
        name="split-test",
        multilingual=False,
        approx_mb=1,
        source=PyPISource(
            distributions=("jamak-test-model-pkg",),
            model_parts=(
                PackageFile(PACKAGE, "data/model.bin.part1"),
                PackageFile(PACKAGE, "data/model.bin.part2"),
            ),
            side_files=(PackageFile(PACKAGE, "data/config.json"),),
            sha256=sha256,
        ),
    )
