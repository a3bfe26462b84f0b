"""/reports: the commissioners' figures for a quarter, for commissioners, supervisors and admins
(an auditor, who shares the sign-in, is sent to the case histories; anyone else is answered 403).
Filters: quarter, area, source (a GET form).

Each figure is a chart drawn on the server as SVG (no script), with its data table beside it and its
definition under it. Every cell goes through the suppression rule (``domain.suppression``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from services.reporting.domain import equality as eq
from services.reporting.domain import suppression as s
from services.reporting.domain.definitions import COHORT
from services.reporting.domain.funnel import FUNNEL, outcomes_shown
from services.reporting.domain.outcomes import OUTCOMES, PARTIES, QUESTIONS, SATISFACTION_BENCHMARK
from services.reporting.domain.quality import QUALITY
from services.reporting.domain.report import Figures, figures
from services.reporting.domain.timeliness import TARGET_WORKING_DAYS, TIMELINESS
from services.reporting.domain.volume import DIMENSIONS, VOLUME, as_shown
from services.reporting.projections.case_facts import choices, quarter_facts
from services.reporting.projections.equality_tallies import quarter_tally
from services.reporting.web.pages import STAFF
from shared.identity.tokens import Principal
from shared.periods import Quarter, london_date
from shared.web.app import service_runtime

READERS = ("commissioner", "supervisor", "admin")
QUARTERS_OFFERED = 8
LABEL_WIDTH, BAR_AREA, ROW_HEIGHT = 240, 200.0, 32
router = APIRouter(include_in_schema=False)
Staff = Annotated[Principal, Depends(STAFF.principal)]


def words(value: str) -> str:
    """A recorded value as people read it: ``victims_first_hub`` → ``Victims first hub``."""
    return value.replace("_", " ")[:1].upper() + value.replace("_", " ")[1:]


def _num(value: Any) -> dict[str, Any]:
    return {"text": s.shown(value), "format": "numeric"}


def _pct(value: Any) -> dict[str, Any]:
    return {"text": s.shown(value, "%"), "format": "numeric"}


def chart(key: str, title: str, bars: list[tuple[str, Any]], unit: str = "", reference: float | None = None,
          scale: float | None = None) -> dict[str, Any]:
    """A horizontal bar chart's geometry. A suppressed or missing value draws no bar (its length would
    tell the number) and is labelled as shown."""
    numbers = [v for _, v in bars if isinstance(v, int | float) and not isinstance(v, bool)]
    top = scale or max([*numbers, reference or 0, 1])
    drawn = []
    for n, (label, value) in enumerate(bars):
        length = BAR_AREA * value / top if isinstance(value, int | float) else 0
        drawn.append({"label": label, "y": 8 + n * ROW_HEIGHT, "width": round(length, 1),
                      "text": s.shown(value, unit)})
    return {"id": f"chart-{key}", "title": title, "bars": drawn, "height": 16 + len(bars) * ROW_HEIGHT,
            "label_width": LABEL_WIDTH, "width": LABEL_WIDTH + int(BAR_AREA) + 80,
            "reference": None if reference is None else {"x": round(LABEL_WIDTH + BAR_AREA * reference / top, 1),
                                                        "text": s.shown(reference, unit)}}


def volume_sections(made: Figures) -> list[dict[str, Any]]:
    found = []
    for table in made.volumes:
        name = DIMENSIONS[table.dimension]
        months = [f"{m:%B}" for m in table.months]
        shown = as_shown(table)
        found.append({
            "id": f"volume-{table.dimension}", "heading": f"Referrals by {name.lower()}",
            "chart": chart(f"volume-{table.dimension}", f"Referrals by {name.lower()}, {made.quarter.label}",
                           [(words(value), quarter) for value, _, quarter in shown[:-1]]),
            "head": [{"text": name}, *[{"text": m, "format": "numeric"} for m in months],
                     {"text": "Quarter", "format": "numeric"}],
            "rows": [[{"text": words(value)}, *[_num(n) for n in by_month], _num(quarter)]
                     for value, by_month, quarter in shown],
        })
    return found


def timeliness_section(made: Figures) -> dict[str, Any]:
    rows = []
    for t in made.timeliness:
        target = (_pct(s.share(t.within_target, t.measured)) if t.step.has_target
                  else {"text": "no target", "format": "numeric"})
        rows.append([{"text": t.step.label}, _num(s.count(t.measured)), _num(s.statistic(t.median, t.measured)),
                     _num(s.statistic(t.percentile_90, t.measured)), target])
    return {"id": "timeliness", "heading": "Timeliness", "definition": TIMELINESS,
            "chart": chart("timeliness", f"Median working days from referral, {made.quarter.label}",
                           [(t.step.label, s.statistic(t.median, t.measured)) for t in made.timeliness]),
            "head": [{"text": "Step"}, {"text": "Cases", "format": "numeric"},
                     {"text": "Median (working days)", "format": "numeric"},
                     {"text": "90th percentile", "format": "numeric"},
                     {"text": f"Within {TARGET_WORKING_DAYS} working days", "format": "numeric"}],
            "rows": rows}


def funnel_sections(made: Figures) -> list[dict[str, Any]]:
    stages = [(stage.label, s.count(n)) for stage, n in made.funnel.stages]
    closures = outcomes_shown(made.funnel)
    closures += [("Referral withdrawn (any stage)", s.count(made.funnel.withdrawn_referrals))]
    return [
        {"id": "funnel", "heading": "Funnel", "definition": FUNNEL,
         "chart": chart("funnel", f"Cases reaching each stage, {made.quarter.label}", stages),
         "head": [{"text": "Stage"}, {"text": "Cases", "format": "numeric"}],
         "rows": [[{"text": label}, _num(value)] for label, value in stages]},
        {"id": "drop-out", "heading": "Drop-out by closure reason",
         "chart": chart("drop-out", f"Closed cases by reason, {made.quarter.label}", closures),
         "head": [{"text": "Reason"}, {"text": "Cases", "format": "numeric"}],
         "rows": [[{"text": label}, _num(value)] for label, value in closures]},
    ]


def outcomes_section(made: Figures) -> dict[str, Any]:
    everyone = [a for a in made.outcomes if a.party == "all"]
    rows = [[{"text": f"{QUESTIONS[a.question]}: {PARTIES[a.party].lower()}"}, _num(s.count(a.answered)),
             _num(s.part(a.yes, a.answered)), _pct(s.share(a.yes, a.answered))] for a in made.outcomes]
    return {"id": "outcomes", "heading": "Outcomes", "definition": OUTCOMES,
            "note": f"The dashed line is the {SATISFACTION_BENCHMARK:g}% satisfaction benchmark.",
            "chart": chart("outcomes", f"Follow-up answers, all parties, {made.quarter.label}",
                           [(QUESTIONS[a.question], s.share(a.yes, a.answered)) for a in everyone], "%",
                           reference=SATISFACTION_BENCHMARK, scale=100.0),
            "head": [{"text": "Question and party"}, {"text": "Answered", "format": "numeric"},
                     {"text": "Yes", "format": "numeric"}, {"text": "Yes (%)", "format": "numeric"}],
            "rows": rows}


def quality_section(made: Figures) -> dict[str, Any]:
    return {"id": "quality", "heading": "Quality", "definition": QUALITY,
            "chart": chart("quality", f"Quality measures, {made.quarter.label}",
                           [(q.measure.label, s.share(q.met, q.cases)) for q in made.quality], "%", scale=100.0),
            "head": [{"text": "Measure"}, {"text": "Cases", "format": "numeric"}, {"text": "Met", "format": "numeric"},
                     {"text": "Met (%)", "format": "numeric"}],
            "rows": [[{"text": q.measure.label}, _num(s.count(q.cases)), _num(s.part(q.met, q.cases)),
                      _pct(s.share(q.met, q.cases))] for q in made.quality]}


def equality_sections(made: Figures) -> list[dict[str, Any]]:
    """Per question, the people counted by each answer (a chart of the row totals) and the table;
    the first section says when casework counted them, and that a filter does not apply to them."""
    notes = [eq.NOT_FILTERED] if made.area or made.source else []
    if made.equality is None:
        return [{"id": "equality", "heading": eq.EQUALITY.name, "definition": eq.EQUALITY,
                 "note": " ".join([eq.NOT_YET_COUNTED_WHY, *notes])}]
    found = []
    for table in made.equality.tables:
        question = eq.QUESTION_LABELS[table.question]
        shown = eq.as_shown(table, made.equality.hidden_totals)
        found.append({
            "id": f"equality-{table.question.replace('_', '-')}", "heading": f"{eq.EQUALITY.name}: {question.lower()}",
            "chart": chart(f"equality-{table.question}", f"People counted by {question.lower()}, {made.quarter.label}",
                           [(eq.answer_label(answer), total) for answer, _, total in shown[:-1]]),
            "head": [{"text": question}, *[{"text": c[:1].upper() + c[1:], "format": "numeric"}
                                           for c in eq.COLUMN_LABELS], {"text": "Total", "format": "numeric"}],
            "rows": [[{"text": eq.answer_label(answer)}, *[_num(n) for n in by_column], _num(total)]
                     for answer, by_column, total in shown],
        })
    day = london_date(made.equality.counted_at)
    counted = f"Counted by casework on {day.day} {day:%B %Y}."
    found[0] |= {"definition": eq.EQUALITY, "note": " ".join([counted, *notes])}
    return found


def sections(made: Figures) -> list[dict[str, Any]]:
    volumes = volume_sections(made)
    volumes[0]["definition"] = VOLUME
    return [*volumes, timeliness_section(made), *funnel_sections(made), outcomes_section(made),
            quality_section(made), *equality_sections(made)]


def offered_quarters(chosen: Quarter) -> list[Quarter]:
    latest = Quarter.of(london_date(datetime.now(UTC)))
    offered = [latest]
    while len(offered) < QUARTERS_OFFERED:
        offered.append(offered[-1].previous())
    return sorted({*offered, chosen}, reverse=True)


@router.get("/reports")
async def reports(request: Request, principal: Staff, quarter: str = "", area: str = "",
                  source: str = "") -> Response:
    if principal.role == "auditor":  # signed in here without a page in mind: their own pages
        return RedirectResponse("/audit", status_code=303)
    if principal.role not in READERS:
        return STAFF.render(request, "staff_error.html", 403, principal=principal, title="You cannot use this page",
                            message="The reports are for commissioners, supervisors and admins.")
    errors, chosen = [], Quarter.of(london_date(datetime.now(UTC)))
    if quarter:
        try:
            chosen = Quarter.parse(quarter)
        except ValueError:
            errors.append({"text": "Choose a quarter from the list", "href": "#quarter"})
    pool = service_runtime(request).pool
    areas, sources = await choices(pool)
    context: dict[str, Any] = {"principal": principal, "errors": errors, "quarter": chosen,
                               "quarters": offered_quarters(chosen), "areas": areas,
                               "sources": [(v, words(v)) for v in sources],
                               "area": area, "source": source, "cohort": COHORT, "rule": s.RULE}
    if not errors:
        facts, follow_ups = await quarter_facts(pool, chosen, area or None, source or None)
        made = figures(facts, follow_ups, await quarter_tally(pool, chosen), chosen, area=area or None,
                       source=source or None)
        context |= {"figures": made, "received": s.shown(s.count(made.received)), "sections": sections(made)}
    return STAFF.render(request, "reports.html", 400 if errors else 200, **context)
