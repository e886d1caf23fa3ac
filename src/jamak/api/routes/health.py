"""``/healthz`` (the process answers) and ``/readyz`` (it can do its work).

Readiness touches the real dependencies: a job-store query, and a small write and delete in
the object store (:meth:`~jamak.jobs.ports.ObjectStore.check_writable`), so a full disk or an
unreachable database takes the instance out of a load balancer instead of failing uploads.
What failed goes to the log; the response names only which check failed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from jamak.api.deps import ServicesDep
from jamak.api.schemas import HealthOut, ReadinessOut
from jamak.bootstrap import Services
from jamak.jobs import service

router = APIRouter(tags=["health"])
logger = logging.getLogger(__name__)


@router.get("/healthz", summary="Liveness")
def healthz() -> HealthOut:
    return HealthOut()


@router.get(
    "/readyz",
    response_model=ReadinessOut,
    responses={503: {"model": ReadinessOut}},
    summary="Readiness: job store reachable, object store writable",
)
def readyz(services: ServicesDep) -> JSONResponse:
    checks = {
        "store": _check("store", lambda: _query_store(services)),
        "objects": _check("objects", services.objects.check_writable),
    }
    ready = all(result == "ok" for result in checks.values())
    body = ReadinessOut(status="ready" if ready else "unavailable", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)


def _check(name: str, probe: Callable[[], None]) -> str:
    try:
        probe()
    except Exception:
        logger.exception("readiness check %r failed", name)
        return "failed"
    return "ok"


def _query_store(services: Services) -> None:
    service.list_jobs(store=services.store, limit=1)
