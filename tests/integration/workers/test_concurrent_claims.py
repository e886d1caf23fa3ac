"""Worker processes draining one SQLite queue at once never get the same job twice."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from jamak.backends.embedded import SqliteJobStore
from jamak.jobs.model import Job, JobStatus

from .helpers import drain_queue

PROCESSES = 4
JOBS = 300


def test_every_job_goes_to_exactly_one_process(tmp_path: Path) -> None:
    db_path = tmp_path / "jobs.sqlite3"
    store = SqliteJobStore(db_path)
    for number in range(JOBS):
        store.add(Job(id=f"job-{number:04d}", owner="ana", filename="a", media_key="k"))

    context = multiprocessing.get_context("spawn")
    start = context.Barrier(PROCESSES)
    claims = [tmp_path / f"claims-{index}.txt" for index in range(PROCESSES)]
    processes = [
        context.Process(target=drain_queue, args=(db_path, f"p{index}", start, claims[index]))
        for index in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
        assert process.exitcode == 0

    per_process = [path.read_text().split() for path in claims]
    everything = [job_id for claimed in per_process for job_id in claimed]
    assert len(everything) == len(set(everything)) == JOBS
    assert sum(1 for claimed in per_process if claimed) >= 2  # they really did compete
    page = store.list(limit=500)
    assert {job.status for job in page.jobs} == {JobStatus.SUCCEEDED}
    assert {job.attempts for job in page.jobs} == {1}
    store.close()
