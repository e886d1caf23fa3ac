"""The images install their dependencies from lock files only: every package at one exact
version with its hashes (``pip install --require-hashes``), jamak itself without resolving
anything again, and the locks cover every dependency pyproject.toml declares for them."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.aws.cfn import DEPLOY

pytestmark = pytest.mark.aws

PYPROJECT = DEPLOY.parent / "pyproject.toml"
IMAGES = {
    "Dockerfile": ("requirements-worker.lock", ("aws", "models")),
    "Dockerfile.cuda": ("requirements-worker.lock", ("aws", "models")),
    "Dockerfile.lambda": ("requirements-api.lock", ("aws",)),
}
# Only the Batch workers recognise speech: the Lambda image carries none of these.
RECOGNITION = frozenset({"ctranslate2", "faster-whisper", "onnxruntime", "protobuf"})
PULLED_IN_BY_RECOGNITION = frozenset({"tokenizers", "huggingface-hub"})
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)(?:\s*;[^\\]*)?\s*\\?$")


def _pins(lock: Path) -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes); fails on any line that is not an exact pin."""
    pins: dict[str, tuple[str, int]] = {}
    current: str | None = None
    for raw in lock.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("--hash=sha256:"):
            assert current is not None, f"{lock.name}: a hash before any requirement"
            assert re.fullmatch(r"--hash=sha256:[0-9a-f]{64}( \\)?", line), line
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
            continue
        found = _PIN.match(line)
        assert found, f"{lock.name}: not an exact pin: {raw!r}"
        current = canonicalize_name(found.group(1))
        assert current not in pins, f"{lock.name}: {current} pinned twice"
        pins[current] = (found.group(2), 0)
    return pins


@pytest.mark.parametrize("lock", sorted({lock for lock, _ in IMAGES.values()}))
def test_each_lock_pins_every_package_exactly_with_its_hashes(lock: str) -> None:
    pins = _pins(DEPLOY / lock)
    assert len(pins) > 20  # the whole tree, not only the direct dependencies
    unhashed = [name for name, (_, hashes) in pins.items() if hashes == 0]
    assert unhashed == []


@pytest.mark.parametrize("dockerfile", sorted(IMAGES))
def test_images_install_from_their_lock_and_resolve_nothing_else(dockerfile: str) -> None:
    lock, _ = IMAGES[dockerfile]
    text = (DEPLOY / dockerfile).read_text()
    installs = re.findall(r"pip install(?:[^\n\\]|\\\n)*", text)  # with continued lines
    assert installs, dockerfile
    from_lock = [line for line in installs if f"{lock}" in line]
    assert len(from_lock) == 1 and "--require-hashes" in from_lock[0]
    for install in installs:  # anything else (jamak itself) pulls in no dependency
        assert "--no-deps" in install, install
    assert f"COPY deploy/{lock} " in text
    assert f"!deploy/{lock}" in (DEPLOY / f"{dockerfile}.dockerignore").read_text()


@pytest.mark.parametrize("dockerfile", sorted(IMAGES))
def test_each_lock_satisfies_what_pyproject_declares_for_its_image(dockerfile: str) -> None:
    lock, extras = IMAGES[dockerfile]
    declared = _declared(extras)
    if dockerfile == "Dockerfile.lambda":
        declared = [d for d in declared if not _is_recognition(d)]
    pins = _pins(DEPLOY / lock)
    for spec in map(Requirement, declared):
        name = canonicalize_name(spec.name)
        assert name in pins, f"{lock} lacks {spec}"
        assert spec.specifier.contains(pins[name][0], prereleases=True), (spec, pins[name])


def test_the_api_image_lock_is_compiled_from_jamaks_dependencies_less_recognition() -> None:
    """requirements-api.in is pyproject's list, word for word, without the recognition
    libraries; the lock made from it holds none of them, nor what only they pull in."""
    listed = [
        line.strip()
        for line in (DEPLOY / "requirements-api.in").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    expected = [d for d in _declared(("aws",)) if not _is_recognition(d)]
    assert listed == expected
    pins = _pins(DEPLOY / "requirements-api.lock")
    assert not (RECOGNITION | PULLED_IN_BY_RECOGNITION) & set(pins)
    assert set(_pins(DEPLOY / "requirements-worker.lock")) >= RECOGNITION


def _declared(extras: tuple[str, ...]) -> list[str]:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    declared = list(project["dependencies"])
    for extra in extras:
        declared += project["optional-dependencies"][extra]
    return declared


def _is_recognition(requirement: str) -> bool:
    return canonicalize_name(Requirement(requirement).name) in RECOGNITION
