"""How many jobs wait in the Batch job queue, and for how long: published to CloudWatch by
the scheduled sweeper, since Batch publishes no queue metric of its own.

A job waits in Batch between its submission by the state machine and its container's start:
SUBMITTED, PENDING, RUNNABLE (no instance yet: scaling from zero, no Spot capacity, a quota
too low) and STARTING (the image being pulled). The workflow stack alarms on both figures
and draws them on its dashboard.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

NAMESPACE = "jamak"
WAITING_STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING")
WAITING_METRIC = "BatchJobsWaiting"
OLDEST_WAIT_METRIC = "OldestWaitingJobSeconds"


class BatchJobLister(Protocol):
    def list_jobs(self, **kwargs: Any) -> Mapping[str, Any]: ...


class MetricPublisher(Protocol):
    def put_metric_data(self, **kwargs: Any) -> Mapping[str, Any]: ...


@dataclass(frozen=True, slots=True)
class QueueSample:
    job_queue: str  # the queue's name: the metrics' JobQueue dimension
    waiting: int
    oldest_wait_s: float  # 0 with nothing waiting


def queue_name(job_queue_arn: str) -> str:
    """``arn:aws:batch:REGION:ACCOUNT:job-queue/NAME`` -> NAME (a name stays a name)."""
    return job_queue_arn.rsplit("/", 1)[-1]


def sample_queue(batch: BatchJobLister, job_queue_arn: str, *, now_s: float) -> QueueSample:
    """Count the queue's waiting jobs (every page) and the age of the oldest."""
    created_ms: list[int] = []
    for status in WAITING_STATUSES:
        token: str | None = None
        while True:
            page = batch.list_jobs(
                jobQueue=job_queue_arn, jobStatus=status, **({"nextToken": token} if token else {})
            )
            created_ms += [
                int(job.get("createdAt", now_s * 1000)) for job in page["jobSummaryList"]
            ]
            token = page.get("nextToken")
            if not token:
                break
    oldest = max(0.0, now_s - min(created_ms) / 1000) if created_ms else 0.0
    return QueueSample(queue_name(job_queue_arn), len(created_ms), oldest)


def publish_sample(cloudwatch: MetricPublisher, sample: QueueSample) -> None:
    dimensions = [{"Name": "JobQueue", "Value": sample.job_queue}]
    cloudwatch.put_metric_data(
        Namespace=NAMESPACE,
        MetricData=[
            {
                "MetricName": WAITING_METRIC,
                "Dimensions": dimensions,
                "Value": float(sample.waiting),
                "Unit": "Count",
            },
            {
                "MetricName": OLDEST_WAIT_METRIC,
                "Dimensions": dimensions,
                "Value": sample.oldest_wait_s,
                "Unit": "Seconds",
            },
        ],
    )
