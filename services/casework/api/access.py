"""Who a casework request acts for, and the cause of what it records. Deny by default: every
route needs a signed-in facilitator or supervisor; a cookie-signed request that changes something
must come from this site (a bearer token cannot be sent by another site's page)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.casework.domain.people import Person
from services.casework.handlers import Dependencies
from shared.envelope import Cause
from shared.eventstore.port import Actor
from shared.identity.fastapi import require_role
from shared.identity.tokens import Principal
from shared.web.app import service_dependencies
from shared.web.problems import Problem
from shared.web.security import cross_site

Deps = Annotated[Dependencies, Depends(service_dependencies)]
Caseworker = Annotated[Principal, Depends(require_role("facilitator", "supervisor"))]


def person(request: Request, principal: Caseworker) -> Person:
    """The principal as the casework rules know people."""
    if request.method not in ("GET", "HEAD"):
        refuse_cross_site(request)
    return Person(principal.username, principal.role, principal.level)  # type: ignore[arg-type]


def refuse_cross_site(request: Request) -> None:
    """A change signed by the session cookie must come from this site (a bearer token cannot be
    sent by another site's page)."""
    if "authorization" not in request.headers and cross_site(request):
        raise Problem(403, "Refused", "a change signed by the session cookie must come from this site",
                      kind="cross-site-request")


Staff = Annotated[Person, Depends(person)]


def person_cause(request: Request, who: Person) -> Cause:
    """A person's request starts a conversation under the request's correlation id."""
    return Cause.fresh(Actor("user", who.username, who.role), request.state.correlation_id)
