"""The PCC quarterly return: every figure of the quarter as one flat table, suppression applied, so
JSON, CSV and the spreadsheet carry the same cells."""

from __future__ import annotations

from dataclasses import dataclass

from services.reporting.domain import equality as eq
from services.reporting.domain import suppression as s
from services.reporting.domain.definitions import COHORT
from services.reporting.domain.funnel import FUNNEL, outcomes_shown
from services.reporting.domain.outcomes import OUTCOMES, PARTIES, QUESTIONS, SATISFACTION_BENCHMARK
from services.reporting.domain.quality import QUALITY
from services.reporting.domain.report import Figures
from services.reporting.domain.timeliness import TARGET_WORKING_DAYS, TIMELINESS
from services.reporting.domain.volume import DIMENSIONS, VOLUME, as_shown

COLUMNS = ("section", "measure", "breakdown", "period", "value", "unit")
DEFINITIONS = (VOLUME, TIMELINESS, FUNNEL, OUTCOMES, QUALITY, eq.EQUALITY)


@dataclass(frozen=True)
class Line:
    section: str
    measure: str
    breakdown: str
    period: str
    value: s.Count | s.Derived
    unit: str

    def as_tuple(self) -> tuple:
        return (self.section, self.measure, self.breakdown, self.period, self.value, self.unit)


def lines(figures: Figures) -> list[Line]:
    """The return's rows, in the order the page shows the figures."""
    quarter = figures.quarter.key
    found = []
    for table in figures.volumes:
        for value, by_month, in_quarter in as_shown(table):
            found += [Line("Volume", DIMENSIONS[table.dimension], value, f"{month:%Y-%m}", n, "referrals")
                      for month, n in zip(table.months, by_month, strict=True)]
            found.append(Line("Volume", DIMENSIONS[table.dimension], value, quarter, in_quarter, "referrals"))
    for times in figures.timeliness:
        label = times.step.label
        found += [Line("Timeliness", label, "cases measured", quarter, s.count(times.measured), "cases"),
                  Line("Timeliness", label, "median", quarter, s.statistic(times.median, times.measured),
                       "working days"),
                  Line("Timeliness", label, "90th percentile", quarter,
                       s.statistic(times.percentile_90, times.measured), "working days")]
        if times.step.has_target:
            found.append(Line("Timeliness", label, f"within {TARGET_WORKING_DAYS} working days", quarter,
                              s.share(times.within_target, times.measured), "%"))
    found += [Line("Funnel", "Stage reached", stage.label, quarter, s.count(n), "cases")
              for stage, n in figures.funnel.stages]
    *closed, (_, still_open) = outcomes_shown(figures.funnel)
    found += [Line("Funnel", "Closed", words, quarter, n, "cases") for words, n in closed]
    found += [Line("Funnel", "Still open", "", quarter, still_open, "cases"),
              Line("Funnel", "Referral withdrawn", "", quarter, s.count(figures.funnel.withdrawn_referrals), "cases")]
    for answer in figures.outcomes:
        measure, party = QUESTIONS[answer.question], PARTIES[answer.party]
        found += [Line("Outcomes", measure, f"{party}: answered", quarter, s.count(answer.answered), "people"),
                  Line("Outcomes", measure, f"{party}: yes", quarter, s.part(answer.yes, answer.answered), "people"),
                  Line("Outcomes", measure, f"{party}: yes", quarter, s.share(answer.yes, answer.answered), "%")]
    found += [Line("Outcomes", QUESTIONS["satisfied"], f"benchmark {SATISFACTION_BENCHMARK:g}%", quarter,
                   SATISFACTION_BENCHMARK, "%")]
    for share in figures.quality:
        found += [Line("Quality", share.measure.label, "cases", quarter, s.count(share.cases), "cases"),
                  Line("Quality", share.measure.label, "met", quarter, s.part(share.met, share.cases), "cases"),
                  Line("Quality", share.measure.label, "met", quarter, s.share(share.met, share.cases), "%")]
    return found + equality_lines(figures)


def equality_lines(figures: Figures) -> list[Line]:
    """Per question, each answer (then all answers) by each column (then in total); one line per
    question saying so until casework has counted the quarter. A filtered return says first that
    these figures are not filtered: they are for the whole service."""
    quarter, section = figures.quarter.key, "Equality monitoring"
    found = []
    if figures.area is not None or figures.source is not None:
        found.append(Line(section, "Area and source filters", "do not apply", quarter, eq.WHOLE_SERVICE, ""))
    if figures.equality is None:
        return found + [Line(section, eq.QUESTION_LABELS[q], "", quarter, eq.NOT_YET_COUNTED, "")
                        for q in eq.QUESTIONS]
    for table in figures.equality.tables:
        measure = eq.QUESTION_LABELS[table.question]
        for answer, by_column, total in eq.as_shown(table, figures.equality.hidden_totals):
            found += [Line(section, measure, f"{eq.answer_label(answer)}: {column}", quarter, n, "people")
                      for column, n in zip((*eq.COLUMN_LABELS, eq.ROW_TOTAL), (*by_column, total), strict=True)]
    return found


def document(figures: Figures) -> dict:
    """The return as JSON: the quarter, the filters, the suppression rule, the definitions, the rows."""
    return {
        "quarter": figures.quarter.key,
        "period": figures.quarter.label,
        "area": figures.area,
        "source": figures.source,
        "cohort": COHORT,
        "suppression": s.RULE,
        "definitions": [definition.as_json() for definition in DEFINITIONS],
        "columns": list(COLUMNS),
        "rows": [dict(zip(COLUMNS, line.as_tuple(), strict=True)) for line in lines(figures)],
    }
