"""How casework's refusals reach people: the HTTP status of each rule error, and the problem
documents every route may answer (listed in the OpenAPI document). A rule's refusal is a 409
naming the rule; an input a rule finds wrong is a 422 naming the field."""

from __future__ import annotations

from services.casework.domain import errors

RULE_STATUSES = {
    errors.CaseNotFound: 404,  # a case someone may not see does not exist for them
    errors.NotPermitted: 403,
    errors.NotAFacilitator: 422,
    errors.ConsentScopeInvalid: 422,
    errors.DateOutOfRange: 422,
    errors.UnknownItem: 422,
    errors.CaseRuleBroken: 409,
}

_PROBLEM = {"application/problem+json": {}}
PROBLEMS = {
    400: {"description": "Malformed body or header (not JSON, a bad If-Match)", "content": _PROBLEM},
    401: {"description": "Not signed in (bearer token or session)", "content": _PROBLEM},
    403: {"description": "The role may not do this", "content": _PROBLEM},
    404: {"description": "No such case, or not one of yours", "content": _PROBLEM},
    409: {"description": "A rule refuses the action (the problem names it), or the case changed since the "
                         "If-Match version (the problem carries the current one)", "content": _PROBLEM},
    422: {"description": "Invalid fields, each named", "content": _PROBLEM},
}
