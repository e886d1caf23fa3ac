"""How long a running job has left, from its own pace so far.

A job's pace is the audio it has recognised per second since it started, and what is left
is the rest of its audio at that pace: the machine, the model, the speed preset and the
file's own difficulty are all in it, so nothing has to be known about them. The first
seconds of a job (the model's load, the file's decoding, the speech detector's pass)
recognise nothing, so early estimates run long and shorten as the job goes; none is given
until the job is far enough along for its pace to mean something.
"""

from __future__ import annotations

from jamak.jobs.model import Job, JobStatus

MIN_SHARE_DONE = 0.05  # of the job's audio
MIN_ELAPSED_S = 5.0


def remaining_s(job: Job, *, now: float) -> float | None:
    """Seconds until ``job`` is done at its pace so far; None unless it is running and
    past :data:`MIN_SHARE_DONE` of its audio and :data:`MIN_ELAPSED_S` of its time."""
    if job.status is not JobStatus.RUNNING or job.started_at is None or not job.duration_s:
        return None
    elapsed_s = now - job.started_at
    done_s = min(job.processed_s, job.duration_s)
    if elapsed_s < MIN_ELAPSED_S or done_s < MIN_SHARE_DONE * job.duration_s:
        return None
    return (job.duration_s - done_s) * elapsed_s / done_s
