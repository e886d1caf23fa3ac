"""Default pool size: one core and 2 GB of available memory per worker, at least one; an
express worker on top where memory leaves room for its model."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from jamak.backends.embedded import pool as pool_module
from jamak.backends.embedded.config import ExpressLane
from jamak.backends.embedded.pool import WorkerPool
from jamak.backends.embedded.sizing import (
    GIB,
    available_memory_bytes,
    default_worker_count,
    express_worker_count,
    threads_per_worker,
    usable_cores,
)
from jamak.bootstrap import worker_process_config
from jamak.jobs.recognizers import RecognizerConfig, model_registry_recognizers
from jamak.settings import Settings


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


@pytest.mark.parametrize(("memory_gib", "express"), [(64, 1), (5, 0)])
def test_a_pool_runs_its_express_worker_only_where_memory_allows(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
    memory_gib: int,
    express: int,
) -> None:
    monkeypatch.setattr(pool_module, "available_memory_bytes", lambda: memory_gib * GIB)
    config = worker_process_config(Settings(data_dir=tmp_path, model="scripted"))

    with caplog.at_level(logging.WARNING, logger=pool_module.__name__):
        pool = WorkerPool(config, workers=2, express=ExpressLane(workers=1))

    assert (pool.size, pool.express_size) == (2, express)
    assert ("express worker" in caplog.text) is (express == 0)


@pytest.mark.parametrize(("streams", "expected"), [(1, 1), (0, min(2, usable_cores()))])
def test_an_express_worker_decodes_one_stream(tmp_path: Path, streams: int, expected: int) -> None:
    """Its model runs one recognition at a time on its one thread; a regular worker's runs
    a second where the cores leave room."""
    config = RecognizerConfig(model_dir=tmp_path, cpu_threads=1, streams=streams)
    registry = model_registry_recognizers(config)
    try:
        assert registry.workers == expected  # type: ignore[attr-defined]
    finally:
        registry.close()
