"""What the numbers were measured on, written next to them: speed means nothing without it."""

from __future__ import annotations

import os
import platform
from importlib import metadata
from pathlib import Path

from jamak.asr.kernels import CpuChoices, read_cpu
from jamak.backends.embedded.sizing import available_memory_bytes, usable_cores

GIB = 1 << 30
_PACKAGES = ("jamak", "faster-whisper", "ctranslate2", "av", "numpy")


def describe() -> dict[str, str | int | float]:
    total_bytes = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    choices = CpuChoices(os.environ.get("CT2_FORCE_CPU_ISA"), os.environ.get("CT2_USE_MKL"))
    kernels, library = choices.describe(read_cpu())
    facts: dict[str, str | int | float] = {
        "cpu": cpu_model(),
        # Whisper's numbers move with CTranslate2's kernels: runs on two families are two
        # machines, never compared as one.
        "cpu_kernels": kernels,
        # And with the library of its matrix products, which differs by vendor; it moves
        # the speed even more than the numbers (bench/README.md, the Intel run of 2026-12-07).
        "cpu_matrix_library": library,
        "cores": usable_cores(),
        "memory_gib": round(total_bytes / GIB, 1),
        "memory_available_gib": round(available_memory_bytes() / GIB, 1),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "os": platform.platform(),
        "python": platform.python_version(),
    }
    for package in _PACKAGES:
        try:
            facts[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            facts[package] = "not installed"
    return facts


def cpu_model() -> str:
    """The CPU's marketing name from /proc/cpuinfo (Linux), else what platform knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
