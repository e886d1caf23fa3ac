"""Who is asking: a Bearer token, a signed session cookie, or (sign-in off) nobody in particular.

With sign-in off (a loopback server) everyone is ``local`` or what ``X-Jamak-User`` says,
and a job's id is what grants access to it, as before. With sign-in on:

* ``Authorization: Bearer TOKEN`` is checked against the identity store on every request;
  a bad token is 401 even if a cookie is present (no silent fallback to another identity).
* the web app's session is a cookie signed with itsdangerous (key in the data folder) that
  names the token it was opened with, so revoking that token ends the session at once.
  It is HttpOnly (scripts cannot read it), SameSite=Strict (other sites' requests do not
  carry it), and Secure whenever the request came over https, directly or through a proxy
  uvicorn trusts (``X-Forwarded-Proto``); over plain-http loopback a Secure cookie would be
  refused by some clients and protects nothing, since there is no network path to sniff.
* every state-changing request made with the cookie must carry ``X-Jamak-CSRF``, a random
  value kept in the signed cookie and handed to the page by ``GET /api/session``: another
  site can make a browser send the cookie (SameSite aside, for older browsers) but cannot
  read the value, nor set a custom header without a CORS preflight this server never allows.
* ``X-Jamak-User`` is ignored: the owner is the signed-in user.
"""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, HTTPException, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from itsdangerous import BadSignature, URLSafeTimedSerializer

from jamak.bootstrap import AuthConfig, Services
from jamak.jobs import tokens
from jamak.jobs.identity import IdentityStore
from jamak.logs import bind_log_fields

DEFAULT_OWNER = "local"
SESSION_COOKIE = "jamak_session"
CSRF_HEADER = "X-Jamak-CSRF"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_OWNER = re.compile(r"^[\w.@+-]{1,128}$")
_SALT = "jamak.session"


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller. ``opens_any_job``: a job id alone grants access (sign-in off, or an
    admin); ``lists_all``: ``GET /api/jobs`` shows every owner's jobs (admins)."""

    name: str
    admin: bool = False
    opens_any_job: bool = False
    csrf: str | None = None  # the session's CSRF value, when signed in with the cookie

    @property
    def lists_all(self) -> bool:
        return self.admin

    def may_open(self, owner: str) -> bool:
        return self.opens_any_job or owner == self.name


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


# Declared so the OpenAPI schema (and /docs' "Authorize" button) knows about Bearer tokens;
# the header itself is read below, so that a non-Bearer Authorization header is a 401.
_BEARER_SCHEME = HTTPBearer(auto_error=False, description="a token from `jamak tokens create`")


def get_principal(
    request: Request,
    services: Annotated[Services, Depends(get_services)],
    _scheme: Annotated[HTTPAuthorizationCredentials | None, Security(_BEARER_SCHEME)] = None,
    x_jamak_user: Annotated[
        str | None,
        Header(
            description="Sign-in off only: who the jobs belong to; defaults to `local`. "
            "Ignored when the server asks for sign-in."
        ),
    ] = None,
) -> Principal:
    principal = _principal(request, services, x_jamak_user)
    bind_log_fields(user=principal.name)  # the request's later lines say who asked
    return principal


def _principal(request: Request, services: Services, x_jamak_user: str | None) -> Principal:
    if not services.auth.required:
        value = (x_jamak_user or "").strip()
        return Principal(value if _OWNER.match(value) else DEFAULT_OWNER, opens_any_job=True)
    identities = services.identities
    if identities is None:  # refused at start-up; kept for a wrongly wired app
        raise _unauthorized("this server keeps no users")
    bearer = _bearer(request)
    if bearer is not None:
        return _from_token(identities, bearer)
    return _from_session(request, identities, services.auth)


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _from_token(identities: IdentityStore, token: str) -> Principal:
    found = tokens.authenticate(store=identities, token=token)
    if found is None:
        raise _unauthorized("that token is not valid (revoked, mistyped, or not from here)")
    user, _ = found
    return Principal(user.name, admin=user.admin, opens_any_job=user.admin)


def _from_session(request: Request, identities: IdentityStore, auth: AuthConfig) -> Principal:
    session = read_session(request.cookies.get(SESSION_COOKIE), auth)
    record = identities.get_token(str(session.get("t"))) if session else None
    user = tokens.active_user(store=identities, token=record) if record else None
    if session is None or user is None:
        raise _unauthorized("sign in with a token: Authorization: Bearer TOKEN")
    csrf = str(session.get("c", ""))
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not csrf or not hmac.compare_digest(sent.encode(), csrf.encode()):
            raise HTTPException(403, f"a signed-in change needs the {CSRF_HEADER} header")
    return Principal(user.name, admin=user.admin, opens_any_job=user.admin, csrf=csrf)


def _unauthorized(message: str) -> HTTPException:
    return HTTPException(401, message, headers={"WWW-Authenticate": 'Bearer realm="jamak"'})


def _serializer(auth: AuthConfig) -> URLSafeTimedSerializer:
    if auth.session_secret is None:
        raise _unauthorized("sign-in is off on this server")
    return URLSafeTimedSerializer(auth.session_secret, salt=_SALT)


def new_session(token_id: str, auth: AuthConfig) -> tuple[str, str]:
    """A signed cookie value for a session opened with ``token_id``, and its CSRF value."""
    csrf = secrets.token_urlsafe(24)
    return _serializer(auth).dumps({"t": token_id, "c": csrf}), csrf


def read_session(value: str | None, auth: AuthConfig) -> dict[str, Any] | None:
    if not value:
        return None
    try:
        data = _serializer(auth).loads(value, max_age=auth.session_max_age_s)
    except BadSignature:  # also SignatureExpired
        return None
    return data if isinstance(data, dict) else None


PrincipalDep = Annotated[Principal, Depends(get_principal)]
