"""Whether this server asks who is calling, and the key that signs its session cookies.

Sign-in is off only where nobody else can reach the server: bound to a loopback address,
jamak behaves as the single-user tool it always was (every job belongs to ``local``). On any
other address it is on unless ``--insecure`` says otherwise, and ``--auth``
(``JAMAK_AUTH=required``) turns it on anywhere. A server that needs sign-in but has no user
refuses to start, saying how to add one, rather than serving an API nobody can use.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from jamak.errors import JamakError

AuthMode = Literal["auto", "required"]
SECRET_FILE = "session.key"


class AuthSetupError(JamakError):
    """The server cannot start as configured (sign-in needed and nobody can sign in)."""


@dataclass(frozen=True, slots=True)
class AuthConfig:
    required: bool
    session_secret: bytes | None = None  # signs session cookies; None when sign-in is off
    session_max_age_s: int = 7 * 24 * 3600


def is_loopback(host: str) -> bool:
    """``localhost`` or an address in 127.0.0.0/8 or ::1; anything else may be reachable."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def auth_required(*, host: str, mode: AuthMode, insecure: bool) -> bool:
    if mode == "required":
        return True
    return not (insecure or is_loopback(host))


def check_can_serve(*, auth: AuthConfig, has_users: bool | None) -> None:
    """Raise :class:`AuthSetupError` if sign-in is on and nobody could sign in.
    ``has_users`` is None where the backend keeps no users at all."""
    if not auth.required:
        return
    if has_users is None:
        raise AuthSetupError(
            "sign-in is on, but this backend keeps no users; serve on a loopback address "
            "or pass --insecure"
        )
    if not has_users:
        raise AuthSetupError(
            "sign-in is on (--auth, JAMAK_AUTH=required, or a non-loopback --host) but there "
            "is no user yet. Add one, then make a token to sign in with:\n"
            "  jamak users add NAME --admin --data-dir DIR\n"
            "  jamak tokens create NAME --data-dir DIR\n"
            "(or, for one person on this machine, serve on 127.0.0.1 without --auth)"
        )


def load_or_create_secret(path: Path) -> bytes:
    """The key in ``path``, made (32 random bytes, mode 0600) the first time: kept in the
    data folder so sessions survive a restart, and never in the code or the environment."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return bytes.fromhex(path.read_text().strip())
    with os.fdopen(fd, "w") as file:
        file.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())
