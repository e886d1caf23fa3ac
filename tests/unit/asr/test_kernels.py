"""Which CTranslate2 CPU kernel family jamak reports, for machines it is not running on."""

from pathlib import Path

import pytest

from jamak.asr.kernels import (
    Cpu,
    CpuChoices,
    chosen_family,
    matrix_library,
    read_cpu,
    supported_families,
)

AVX512 = frozenset(
    {"avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"}
)
ZEN5 = Cpu("x86_64", "AuthenticAMD", AVX512)
SAPPHIRE_RAPIDS = Cpu("x86_64", "GenuineIntel", AVX512)
HASWELL = Cpu("x86_64", "GenuineIntel", frozenset({"avx", "avx2", "fma"}))
OLD_X86 = Cpu("x86_64", "GenuineIntel", frozenset({"sse4_2"}))
GRAVITON = Cpu("aarch64", "", frozenset({"asimd"}))


def test_families_a_processor_offers() -> None:
    assert supported_families(ZEN5) == ("GENERIC", "AVX", "AVX2", "AVX512")
    assert supported_families(HASWELL) == ("GENERIC", "AVX", "AVX2")
    assert supported_families(OLD_X86) == ("GENERIC",)
    assert supported_families(GRAVITON) == ("GENERIC", "NEON")


@pytest.mark.parametrize(
    ("cpu", "forced", "family"),
    [
        (ZEN5, None, "AVX2"),  # CTranslate2 takes AVX512 only when forced, on any vendor
        (SAPPHIRE_RAPIDS, None, "AVX2"),  # AVX512 is never CTranslate2's own choice
        (SAPPHIRE_RAPIDS, "AVX512", "AVX512"),
        (ZEN5, "avx512", "AVX512"),
        (ZEN5, "GENERIC", "GENERIC"),
        (HASWELL, "AVX512", "AVX2"),  # not on offer: CTranslate2 keeps its own choice
        (OLD_X86, None, "GENERIC"),
        (GRAVITON, None, "NEON"),
    ],
)
def test_the_family_ctranslate2_runs(cpu: Cpu, forced: str | None, family: str) -> None:
    assert chosen_family(cpu, forced) == family


@pytest.mark.parametrize(
    ("cpu", "use_mkl", "library"),
    [
        (SAPPHIRE_RAPIDS, None, "MKL"),  # Intel MKL on Intel processors
        (HASWELL, None, "MKL"),
        (ZEN5, None, "DNNL"),  # oneDNN on the others
        (SAPPHIRE_RAPIDS, "", "MKL"),  # empty: as if unset
        (SAPPHIRE_RAPIDS, "0", "DNNL"),
        (SAPPHIRE_RAPIDS, "false", "DNNL"),
        (SAPPHIRE_RAPIDS, "yes", "DNNL"),  # only "1" and "true" mean MKL to CTranslate2
        (ZEN5, "1", "MKL"),
        (ZEN5, "TRUE", "MKL"),
        (GRAVITON, None, ""),  # other builds, other libraries: not claimed
    ],
)
def test_the_matrix_library_ctranslate2_runs(cpu: Cpu, use_mkl: str | None, library: str) -> None:
    assert matrix_library(cpu, use_mkl) == library


def test_what_ctranslate2_was_told_names_both_facts() -> None:
    assert CpuChoices().describe(ZEN5) == ("AVX2", "DNNL")
    assert CpuChoices("AVX512", "0").describe(SAPPHIRE_RAPIDS) == ("AVX512", "DNNL")


def test_read_from_cpuinfo(tmp_path: Path) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(
        "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu avx avx2 fma\n\n"
        "processor\t: 1\nvendor_id\t: GenuineIntel\nflags\t\t: fpu avx avx2 fma\n"
    )
    cpu = read_cpu(cpuinfo)
    assert cpu.vendor == "GenuineIntel"
    assert {"avx2", "fma"} <= cpu.flags
    assert read_cpu(tmp_path / "missing").flags == frozenset()
