"""``/api/session``: the web app signs in with a token, asks who it is, and signs out.

Sign-in takes a token alone, not a name and a token: the token already names its user,
and its 256 random bits are the whole secret, so a name field would only add a second way
to mistype. The page keeps no token: the server answers with a session cookie (see
:mod:`jamak.api.auth` for its flags and the CSRF value), so a script injected into the
page could not carry the credential away either.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Request, Response

from jamak.api.auth import (
    CSRF_HEADER,
    SESSION_COOKIE,
    PrincipalDep,
    new_session,
)
from jamak.api.deps import ServicesDep
from jamak.api.schemas import SessionIn, SessionOut
from jamak.jobs import tokens
from jamak.logs import bind_log_fields

router = APIRouter(prefix="/api/session", tags=["session"])

_UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    401: {"description": "not signed in, or not a valid token"}
}


@router.get("", responses=_UNAUTHORIZED, summary="Who is signed in")
def who_am_i(principal: PrincipalDep, services: ServicesDep) -> SessionOut:
    return SessionOut(
        user=principal.name,
        admin=principal.admin,
        auth_required=services.auth.required,
        csrf=principal.csrf,
    )


@router.post("", responses=_UNAUTHORIZED, summary="Sign in with a token (sets a cookie)")
def sign_in(
    body: Annotated[SessionIn, Body()], request: Request, response: Response, services: ServicesDep
) -> SessionOut:
    identities = services.identities
    if not services.auth.required or identities is None:
        raise HTTPException(404, "this server has no sign-in")
    _same_origin(request)
    found = tokens.authenticate(store=identities, token=body.token.strip())
    if found is None:
        raise HTTPException(401, "that token is not valid")
    user, record = found
    bind_log_fields(user=user.name)
    value, csrf = new_session(record.id, services.auth)
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=services.auth.session_max_age_s,
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )
    return SessionOut(user=user.name, admin=user.admin, auth_required=True, csrf=csrf)


@router.delete("", status_code=204, summary=f"Sign out (with the cookie, send {CSRF_HEADER})")
def sign_out(principal: PrincipalDep, response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")


def _same_origin(request: Request) -> None:
    """Refuse a sign-in posted from another site (login CSRF: signing a victim in as the
    attacker); browsers send ``Origin`` on every POST, scripts usually send none."""
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{request.url.netloc}":
        raise HTTPException(403, "sign in from this server's own page")
