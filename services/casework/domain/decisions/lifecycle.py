"""Opening a case from a referral, pausing, closing, reopening, duplicates, partner news."""

from __future__ import annotations

from services.casework.domain import commands as c
from services.casework.domain.deadlines import first_contact_due
from services.casework.domain.errors import AlreadySettled, CaseAlreadyOpen, NotADuplicate, NotNow
from services.casework.domain.people import Context
from services.casework.domain.sensitivity import sensitivity
from services.casework.domain.state import CaseState
from shared.contracts import casework as e


def open_case(command: c.OpenCase, state: CaseState) -> list[e.CaseEvent]:
    """One case per referral, flagged sensitive at once when the offence or an age makes it so."""
    if state.opened:
        raise CaseAlreadyOpen(f"case {state.reference} is already open for this referral")
    opened = e.CaseOpened(
        case_id=command.case_id, referral_id=command.referral_id, reference=command.reference,
        referral_reference=command.referral_reference, received_at=command.received_at, source=command.source,
        offence_type=command.offence_type, area=command.area,
        criminal_justice_stage=command.criminal_justice_stage, initiated_by=command.initiated_by,
        victim=e.CaseParty(**command.victim),
        offender=e.CaseParty(**command.offender) if command.offender else None,
        first_contact_due=first_contact_due(command.received_at),
        possible_duplicate_of=command.possible_duplicate_of,
    )
    reasons = sensitivity(command.offence_type, command.victim_date_of_birth, command.offender_date_of_birth,
                          command.received_at.date())
    return [opened, *([e.CaseFlaggedSensitive(case_id=command.case_id, reasons=reasons)] if reasons else [])]


def put_on_hold(action: c.PutOnHold, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    if state.on_hold:
        raise NotNow("the case is already on hold")
    return [e.CaseOnHold(case_id=state.case_id, reason=action.reason)]


def resume(action: c.Resume, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    if not state.on_hold:
        raise NotNow("the case is not on hold")
    return [e.CaseResumed(case_id=state.case_id)]


def close(action: c.CloseCase, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    """Closing stops what is still scheduled: no conference is left standing on a closed case."""
    because = f"the case was closed ({action.reason.replace('_', ' ')})"
    return [*[e.ConferenceCancelled(case_id=state.case_id, conference_id=conference, reason=because)
              for conference, status in state.conferences.items() if status == "scheduled"],
            e.CaseClosed(case_id=state.case_id, reason=action.reason, note=action.note,
                         referral_id=state.referral_id)]


def reopen(action: c.ReopenCase, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    if state.merged:
        raise AlreadySettled("the case was merged into another; work on that one")
    return [e.CaseReopened(case_id=state.case_id, reason=action.reason, referral_id=state.referral_id)]


def merge(action: c.MergeDuplicate, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    """Merging closes the case too: a conference still scheduled is cancelled, as on closing."""
    earlier = _linked(state)
    because = "the case was merged into the earlier case of the same crime"
    return [*[e.ConferenceCancelled(case_id=state.case_id, conference_id=conference, reason=because)
              for conference, status in state.conferences.items() if status == "scheduled"],
            e.CaseMerged(case_id=state.case_id, into_case_id=earlier, referral_id=state.referral_id)]


def keep_apart(action: c.KeepApart, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    return [e.DuplicateKeptApart(case_id=state.case_id, earlier_case_id=_linked(state))]


def _linked(state: CaseState):
    if state.possible_duplicate_of is None:
        raise NotADuplicate("this case is not linked to an earlier one as a possible duplicate")
    return state.possible_duplicate_of


def partner_update(command: c.NotePartnerUpdate, state: CaseState) -> list[e.CaseEvent]:
    return [e.PartnerUpdateNoted(case_id=state.case_id, subject_id=command.about_subject, kind=command.kind,
                                 detail=command.detail, deferred_until=command.deferred_until)]
