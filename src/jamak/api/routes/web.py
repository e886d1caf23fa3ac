"""The web app: ``/`` serves the page, ``/static`` its scripts and styles.

Everything is local files beside this package (no build step, no CDN), and the page only
talks to the same REST API that scripts use. The content security policy makes "nothing
from elsewhere" a property the browser enforces, not just a habit.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from jamak.api.deps import ServicesDep

WEB_DIR = Path(__file__).resolve().parent.parent / "web"


def content_security_policy(object_store_origin: str | None = None) -> str:
    """Nothing from elsewhere, except, where uploads and playback go straight to the object
    store (AWS), that store's origin for uploads (connect) and playback (media)."""
    extra = f" {object_store_origin}" if object_store_origin else ""
    return "; ".join(
        [
            "default-src 'self'",
            "img-src 'self' data:",
            f"media-src 'self' blob:{extra}",
            "style-src 'self'",
            "script-src 'self'",
            f"connect-src 'self'{extra}",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ]
    )


router = APIRouter(include_in_schema=False)


@router.get("/")
def index(services: ServicesDep) -> FileResponse:
    signer = services.direct_uploads
    origin = signer.browser_origin() if signer is not None else None
    return FileResponse(
        WEB_DIR / "index.html",
        headers={
            "Content-Security-Policy": content_security_policy(origin),
            "Cache-Control": "no-cache",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
        },
    )


def mount_static(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
