"""``GET /api/config``: what a client needs to build an upload form.

The web app fills its model, speed and format choices from here, so a model added to the catalog or
a format added to the registry shows up without touching the page.
"""

from __future__ import annotations

from fastapi import APIRouter

from jamak.api.deps import ServicesDep
from jamak.api.schemas import ConfigOut, ModelOut
from jamak.asr import catalog
from jamak.asr.speed import SPEEDS
from jamak.jobs.model import DEFAULT_FORMATS
from jamak.subtitles import formats

router = APIRouter(prefix="/api", tags=["config"])


@router.get("/config", summary="Models, formats and limits for upload forms")
def get_config(services: ServicesDep) -> ConfigOut:
    offered = services.api.offered_models  # empty: every catalog model
    retention = services.api.retention
    models = [
        ModelOut(name=spec.name, multilingual=spec.multilingual, approx_mb=spec.approx_mb)
        for spec in catalog.CATALOG.values()
        if not offered or spec.name in offered
    ]
    return ConfigOut(
        models=models,
        default_model=services.api.default_model,
        formats=list(formats.names()),
        default_formats=[name for name in DEFAULT_FORMATS if name in formats.names()],
        max_upload_mb=services.api.max_upload_bytes // (1024 * 1024),
        speeds=list(SPEEDS),
        default_speed=services.api.default_speed,
        direct_uploads=services.direct_uploads is not None,
        live_updates=services.live_updates,
        retention_days=None if retention is None else retention.days,
        retention_from=None if retention is None else retention.counted_from,
    )
