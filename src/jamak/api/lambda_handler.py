"""The API on AWS Lambda: API Gateway's HTTP API events through Mangum into the same app.

Lambda imports this module when a container starts and calls :data:`handler` per request.
Nothing is built at import time; the first call builds the settings, the AWS services and
the app, and later calls in the same container reuse them (Lambda keeps a container warm
between requests, so clients and the app are built once per container, not per request).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from jamak.settings import Settings


class LazyHandler:
    """A Lambda handler that builds the real one on its first call."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._adapter: Any = None

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        if self._adapter is None:
            with self._lock:
                if self._adapter is None:
                    self._adapter = build_adapter(Settings(backend="aws"))
        response: dict[str, Any] = self._adapter(event, context)
        return response


def build_adapter(settings: Settings) -> Any:
    """Mangum over ``create_app`` with the backend ``settings`` name (AWS in Lambda)."""
    from mangum import Mangum

    from jamak.api.app import create_app
    from jamak.bootstrap import build_services
    from jamak.logs import configure_logging

    logging.getLogger().setLevel(settings.log_level)
    if settings.log_format == "json":  # else the Lambda runtime's own handler stays
        configure_logging(level=settings.log_level, fmt="json")
    services = build_services(settings)
    # "auto" runs the app's lifespan on the first event; Lambda has no shutdown hook to
    # run its end, and the services' clients need no closing when the container dies.
    return Mangum(create_app(services), lifespan="auto")


handler = LazyHandler()


def sweep(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The scheduled sweeper's Lambda handler (api.yaml's SweeperFunction, every 5 minutes,
    same image): starts again the jobs whose Step Functions execution was never started,
    or fails them (:func:`jamak.jobs.service.restart_stalled_jobs`). A schedule, not a check
    when a job is read: a job nobody looks at would otherwise stay queued, and count
    against the queue's cap, for good. With ``JAMAK_AWS_JOB_QUEUE_ARN`` it also publishes
    the Batch queue's depth and its oldest waiting job's age (Batch has no such metric), for
    the workflow stack's alarms and dashboard."""
    import time

    from jamak.bootstrap import build_services, publish_queue_metrics
    from jamak.jobs.model import JobStatus
    from jamak.jobs.ports import TrackedLauncher
    from jamak.jobs.service import restart_stalled_jobs

    settings = Settings(backend="aws")
    services = build_services(settings)
    try:
        launcher = services.launcher
        if not isinstance(launcher, TrackedLauncher):
            raise TypeError("the sweeper needs a launcher that knows which jobs it started")
        handled = restart_stalled_jobs(
            store=services.store,
            launcher=launcher,
            older_than_s=settings.aws_stalled_after_s,
            now=time.time(),
        )
    finally:
        services.close()
    failed = [job.id for job in handled if job.status is JobStatus.FAILED]
    result: dict[str, Any] = {
        "restarted": [job.id for job in handled if job.id not in failed],
        "failed": failed,
    }
    sample = publish_queue_metrics(settings, now_s=time.time())
    if sample is not None:
        result["queue"] = {"waiting": sample.waiting, "oldest_wait_s": sample.oldest_wait_s}
    return result
