"""What a running job has left, at its own pace so far."""

from __future__ import annotations

from dataclasses import replace

import pytest

from jamak.jobs.model import Job, JobStatus
from jamak.jobs.pace import remaining_s

STARTED = 1_000.0


def running(processed_s: float, duration_s: float | None = 600.0) -> Job:
    job = Job(id="j1", owner="ana", filename="talk.mp3", media_key="jobs/j1/media")
    return replace(
        job,
        status=JobStatus.RUNNING,
        started_at=STARTED,
        processed_s=processed_s,
        duration_s=duration_s,
    )


def test_the_rest_of_the_audio_at_the_pace_so_far() -> None:
    # 150 s of audio in 30 s: five times real time, so 450 s of audio take 90 s more.
    assert remaining_s(running(150.0), now=STARTED + 30.0) == pytest.approx(90.0)


def test_a_slower_job_has_more_left() -> None:
    fast = remaining_s(running(300.0), now=STARTED + 20.0)
    slow = remaining_s(running(300.0), now=STARTED + 60.0)
    assert fast is not None and slow is not None
    assert slow == pytest.approx(3 * fast)


@pytest.mark.parametrize(
    ("job", "now"),
    [
        (running(150.0), STARTED + 4.0),  # too early to tell
        (running(20.0), STARTED + 30.0),  # under a twentieth of the audio
        (running(150.0, duration_s=None), STARTED + 30.0),  # length not read yet
        (replace(running(150.0), status=JobStatus.QUEUED), STARTED + 30.0),
        (replace(running(600.0), status=JobStatus.SUCCEEDED), STARTED + 30.0),
        (replace(running(150.0), started_at=None), STARTED + 30.0),
    ],
)
def test_no_estimate_where_there_is_nothing_to_tell(job: Job, now: float) -> None:
    assert remaining_s(job, now=now) is None


def test_a_job_past_its_whole_length_has_nothing_left() -> None:
    assert remaining_s(running(610.0), now=STARTED + 60.0) == 0.0
