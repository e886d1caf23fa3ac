"""Default pool size: one core and 2 GB of available memory per worker, at least one."""

from __future__ import annotations

import pytest

from jamak.backends.embedded.sizing import (
    GIB,
    available_memory_bytes,
    default_worker_count,
    express_worker_count,
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
    ("cores", "memory_gib", "express"),
    [
        (2, 64, 1),  # room to spare: the express worker runs beside both regular ones
        (2, 6, 1),  # exactly room for three models
        (2, 5, 0),  # room for the two regular workers only: no express worker
        (16, 7, 0),  # memory already decided the regular workers: none left for it
        (1, 1, 0),  # one worker on too little memory: certainly none
    ],
)
def test_the_express_worker_is_counted_against_memory(
    cores: int, memory_gib: int, express: int
) -> None:
    available = memory_gib * GIB
    workers = default_worker_count(cores, available)
    assert express_worker_count(1, workers, available) == express


def test_express_workers_never_exceed_what_was_asked() -> None:
    assert express_worker_count(0, 2, 64 * GIB) == 0
    assert express_worker_count(2, 2, 64 * GIB) == 2


@pytest.mark.parametrize(
    ("cores", "workers", "threads"), [(16, 8, 2), (16, 3, 5), (2, 4, 1), (8, 1, 8)]
)
def test_threads_split_the_cores(cores: int, workers: int, threads: int) -> None:
    assert threads_per_worker(cores, workers) == threads


def test_this_machine_is_measured() -> None:
    assert usable_cores() >= 1
    assert available_memory_bytes() > 0
