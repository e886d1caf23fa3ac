"""What every JobStore promises: records that round-trip, status changes that never go
backwards, progress only on running jobs, and stable newest-first pages."""

from __future__ import annotations

import pytest

from jamak.errors import InvalidTransitionError, JobError, JobNotFoundError
from jamak.jobs.model import Job, JobOptions, JobStatus
from jamak.jobs.ports import JobStore, ProgressUpdate


def make_job(number: int, *, owner: str = "ana", created_at: float | None = None) -> Job:
    job_id = f"job-{number:04d}"
    return Job(
        id=job_id,
        owner=owner,
        filename=f"clip {number}.mp4",
        media_key=f"jobs/{job_id}/media",
        options=JobOptions(model="tiny.en", language="en", formats=("srt", "vtt")),
        created_at=1_700_000_000.0 + number if created_at is None else created_at,
    )


def test_a_job_round_trips_unchanged(job_store: JobStore) -> None:
    job = make_job(1)
    job_store.add(job)
    assert job_store.get(job.id) == job


def test_unknown_job_is_not_found(job_store: JobStore) -> None:
    with pytest.raises(JobNotFoundError):
        job_store.get("nope")
    with pytest.raises(JobNotFoundError):
        job_store.transition("nope", JobStatus.CANCELLED)
    with pytest.raises(JobNotFoundError):
        job_store.record_progress("nope", ProgressUpdate(10.0, 1.0))


def test_adding_the_same_id_twice_is_refused(job_store: JobStore) -> None:
    job_store.add(make_job(1))
    with pytest.raises(JobError):
        job_store.add(make_job(1, owner="someone else"))
    assert job_store.get("job-0001").owner == "ana"


def test_a_job_runs_and_succeeds_with_its_outputs(job_store: JobStore) -> None:
    job_store.add(make_job(1))
    running = job_store.transition("job-0001", JobStatus.RUNNING)
    assert running.status is JobStatus.RUNNING
    assert running.attempts == 1
    assert running.started_at is not None
    outputs = {"srt": "jobs/job-0001/subtitles.srt"}
    done = job_store.transition("job-0001", JobStatus.SUCCEEDED, outputs=outputs)
    assert done.status is JobStatus.SUCCEEDED
    assert done.progress == 100.0
    assert done.finished_at is not None
    assert job_store.get("job-0001") == done
    assert job_store.get("job-0001").outputs == outputs


def test_a_failure_keeps_its_message(job_store: JobStore) -> None:
    job_store.add(make_job(1))
    job_store.transition("job-0001", JobStatus.RUNNING)
    job_store.transition("job-0001", JobStatus.FAILED, error="not an audio or video file")
    stored = job_store.get("job-0001")
    assert stored.status is JobStatus.FAILED
    assert stored.error == "not an audio or video file"
    assert stored.error_kind is None


def test_a_failure_keeps_its_kind(job_store: JobStore) -> None:
    job_store.add(make_job(1))
    job_store.transition("job-0001", JobStatus.RUNNING)
    failed = job_store.transition(
        "job-0001", JobStatus.FAILED, error="not media", error_kind="NotMediaError"
    )
    assert failed.error_kind == "NotMediaError"
    assert job_store.get("job-0001") == failed


@pytest.mark.parametrize("late", [JobStatus.RUNNING, JobStatus.SUCCEEDED, JobStatus.FAILED])
def test_a_cancelled_job_stays_cancelled(job_store: JobStore, late: JobStatus) -> None:
    job_store.add(make_job(1))
    job_store.transition("job-0001", JobStatus.RUNNING)
    job_store.transition("job-0001", JobStatus.CANCELLED)
    with pytest.raises(InvalidTransitionError):
        job_store.transition("job-0001", late, outputs={"srt": "x"})
    stored = job_store.get("job-0001")
    assert stored.status is JobStatus.CANCELLED
    assert stored.outputs == {}


def test_a_finished_job_never_goes_back(job_store: JobStore) -> None:
    job_store.add(make_job(1))
    job_store.transition("job-0001", JobStatus.RUNNING)
    job_store.transition("job-0001", JobStatus.SUCCEEDED, outputs={"srt": "k"})
    for target in JobStatus:
        with pytest.raises(InvalidTransitionError):
            job_store.transition("job-0001", target)
    assert job_store.get("job-0001").status is JobStatus.SUCCEEDED


def test_progress_lands_on_a_running_job(job_store: JobStore) -> None:
    job_store.add(make_job(1))
    job_store.transition("job-0001", JobStatus.RUNNING)
    stored = job_store.record_progress(
        "job-0001", ProgressUpdate(40.0, 12.0, duration_s=30.0, language="en")
    )
    assert (stored.progress, stored.processed_s, stored.duration_s, stored.language) == (
        40.0,
        12.0,
        30.0,
        "en",
    )
    assert job_store.get("job-0001") == stored


def test_late_progress_does_not_touch_a_finished_job(job_store: JobStore) -> None:
    job_store.add(make_job(1))
    job_store.transition("job-0001", JobStatus.RUNNING)
    job_store.transition("job-0001", JobStatus.CANCELLED)
    stored = job_store.record_progress("job-0001", ProgressUpdate(90.0, 27.0))
    assert stored.status is JobStatus.CANCELLED
    assert stored.progress == 0.0
    assert job_store.get("job-0001").progress == 0.0


def test_deleted_jobs_are_gone(job_store: JobStore) -> None:
    job_store.add(make_job(1))
    job_store.delete("job-0001")
    job_store.delete("job-0001")  # deleting twice is harmless
    with pytest.raises(JobNotFoundError):
        job_store.get("job-0001")


def test_list_is_newest_first(job_store: JobStore) -> None:
    for number in (3, 1, 2):
        job_store.add(make_job(number))
    page = job_store.list()
    assert [job.id for job in page.jobs] == ["job-0003", "job-0002", "job-0001"]
    assert page.next_cursor is None


def test_pages_cover_every_job_exactly_once(job_store: JobStore) -> None:
    for number in range(23):
        job_store.add(make_job(number))
    # Two jobs created in the same instant still get a stable order.
    job_store.add(make_job(100, created_at=1_700_000_010.0))
    seen: list[str] = []
    cursor: str | None = None
    while True:
        page = job_store.list(limit=5, cursor=cursor)
        assert len(page.jobs) <= 5
        seen += [job.id for job in page.jobs]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 24
    everything = job_store.list(limit=100).jobs
    assert seen == [job.id for job in everything]
    created = [job.created_at for job in everything]
    assert created == sorted(created, reverse=True)


def test_a_job_added_between_pages_does_not_shift_them(job_store: JobStore) -> None:
    for number in range(6):
        job_store.add(make_job(number))
    first = job_store.list(limit=3)
    job_store.add(make_job(50))  # newer than everything listed so far
    second = job_store.list(limit=3, cursor=first.next_cursor)
    assert [job.id for job in first.jobs] == ["job-0005", "job-0004", "job-0003"]
    assert [job.id for job in second.jobs] == ["job-0002", "job-0001", "job-0000"]


def test_list_filters_by_owner_and_status(job_store: JobStore) -> None:
    for number in range(6):
        job_store.add(make_job(number, owner="ana" if number % 2 else "bo"))
    job_store.transition("job-0001", JobStatus.CANCELLED)
    job_store.transition("job-0002", JobStatus.CANCELLED)
    anas = job_store.list(owner="ana").jobs
    assert [job.id for job in anas] == ["job-0005", "job-0003", "job-0001"]
    cancelled = job_store.list(status=JobStatus.CANCELLED).jobs
    assert [job.id for job in cancelled] == ["job-0002", "job-0001"]
    both = job_store.list(owner="ana", status=JobStatus.QUEUED, limit=1)
    assert [job.id for job in both.jobs] == ["job-0005"]
    rest = job_store.list(owner="ana", status=JobStatus.QUEUED, cursor=both.next_cursor)
    assert [job.id for job in rest.jobs] == ["job-0003"]
    assert job_store.list(owner="nobody").jobs == ()


def test_a_forged_cursor_is_refused(job_store: JobStore) -> None:
    job_store.add(make_job(1))
    with pytest.raises(JobError):
        job_store.list(cursor="not a cursor!")
