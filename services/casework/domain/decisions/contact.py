"""Contact with the parties and their answers."""

from __future__ import annotations

from services.casework.domain import commands as c
from services.casework.domain.people import Context
from services.casework.domain.state import CaseState
from shared.contracts import casework as e


def contact_attempt(action: c.RecordContactAttempt, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    return [e.ContactAttempted(case_id=state.case_id, subject_id=state.subject(action.party), party=action.party,
                               channel=action.channel, outcome=action.outcome, note=action.note)]


def information_given(action: c.GiveRJInformation, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    return [e.RJInformationGiven(case_id=state.case_id, party=action.party)]


def victim_interested(action: c.ConfirmVictimInterest, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    return [e.VictimInterestConfirmed(case_id=state.case_id)]


def victim_declined(action: c.RecordVictimDeclined, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    return [e.VictimDeclined(case_id=state.case_id, reason=action.reason)]


def offender_traced(action: c.RecordOffenderTraced, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    return [e.OffenderTraced(case_id=state.case_id, through=action.through)]


def offender_approached(action: c.RecordOffenderApproached, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    return [e.OffenderApproached(case_id=state.case_id)]


def responsibility(action: c.AcknowledgeResponsibility, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    return [e.ResponsibilityAcknowledged(case_id=state.case_id)]


def offender_declined(action: c.RecordOffenderDeclined, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    return [e.OffenderDeclined(case_id=state.case_id, reason=action.reason)]
