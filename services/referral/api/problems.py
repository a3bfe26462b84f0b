"""How the referral service's refusals reach partners: the HTTP status of each rule error, and
the problem documents every route may answer (listed in the OpenAPI document)."""

from __future__ import annotations

from services.referral.domain import errors

RULE_STATUSES = {
    errors.UnknownReferral: 404,  # another agency's referral is not revealed to exist
    errors.SelfReferralNotByAgency: 422,
    errors.DeferralOutOfRange: 422,
    errors.IdempotencyKeyReused: 422,
    errors.ReferralRuleBroken: 409,
}

_PROBLEM = {"application/problem+json": {}}
PROBLEMS = {
    400: {"description": "Malformed body (not JSON, not a CloudEvent)", "content": _PROBLEM},
    401: {"description": "Missing, unknown or revoked agency key", "content": _PROBLEM},
    403: {"description": "The key lacks the scope this needs", "content": _PROBLEM},
    404: {"description": "No such referral for this agency", "content": _PROBLEM},
    413: {"description": "Body too large", "content": _PROBLEM},
    409: {"description": "A rule forbids the update (e.g. the referral was withdrawn)", "content": _PROBLEM},
    422: {"description": "Invalid fields, each named", "content": _PROBLEM},
    429: {"description": "Too many wrong or missing keys from this address: wait for Retry-After",
          "content": _PROBLEM, "headers": {"Retry-After": {"description": "seconds to wait",
                                                           "schema": {"type": "integer"}}}},
}
