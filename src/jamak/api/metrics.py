"""Prometheus metrics at ``GET /metrics``: the jobs (read from the job store) and the HTTP API.

**Registry.** Each app owns its :class:`CollectorRegistry`, made by :func:`install_metrics`
inside the app factory, never a module-level global: tests (and one process serving two
apps) would otherwise register the same names twice.

**Workers are other processes** (a local pool, or AWS Batch containers). Rather than
prometheus_client's multiprocess mode (a shared folder of mmap files, an environment variable
set before the library is imported, files to clean up after a killed worker), job figures are
computed at scrape time from what every job already records in the job store
(:mod:`jamak.jobs.stats`): durable, the same on both backends, and right after a crash.
Only the HTTP figures are counted in this process, where the requests are.

**Labels stay few**: the route *template* (``/api/jobs/{job_id}``), never the raw path or a
job id; the status code; an error kind is a class name from jamak's error tree.

**Who may scrape.** With sign-in off the server is on loopback (or its operator passed
``--insecure``): ``/metrics`` is as open as every other route there. With sign-in on it needs
an admin's token (``Authorization: Bearer``; Prometheus sends one with ``authorization`` in
its scrape config): the figures name no user, but volumes, error kinds and routes still tell
an outsider about the service, and a separate "metrics token" setting would be one more
secret to manage for no gain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector
from starlette.types import Scope

from jamak.api.auth import Principal, get_principal, get_services
from jamak.api.observed import ObservedRequests, route_template
from jamak.bootstrap import Services
from jamak.jobs.ports import JobStore
from jamak.jobs.stats import job_stats

# Real-time factors: a GPU runs at a few hundredths of real time, a CPU near or past 1.
SPEED_BUCKETS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)

router = APIRouter(tags=["health"])


class HttpMetrics:
    """Requests by method, route template and status, and their latency."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "jamak_http_requests",
            "HTTP requests answered, by route template and status code.",
            ("method", "route", "status"),
            registry=registry,
        )
        self.latency = Histogram(
            "jamak_http_request_duration_seconds",
            "Seconds from request to the end of the response (SSE streams included).",
            ("method", "route"),
            registry=registry,
        )

    def observe(self, scope: Scope, status: int, elapsed_s: float) -> None:
        method, route = str(scope["method"]), route_template(scope)
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(elapsed_s)


class JobStoreCollector(Collector):
    """Job figures, read from the store on every scrape (see the module docstring)."""

    def __init__(self, store: JobStore, workers: Callable[[], int] | None = None) -> None:
        self._store = store
        self.workers = workers  # set where this process runs a worker pool

    def collect(self) -> Iterable[Metric]:
        stats = job_stats(self._store)
        jobs = GaugeMetricFamily("jamak_jobs", "Jobs by status.", labels=["status"])
        for status, count in stats.by_status.items():
            jobs.add_metric([str(status)], count)
        yield jobs
        yield GaugeMetricFamily(
            "jamak_queue_depth", "Jobs waiting for a worker.", stats.queue_depth
        )
        yield CounterMetricFamily(
            "jamak_audio_processed_seconds", "Audio seconds recognised.", stats.audio_s
        )
        errors = CounterMetricFamily(
            "jamak_job_errors", "Failed jobs by error kind.", labels=["kind"]
        )
        for kind, count in sorted(stats.errors_by_kind.items()):
            errors.add_metric([kind], count)
        yield errors
        yield _speed_histogram(stats.seconds_per_audio_s)
        if self.workers is not None:
            yield GaugeMetricFamily("jamak_workers", "Live worker processes.", self.workers())


def _speed_histogram(values: tuple[float, ...]) -> HistogramMetricFamily:
    cumulative = [sum(1 for v in values if v <= bound) for bound in SPEED_BUCKETS]
    buckets = [(repr(b), c) for b, c in zip(SPEED_BUCKETS, cumulative, strict=True)]
    buckets.append(("+Inf", len(values)))
    return HistogramMetricFamily(
        "jamak_job_processing_seconds_per_audio_second",
        "Wall-clock seconds a succeeded job took per second of its audio.",
        buckets=buckets,
        sum_value=sum(values),
    )


class Metrics:
    """One app's registry and the collectors in it."""

    def __init__(self, services: Services) -> None:
        self.registry = CollectorRegistry()
        self.http = HttpMetrics(self.registry)
        self.jobs = JobStoreCollector(services.store)
        self.registry.register(self.jobs)


def install_metrics(app: FastAPI, services: Services) -> Metrics:
    """Give ``app`` its registry, the HTTP middleware and ``GET /metrics``."""
    metrics = Metrics(services)
    app.state.metrics = metrics
    app.add_middleware(ObservedRequests, observe=metrics.http.observe)
    app.include_router(router)
    return metrics


def count_workers(app: FastAPI, workers: Callable[[], int]) -> None:
    """Export ``jamak_workers`` from ``workers()`` (``jamak serve`` with its pool)."""
    metrics: Metrics = app.state.metrics
    metrics.jobs.workers = workers


def _may_scrape(request: Request, services: Annotated[Services, Depends(get_services)]) -> None:
    """Open with sign-in off; an admin's token (or session) with it on."""
    if services.auth.required:
        principal: Principal = get_principal(request, services)
        if not principal.admin:
            raise HTTPException(status_code=403, detail="metrics are for admins")


@router.get("/metrics", include_in_schema=False, dependencies=[Depends(_may_scrape)])
def metrics_endpoint(request: Request) -> Response:
    metrics: Metrics = request.app.state.metrics
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)
