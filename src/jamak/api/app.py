"""The FastAPI application factory: routes, JSON errors, the web app, and their lifetime.

``create_app`` takes already-wired :class:`~jamak.bootstrap.Services`; whoever built them
(``jamak serve``, a test, the Lambda handler) closes them. The app's lifespan only prepares
the upload spool folder; uploads there are anonymous temporary files, gone when closed.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI

from jamak import __version__
from jamak.api.deps import guard_job
from jamak.api.errors import install_error_handlers
from jamak.api.metrics import install_metrics
from jamak.api.rate_limit import TokenBuckets, rate_limit
from jamak.api.request_log import install_request_log
from jamak.api.routes import (
    config,
    direct_uploads,
    events,
    health,
    jobs,
    media,
    session,
    subtitles,
    web,
)
from jamak.bootstrap import Services

logger = logging.getLogger(__name__)

DESCRIPTION = """\
Upload video or audio files and get subtitles back (SRT, WebVTT, text, TSV, JSON, SAMI).

* **Sign-in**: where the server asks for it (`jamak serve --auth`, or any non-loopback
  address), send `Authorization: Bearer TOKEN` (from `jamak tokens create NAME`) on every
  call; without a valid token the answer is 401. Each job, its media, subtitles and progress
  belong to its owner: anyone else gets 404. Admins see all. The web app signs in at
  `/api/session` and keeps a cookie; changes made with it need the `X-Jamak-CSRF` header.
* **Without sign-in** (a loopback server, the default): `X-Jamak-User: NAME` labels and
  lists jobs (default `local`); it is not authentication, and a job's id grants access.
* **Progress**: `GET /api/jobs/{id}/events` streams Server-Sent Events (`event: job` with the
  job JSON on every change, then `event: end`). Without SSE, long-poll:
  `GET /api/jobs/{id}?wait=30&since_status=running&since_progress=42.5` answers as soon as
  the job differs from what you saw, or after `wait` seconds.
* **Errors** are JSON: `{"error": {"code": "...", "message": "..."}}`. A failed *job* says
  why in `error` (a sentence for people) and `error_kind` (for programs, e.g.
  `NotMediaError`; new kinds may appear, so treat an unknown one as a generic failure).
"""


def create_app(services: Services, *, extra_routers: Sequence[APIRouter] = ()) -> FastAPI:
    """The app over ``services``; ``extra_routers`` add routes beside the common ones.

    ``/api/uploads`` (presigned uploads straight to S3) is always mounted; deployments
    without the direct-upload port answer 501 there.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services.api.spool_dir.mkdir(parents=True, exist_ok=True)
        logger.info("jamak API ready (uploads arrive in %s)", services.api.spool_dir)
        yield

    app = FastAPI(
        title="jamak",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.services = services
    per_minute = services.api.rate_limit_per_minute
    app.state.rate_limits = TokenBuckets(per_minute) if per_minute > 0 else None
    install_error_handlers(app)
    install_metrics(app, services)  # GET /metrics, and HTTP figures for every request
    install_request_log(app)  # last, so outermost
    # Every router whose paths name a job answers only the job's owner (deps.guard_job);
    # the rest of the API needs a signed-in caller; health and the page itself stay open
    # (and outside the per-user rate limit, so probes never see a 429).
    for module in (jobs, direct_uploads, events, subtitles, media):
        app.include_router(module.router, dependencies=[Depends(rate_limit), Depends(guard_job)])
    app.include_router(config.router, dependencies=[Depends(rate_limit)])
    for module in (session, health, web):
        app.include_router(module.router)
    for router in extra_routers:
        app.include_router(router)
    web.mount_static(app)
    return app
