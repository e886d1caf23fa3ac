"""What every route gets injected: the wired services, who is asking, and the job guard.

:mod:`jamak.api.auth` decides who is asking. :func:`guard_job` is a dependency of every
router whose paths name a job: it runs before the route, and answers 404 (the same answer
as for an id that does not exist, so ids cannot be probed) when the job is not the
caller's, before any byte of it, its media, subtitles or progress, is sent.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from jamak.api.auth import Principal, PrincipalDep, get_principal, get_services
from jamak.bootstrap import Services
from jamak.errors import JobNotFoundError


def get_owner(principal: PrincipalDep) -> str:
    return principal.name


def guard_job(
    request: Request,
    principal: Annotated[Principal, Depends(get_principal)],
    services: Annotated[Services, Depends(get_services)],
) -> None:
    job_id = request.path_params.get("job_id")
    if job_id is None or principal.opens_any_job:
        return
    try:
        owner = services.store.get(str(job_id)).owner
    except JobNotFoundError:
        return  # the route answers 404 itself, in its own words
    if not principal.may_open(owner):
        raise JobNotFoundError(f"no job {job_id}")


ServicesDep = Annotated[Services, Depends(get_services)]
OwnerDep = Annotated[str, Depends(get_owner)]
JobIdPath = Annotated[
    str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="the job's id, from its JSON")
]
