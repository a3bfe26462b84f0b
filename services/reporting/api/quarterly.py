"""GET /api/v1/reports/quarterly: the PCC quarterly return as JSON, CSV or a spreadsheet, for
commissioners, supervisors and admins (bearer token from POST /api/v1/auth/token, or a session).

Counts of 1 to 4 are "<5" in every format; the figures' definitions travel with the return. Equality
monitoring is for the whole service, whatever the area and source filters (docs/decisions/0006)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from services.reporting.adapters.returns import as_csv, as_xlsx
from services.reporting.domain import equality, suppression
from services.reporting.domain.definitions import COHORT
from services.reporting.domain.quarterly_return import COLUMNS, DEFINITIONS, document, lines
from services.reporting.domain.report import figures
from services.reporting.projections.case_facts import quarter_facts
from services.reporting.projections.equality_tallies import quarter_tally
from shared.identity.fastapi import require_role
from shared.identity.tokens import Principal
from shared.periods import QUARTER_PATTERN, Quarter
from shared.web.app import service_runtime
from shared.web.problems import PROBLEM_JSON, Problem

READERS = ("commissioner", "supervisor", "admin")
FORMATS = {"json": "application/json", "csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
router = APIRouter(prefix="/api/v1/reports", tags=["reports"])

RETURN_SCHEMA = {
    "type": "object",
    "properties": {
        "quarter": {"type": "string", "examples": ["2026-Q3"]},
        "period": {"type": "string", "examples": ["July to September 2026"]},
        "area": {"type": ["string", "null"]}, "source": {"type": ["string", "null"]},
        "cohort": {"type": "string"}, "suppression": {"type": "string"},
        "definitions": {"type": "array", "items": {"type": "object"}},
        "columns": {"type": "array", "items": {"type": "string"}},
        "rows": {"type": "array", "items": {"type": "object", "properties": {
            "section": {"type": "string"}, "measure": {"type": "string"}, "breakdown": {"type": "string"},
            "period": {"type": "string"}, "unit": {"type": "string"},
            "value": {"description": "a number; '<5' for a count of 1 to 4; 'suppressed' for a figure made from "
                                     "one; null when there was nothing to measure; equality monitoring 'not yet "
                                     "counted' before casework has counted the quarter, and 'whole service' on the "
                                     "line saying a filtered return's equality figures are not filtered",
                      "oneOf": [{"type": "number"},
                                {"type": "string", "enum": [suppression.SMALL, suppression.WITHHELD,
                                                            equality.NOT_YET_COUNTED, equality.WHOLE_SERVICE]},
                                {"type": "null"}]}}}},
    },
}
PROBLEM = {PROBLEM_JSON: {}}
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "the return", "content": {
        "application/json": {"schema": RETURN_SCHEMA},
        "text/csv": {"schema": {"type": "string"}, "example": "section,measure,breakdown,period,value,unit\r\n"
                                                              "Volume,Source,police,2026-Q3,<5,referrals\r\n"},
        FORMATS["xlsx"]: {"schema": {"type": "string", "format": "binary"}}}},
    401: {"description": "no token or session, or one no longer valid", "content": PROBLEM},
    403: {"description": "signed in, but not a commissioner, supervisor or admin", "content": PROBLEM},
    422: {"description": "the quarter or format is not one allowed; the problem names the field", "content": PROBLEM},
}


def invalid_field(field: str, problem: str, allowed: str) -> Problem:
    return Problem(422, "Your request has invalid fields", f"{field}: {problem}", kind="invalid-request",
                   errors=[{"field": field, "pointer": f"#/{field}", "problem": problem, "allowed": allowed}])


def parsed_quarter(text: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except ValueError as error:
        raise invalid_field("quarter", str(error), "YYYY-Q1 to YYYY-Q4, e.g. 2026-Q3") from None


@router.get("/quarterly", responses=RESPONSES, response_class=Response,
            summary="The PCC quarterly return",
            description="Every figure of the calendar quarter (Q1 January to March … Q4 October to December) over "
                        "the cases whose referral was received in it; equality monitoring for the whole service, "
                        "whatever the area and source. " + suppression.RULE)
async def quarterly(
    request: Request,
    principal: Annotated[Principal, Depends(require_role(*READERS))],
    quarter: Annotated[str, Query(description="the calendar quarter, YYYY-Qn",
                                  examples=["2026-Q3"], json_schema_extra={"pattern": QUARTER_PATTERN})],
    format: Annotated[str, Query(description="json, csv or xlsx",
                                 json_schema_extra={"enum": list(FORMATS)})] = "json",
    area: Annotated[str | None, Query(max_length=200, description="only this area")] = None,
    source: Annotated[str | None, Query(max_length=60, description="only this source")] = None,
) -> Response:
    chosen = parsed_quarter(quarter)
    if format not in FORMATS:
        raise invalid_field("format", f"{format[:10]!r} is not a format this API writes", "json, csv or xlsx")
    pool = service_runtime(request).pool
    facts, follow_ups = await quarter_facts(pool, chosen, area, source)
    made = figures(facts, follow_ups, await quarter_tally(pool, chosen), chosen, area=area, source=source)
    name = f"rj-quarterly-return-{chosen.key}"
    if format == "json":
        return JSONResponse(document(made))
    rows = [line.as_tuple() for line in lines(made)]
    disposition = {"Content-Disposition": f'attachment; filename="{name}.{format}"'}
    if format == "csv":
        return Response(as_csv(COLUMNS, rows), media_type=FORMATS["csv"], headers=disposition)
    notes = [("Period", f"{chosen.key}: {chosen.label}"), ("Cases counted", COHORT),
             ("Small numbers", suppression.RULE),
             *[(d.name, f"{d.measures} Events: {d.events} Clock: {d.clock}") for d in DEFINITIONS]]
    return Response(as_xlsx(f"PCC quarterly return, {chosen.label}", COLUMNS, rows, notes),
                    media_type=FORMATS["xlsx"], headers=disposition)
