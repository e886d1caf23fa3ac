"""What every route gets injected: the wired services, and who is asking.

There are no accounts yet. The owner is whatever the ``X-Jamak-User`` header says (default
``local``); it labels new jobs and scopes ``GET /api/jobs``. It is not authentication: a
job's id (random, 128 bits) is what grants access to it, which is also what lets ``<video>``
and ``<track>`` elements, which cannot send headers, load a job's media and subtitles.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Header, Path, Request

from jamak.bootstrap import Services

DEFAULT_OWNER = "local"
_OWNER = re.compile(r"^[\w.@+-]{1,128}$")


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def get_owner(
    x_jamak_user: Annotated[
        str | None,
        Header(
            description="Who the jobs belong to (no accounts yet); defaults to `local`. "
            "Letters, digits and `_.@+-`, at most 128 characters."
        ),
    ] = None,
) -> str:
    value = (x_jamak_user or "").strip()
    return value if _OWNER.match(value) else DEFAULT_OWNER


ServicesDep = Annotated[Services, Depends(get_services)]
OwnerDep = Annotated[str, Depends(get_owner)]
JobIdPath = Annotated[
    str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="the job's id, from its JSON")
]
