"""Default pool size: one core and 2 GB of available memory per worker, at least one."""

from __future__ import annotations

import pytest

from jamak.backends.embedded.sizing import (
    GIB,
    available_memory_bytes,
    default_worker_count,
    threads_per_worker,
    usable_cores,
)


@pytest.mark.parametrize(
    ("cores", "memory_gib", "workers"),
    [
        (1, 64, 1),  # never zero
        (2, 64, 2),
        (16, 64, 16),  # cores decide
        (16, 7, 3),  # memory decides
        (64, 1, 1),  # too little memory for two, still one
    ],
)
def test_default_worker_count(cores: int, memory_gib: int, workers: int) -> None:
    assert default_worker_count(cores, memory_gib * GIB) == workers


@pytest.mark.parametrize(
    ("cores", "workers", "threads"), [(16, 8, 2), (16, 3, 5), (2, 4, 1), (8, 1, 8)]
)
def test_threads_split_the_cores(cores: int, workers: int, threads: int) -> None:
    assert threads_per_worker(cores, workers) == threads


def test_this_machine_is_measured() -> None:
    assert usable_cores() >= 1
    assert available_memory_bytes() > 0
