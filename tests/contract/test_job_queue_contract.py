"""What every pull queue promises: the oldest queued job goes to exactly one worker under a
lease; a lease that runs out puts the job back (and, after too many, fails it); status
changes made meanwhile (a cancel, a delete) win over the worker."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Protocol

import pytest

from jamak.errors import InvalidTransitionError, JobNotFoundError
from jamak.jobs.model import JobStatus
from jamak.jobs.ports import JobQueue, JobStore, ProgressUpdate

from .conftest import MAX_ATTEMPTS
from .test_job_store_contract import make_job

SHORT_LEASE_S = 0.05
LONG_LEASE_S = 60.0


class StoreAndQueue(JobStore, JobQueue, Protocol):
    pass


def expire(lease_s: float = SHORT_LEASE_S) -> None:
    time.sleep(lease_s * 3)


def test_an_empty_queue_gives_nothing(job_queue: StoreAndQueue) -> None:
    assert job_queue.claim("w1", lease_s=LONG_LEASE_S) is None


def test_claims_take_the_oldest_queued_job_first(job_queue: StoreAndQueue) -> None:
    for number in (2, 3, 1):
        job_queue.add(make_job(number))
    order = [job_queue.claim("w1", lease_s=LONG_LEASE_S) for _ in range(3)]
    assert [job.id if job else None for job in order] == ["job-0001", "job-0002", "job-0003"]
    assert job_queue.claim("w1", lease_s=LONG_LEASE_S) is None


def test_a_claimed_job_is_running_and_held(job_queue: StoreAndQueue) -> None:
    job_queue.add(make_job(1))
    job = job_queue.claim("w1", lease_s=LONG_LEASE_S)
    assert job is not None
    assert job.status is JobStatus.RUNNING
    assert job.attempts == 1
    assert job_queue.get(job.id) == job
    assert job_queue.claim("w2", lease_s=LONG_LEASE_S) is None


def test_cancelled_and_finished_jobs_are_not_claimed(job_queue: StoreAndQueue) -> None:
    job_queue.add(make_job(1))
    job_queue.transition("job-0001", JobStatus.CANCELLED)
    assert job_queue.claim("w1", lease_s=LONG_LEASE_S) is None


def test_only_the_holder_renews(job_queue: StoreAndQueue) -> None:
    job_queue.add(make_job(1))
    job_queue.claim("w1", lease_s=LONG_LEASE_S)
    assert job_queue.renew("job-0001", "w1", lease_s=LONG_LEASE_S) is True
    assert job_queue.renew("job-0001", "w2", lease_s=LONG_LEASE_S) is False


def test_renewal_fails_once_the_job_is_cancelled_or_deleted(job_queue: StoreAndQueue) -> None:
    job_queue.add(make_job(1))
    job_queue.add(make_job(2))
    job_queue.claim("w1", lease_s=LONG_LEASE_S)
    job_queue.claim("w1", lease_s=LONG_LEASE_S)
    job_queue.transition("job-0001", JobStatus.CANCELLED)
    job_queue.delete("job-0002")
    assert job_queue.renew("job-0001", "w1", lease_s=LONG_LEASE_S) is False
    assert job_queue.renew("job-0002", "w1", lease_s=LONG_LEASE_S) is False


def test_renewing_keeps_the_job(job_queue: StoreAndQueue) -> None:
    job_queue.add(make_job(1))
    job_queue.claim("w1", lease_s=0.3)
    for _ in range(6):
        time.sleep(0.1)
        assert job_queue.renew("job-0001", "w1", lease_s=0.3)
        assert job_queue.claim("w2", lease_s=0.3) is None
    assert job_queue.get("job-0001").attempts == 1


def test_an_expired_lease_hands_the_job_to_another_worker(job_queue: StoreAndQueue) -> None:
    job_queue.add(make_job(1))
    job_queue.claim("dead", lease_s=SHORT_LEASE_S)
    expire()
    again = job_queue.claim("alive", lease_s=LONG_LEASE_S)
    assert again is not None
    assert again.id == "job-0001"
    assert again.attempts == 2
    # The worker that stopped responding has lost the job for good.
    assert job_queue.renew("job-0001", "dead", lease_s=LONG_LEASE_S) is False
    assert job_queue.renew("job-0001", "alive", lease_s=LONG_LEASE_S) is True


def test_a_stale_worker_cannot_finish_a_requeued_job(job_queue: StoreAndQueue) -> None:
    job_queue.add(make_job(1))
    job_queue.claim("stale", lease_s=SHORT_LEASE_S)
    job_queue.add(make_job(0))  # older, so the next claim takes it, not the requeued one
    expire()
    other = job_queue.claim("other", lease_s=LONG_LEASE_S)
    assert other is not None
    assert other.id == "job-0000"
    assert job_queue.get("job-0001").status is JobStatus.QUEUED
    with pytest.raises(InvalidTransitionError):
        job_queue.transition("job-0001", JobStatus.SUCCEEDED, outputs={"srt": "k"})
    assert job_queue.get("job-0001").status is JobStatus.QUEUED


def test_a_job_whose_workers_keep_dying_fails(job_queue: StoreAndQueue) -> None:
    job_queue.add(make_job(1))
    for attempt in range(1, MAX_ATTEMPTS + 1):
        job = job_queue.claim(f"w{attempt}", lease_s=SHORT_LEASE_S)
        assert job is not None
        assert job.attempts == attempt
        expire()
    assert job_queue.claim("last", lease_s=LONG_LEASE_S) is None
    failed = job_queue.get("job-0001")
    assert failed.status is JobStatus.FAILED
    assert failed.error == f"worker stopped responding {MAX_ATTEMPTS} times"
    assert failed.error_kind == "WorkerLost"


def test_a_finished_job_is_never_reclaimed(job_queue: StoreAndQueue) -> None:
    job_queue.add(make_job(1))
    job_queue.claim("w1", lease_s=SHORT_LEASE_S)
    job_queue.transition("job-0001", JobStatus.SUCCEEDED, outputs={"srt": "k"})
    expire()
    assert job_queue.claim("w2", lease_s=LONG_LEASE_S) is None
    assert job_queue.get("job-0001").status is JobStatus.SUCCEEDED


def test_a_released_job_goes_back_without_counting_an_attempt(
    job_queue: StoreAndQueue,
) -> None:
    job_queue.add(make_job(1))
    job_queue.claim("w1", lease_s=LONG_LEASE_S)
    job_queue.release("job-0001", "someone else")  # not theirs to release
    assert job_queue.get("job-0001").status is JobStatus.RUNNING
    job_queue.release("job-0001", "w1")
    released = job_queue.get("job-0001")
    assert released.status is JobStatus.QUEUED
    assert released.attempts == 0
    again = job_queue.claim("w2", lease_s=LONG_LEASE_S)
    assert again is not None
    assert again.attempts == 1


def test_releasing_a_cancelled_job_keeps_it_cancelled(job_queue: StoreAndQueue) -> None:
    job_queue.add(make_job(1))
    job_queue.claim("w1", lease_s=LONG_LEASE_S)
    job_queue.transition("job-0001", JobStatus.CANCELLED)
    job_queue.release("job-0001", "w1")
    assert job_queue.get("job-0001").status is JobStatus.CANCELLED


# --- part tasks of a job spread over the pool (jamak.jobs.pool_parts) -----------------------


def add_part_tasks(job_queue: StoreAndQueue, parent_id: str, count: int) -> list[str]:
    parent = job_queue.get(parent_id)
    ids = []
    for index in range(count):
        task = replace(
            make_job(100 + index),
            id=f"{parent_id}-part-{index}",
            created_at=parent.created_at,
            parent_id=parent_id,
            part_index=index,
        )
        job_queue.add(task)
        ids.append(task.id)
    return ids


def test_a_detached_job_keeps_running_and_is_never_reclaimed(job_queue: StoreAndQueue) -> None:
    job_queue.add(make_job(1))
    job_queue.claim("w1", lease_s=SHORT_LEASE_S)

    assert job_queue.detach("job-0001", "w1") is True
    expire()

    assert job_queue.claim("w2", lease_s=LONG_LEASE_S) is None
    assert job_queue.get("job-0001").status is JobStatus.RUNNING
    assert job_queue.get("job-0001").attempts == 1
    assert job_queue.detach("job-0001", "w2") is False  # nobody's lease to drop now


def test_part_tasks_are_claimed_but_never_listed(job_queue: StoreAndQueue) -> None:
    job_queue.add(make_job(1))
    job_queue.claim("w1", lease_s=LONG_LEASE_S)
    tasks = add_part_tasks(job_queue, "job-0001", 2)
    job_queue.detach("job-0001", "w1")

    claimed = [job_queue.claim(f"w{n}", lease_s=LONG_LEASE_S) for n in (2, 3)]

    assert [job.id for job in claimed if job] == tasks
    assert [job.id for job in job_queue.list().jobs] == ["job-0001"]
    assert [job.id for job in job_queue.list(status=JobStatus.RUNNING).jobs] == ["job-0001"]


def test_deleting_a_job_deletes_its_part_tasks(job_queue: StoreAndQueue) -> None:
    job_queue.add(make_job(1))
    job_queue.claim("w1", lease_s=LONG_LEASE_S)
    tasks = add_part_tasks(job_queue, "job-0001", 2)

    job_queue.delete("job-0001")

    for task in tasks:
        with pytest.raises(JobNotFoundError):
            job_queue.get(task)
    assert job_queue.claim("w2", lease_s=LONG_LEASE_S) is None


def test_a_part_task_whose_workers_keep_dying_fails_its_job(job_queue: StoreAndQueue) -> None:
    job_queue.add(make_job(1))
    job_queue.claim("w1", lease_s=LONG_LEASE_S)
    job_queue.record_progress("job-0001", ProgressUpdate(0.0, 0.0, 60.0, parts=2))
    job_queue.detach("job-0001", "w1")
    add_part_tasks(job_queue, "job-0001", 2)
    job_queue.claim("w2", lease_s=LONG_LEASE_S)  # part 1 is held; part 2 keeps dying
    for _ in range(MAX_ATTEMPTS):
        assert job_queue.claim("w3", lease_s=SHORT_LEASE_S) is not None
        expire()

    assert job_queue.claim("w3", lease_s=SHORT_LEASE_S) is None  # settles the last lease
    failed = job_queue.get("job-0001")
    assert failed.status is JobStatus.FAILED
    assert failed.error == f"part 2 of 2: worker stopped responding {MAX_ATTEMPTS} times"


def test_a_job_failed_while_held_is_never_handed_out_again(job_queue: StoreAndQueue) -> None:
    job_queue.add(make_job(1))
    job_queue.claim("w1", lease_s=SHORT_LEASE_S)

    assert job_queue.fail_held("job-0001", "w2", error="stuck", error_kind="X") is False
    assert job_queue.fail_held("job-0001", "w1", error="stuck", error_kind="TimeLimit") is True
    expire()

    assert job_queue.claim("w3", lease_s=LONG_LEASE_S) is None
    failed = job_queue.get("job-0001")
    assert (failed.status, failed.error, failed.error_kind) == (
        JobStatus.FAILED,
        "stuck",
        "TimeLimit",
    )
    assert job_queue.renew("job-0001", "w1", lease_s=LONG_LEASE_S) is False
    assert job_queue.fail_held("job-0001", "w1", error="again", error_kind="X") is False


def test_a_part_task_failed_while_held_fails_its_job(job_queue: StoreAndQueue) -> None:
    job_queue.add(make_job(1))
    job_queue.claim("w1", lease_s=LONG_LEASE_S)
    job_queue.record_progress("job-0001", ProgressUpdate(0.0, 0.0, 60.0, parts=2))
    job_queue.detach("job-0001", "w1")
    first, _ = add_part_tasks(job_queue, "job-0001", 2)
    assert job_queue.claim("w2", lease_s=LONG_LEASE_S) is not None

    assert job_queue.fail_held(first, "w2", error="took too long", error_kind="TimeLimit")

    failed = job_queue.get("job-0001")
    assert failed.status is JobStatus.FAILED
    assert failed.error == "part 1 of 2: took too long"
    assert failed.error_kind == "TimeLimit"


def split_job(job_queue: StoreAndQueue, number: int, parts: int) -> list[str]:
    """A long job a worker has planned: running with no lease, its part tasks queued."""
    job_queue.add(replace(make_job(number), declared_s=1800.0))
    job_queue.transition(f"job-{number:04d}", JobStatus.RUNNING)
    return add_part_tasks(job_queue, f"job-{number:04d}", parts)


def test_an_express_claim_takes_only_short_whole_jobs(job_queue: StoreAndQueue) -> None:
    split_job(job_queue, 1, 2)
    job_queue.add(replace(make_job(2), declared_s=3600.0))  # long
    job_queue.add(make_job(3))  # its header declared no length
    job_queue.add(replace(make_job(4), declared_s=120.0))  # short, at the bound
    job_queue.add(replace(make_job(5), declared_s=11.0))  # short

    claimed = [job_queue.claim("express", lease_s=LONG_LEASE_S, max_duration_s=120.0)]
    claimed.append(job_queue.claim("express", lease_s=LONG_LEASE_S, max_duration_s=120.0))

    assert [job.id for job in claimed if job] == ["job-0004", "job-0005"]
    assert job_queue.claim("express", lease_s=LONG_LEASE_S, max_duration_s=120.0) is None
    # What the express worker left is still there for the others.
    assert job_queue.claim("w1", lease_s=LONG_LEASE_S) is not None


def test_an_express_claim_goes_by_the_measured_length_once_there_is_one(
    job_queue: StoreAndQueue,
) -> None:
    # Its header said 11 s; the worker that took it measured 40 minutes and handed it back.
    job_queue.add(replace(make_job(1), declared_s=11.0))
    taken = job_queue.claim("express", lease_s=LONG_LEASE_S, max_duration_s=120.0)
    assert taken is not None
    job_queue.record_progress(taken.id, ProgressUpdate(0.0, 0.0, 2400.0))
    job_queue.release(taken.id, "express")
    # Its header said an hour; it is a minute long.
    job_queue.add(replace(make_job(2), declared_s=3600.0, duration_s=60.0))

    claimed = job_queue.claim("express", lease_s=LONG_LEASE_S, max_duration_s=120.0)

    assert claimed is not None and claimed.id == "job-0002"
    assert job_queue.claim("express", lease_s=LONG_LEASE_S, max_duration_s=120.0) is None
    handed_back = job_queue.claim("w1", lease_s=LONG_LEASE_S)
    assert handed_back is not None and handed_back.id == "job-0001"
    assert handed_back.attempts == 1  # the express worker's attempt was refunded


def test_a_new_job_goes_before_the_parts_of_a_job_already_running(
    job_queue: StoreAndQueue,
) -> None:
    tasks = split_job(job_queue, 1, 4)
    first = job_queue.claim("w1", lease_s=LONG_LEASE_S)
    assert first is not None and first.id == tasks[0]
    job_queue.add(make_job(2))  # newer than every part, but nothing of it runs yet

    claimed = job_queue.claim("w2", lease_s=LONG_LEASE_S)

    assert claimed is not None and claimed.id == "job-0002"


def test_two_split_jobs_share_the_workers(job_queue: StoreAndQueue) -> None:
    first = split_job(job_queue, 1, 3)
    second = split_job(job_queue, 2, 3)

    claimed = [job_queue.claim(f"w{n}", lease_s=LONG_LEASE_S) for n in range(4)]

    assert [job.id for job in claimed if job] == [first[0], second[0], first[1], second[1]]
