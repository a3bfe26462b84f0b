"""Referral documents and commands for the tests: the API's own example, changed field by field."""

from __future__ import annotations

import copy
from typing import Any

from services.referral.domain.submission import EXAMPLE, ReferralSubmission
from shared.envelope import Cause
from shared.eventstore.port import Actor

AGENCY = "thames-valley-police"
OTHER_AGENCY = "probation-service"
SOURCE = "/thames-valley-police/crm"

REMOVE = object()
"""A change that takes the field out of the document."""


def document(changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """``EXAMPLE`` with ``changes`` applied, each at a dotted path (``"victim.email"``)."""
    changed = copy.deepcopy(EXAMPLE)
    for path, value in (changes or {}).items():
        *parents, name = path.split(".")
        holder = changed
        for parent in parents:
            holder = holder[parent]
        if value is REMOVE:
            del holder[name]
        else:
            holder[name] = value
    return changed


def submission(changes: dict[str, Any] | None = None) -> ReferralSubmission:
    """The document, validated as the edge would."""
    return ReferralSubmission.model_validate(document(changes))


SELF_REFERRAL = {"source": "self", "referrer": REMOVE}


def agency_cause(agency_id: str = AGENCY) -> Cause:
    return Cause.fresh(Actor("agency", agency_id, "partner"))
