"""Which CPU kernels CTranslate2 runs Whisper on: the machine fact that moves its numbers.

CTranslate2 picks its kernel family (its "ISA") when it first runs, from the processor, and
Whisper's probabilities differ slightly from one family to the next: enough to flip a rule
that sits on one threshold. So the family is logged and written into every JSON output, and
the tests run under each family a machine offers. CTranslate2 does not say which family it
chose, so its rule is followed here (checked against its own log by the tests):
``CT2_FORCE_CPU_ISA`` when set, else AVX2 (with FMA), else AVX, else the portable GENERIC
kernels; NEON on 64-bit Arm. AVX512 only when forced: CTranslate2 leaves it out of its
automatic choice, on Intel too (an Intel Xeon with every AVX-512 flag ran AVX2, where this
rule had said AVX512 and jamak's outputs had named the wrong family).
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from pathlib import Path

X86_FAMILIES = ("GENERIC", "AVX", "AVX2", "AVX512")
ARM_FAMILIES = ("GENERIC", "NEON")
_AVX512_FLAGS = frozenset({"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"})


@dataclass(frozen=True, slots=True)
class Cpu:
    machine: str  # "x86_64", "aarch64", ...
    vendor: str  # "GenuineIntel", "AuthenticAMD", "" when unknown
    flags: frozenset[str]


def read_cpu(cpuinfo: Path = Path("/proc/cpuinfo")) -> Cpu:
    """This machine's processor, from Linux's ``/proc/cpuinfo`` (no flags elsewhere)."""
    vendor, flags = "", frozenset[str]()
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "vendor_id" and not vendor:
            vendor = value.strip()
        elif key in ("flags", "Features") and not flags:
            flags = frozenset(value.split())
    return Cpu(platform.machine().lower(), vendor, flags)


@dataclass(frozen=True, slots=True)
class CpuChoices:
    """What CTranslate2 was told about the CPU code to run, by its own variables, which it
    reads itself: jamak carries them only to name what runs."""

    forced_isa: str | None = None  # CT2_FORCE_CPU_ISA
    use_mkl: str | None = None  # CT2_USE_MKL

    def describe(self, cpu: Cpu) -> tuple[str, str]:
        """The kernel family and the matrix library CTranslate2 runs on ``cpu``."""
        return chosen_family(cpu, self.forced_isa), matrix_library(cpu, self.use_mkl)


def supported_families(cpu: Cpu) -> tuple[str, ...]:
    """The kernel families CTranslate2 can be forced to on ``cpu``, oldest first."""
    if cpu.machine in ("aarch64", "arm64"):
        return ARM_FAMILIES
    if cpu.machine not in ("x86_64", "amd64"):
        return ("GENERIC",)
    available = {
        "GENERIC": True,
        "AVX": "avx" in cpu.flags,
        "AVX2": {"avx2", "fma"} <= cpu.flags,
        "AVX512": cpu.flags >= _AVX512_FLAGS,
    }
    return tuple(family for family in X86_FAMILIES if available[family])


def matrix_library(cpu: Cpu, use_mkl: str | None = None) -> str:
    """The library CTranslate2 runs its matrix products on, by the name its log gives it
    ("GEMM_S8 backend"): a second machine fact that moves Whisper's numbers, apart from the
    kernel family, which is why an Intel and an AMD processor with the same family give
    slightly different probabilities. On x86-64 its wheels carry Intel MKL and oneDNN and
    take MKL on Intel processors, oneDNN ("DNNL") on others; ``use_mkl``, the value of
    CT2_USE_MKL, overrides that when set ("1" or "true", in any case, for MKL; any other
    value for oneDNN). Empty on other processors, whose builds use other libraries."""
    if cpu.machine not in ("x86_64", "amd64"):
        return ""
    if use_mkl:
        return "MKL" if use_mkl.lower() in ("1", "true") else "DNNL"
    return "MKL" if cpu.vendor == "GenuineIntel" else "DNNL"


def chosen_family(cpu: Cpu, forced: str | None = None) -> str:
    """The family CTranslate2 runs on ``cpu``; ``forced``: the value of CT2_FORCE_CPU_ISA."""
    families = supported_families(cpu)
    if forced and forced.upper() in families:
        return forced.upper()
    for family in ("AVX2", "AVX", "NEON"):
        if family in families:
            return family
    return "GENERIC"
