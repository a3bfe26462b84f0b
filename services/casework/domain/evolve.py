"""How each case event changes the case's state: one step of the fold (DESIGN D6). Pure."""

from __future__ import annotations

from dataclasses import replace

from services.casework.domain.state import (
    CaseState,
    Consent,
    Letter,
    Worker,
    advanced_to,
    identifying,
    with_entries,
    with_entry,
    without_entry,
)
from shared.commands import Aggregate
from shared.contracts import casework as e
from shared.contracts.base import DomainEvent


def evolve(state: CaseState, event: DomainEvent) -> CaseState:
    """The case after ``event``; events that change nothing the rules need leave it as it is."""
    state = _step(state, event)
    return replace(state, version=state.version + 1)


def _step(state: CaseState, event: DomainEvent) -> CaseState:
    match event:
        case e.CaseOpened():
            return _opened(event)
        case e.CaseTriaged():
            return advanced_to(state, "triaged")
        case e.CaseFlaggedSensitive():
            return replace(state, sensitive=True, sign_off="none")
        case e.SignOffRequested():
            return replace(state, sign_off="requested")
        case e.SignOffGranted():
            return replace(state, sign_off="granted")
        case e.SignOffRefused():
            return replace(state, sign_off="refused")
        case e.FacilitatorAllocated() | e.FacilitatorReassigned():
            co = Worker(event.co_facilitator, event.co_level) if event.co_facilitator and event.co_level else None
            return advanced_to(replace(state, lead=Worker(event.facilitator, event.level), co=co), "contacting")
        case e.VictimInterestConfirmed() | e.ResponsibilityAcknowledged():
            return advanced_to(state, "assessing")
        case e.RiskAssessmentCompleted():
            return advanced_to(replace(state, assessments=with_entry(state.assessments, event.assessment_id,
                                                                     event.party)), "assessing")
        case e.SuitabilityDecided(suitable=False):
            return replace(state, unsuitable=True)
        case e.SuitabilityDecided(suitable=True):
            return advanced_to(replace(state, unsuitable=False), "preparing")
        case e.ProcessChosen() | e.PreparationMeetingHeld() | e.SupporterAdded():
            return advanced_to(state, "preparing")
        case e.VictimDeclined() | e.OffenderDeclined():
            # Declining is saying no to taking part: no earlier consent of theirs stands after it.
            party = "victim" if isinstance(event, e.VictimDeclined) else "offender"
            return replace(state, consents={k: v for k, v in state.consents.items()
                                            if not (v.party == party and v.scope == "participation")})
        case e.ConsentGiven():
            consent = Consent(event.consent_id, event.party, event.scope, event.agency, event.form)
            return replace(state, consents=with_entry(state.consents, event.consent_id, consent))
        case e.ConsentWithdrawn():
            return replace(state, consents=without_entry(state.consents, event.consent_id))
        case _:
            return _delivery_and_after(state, event)


def _delivery_and_after(state: CaseState, event: DomainEvent) -> CaseState:
    match event:
        case e.LetterReceived():
            return replace(state, letters=with_entry(state.letters, event.letter_id,
                                                     Letter(event.from_party, "received")))
        case e.LetterVetted() | e.LetterDelivered() | e.LetterHeld():
            status = {e.LetterVetted: "vetted", e.LetterDelivered: "delivered", e.LetterHeld: "held"}[type(event)]
            letter = replace(state.letters[event.letter_id], status=status)
            state = replace(state, letters=with_entry(state.letters, event.letter_id, letter))
            return advanced_to(state, "delivering") if status == "delivered" else state
        case e.ShuttleMessageDelivered():
            return advanced_to(state, "delivering")
        case e.ConferenceScheduled() | e.ConferenceRescheduled():
            return advanced_to(replace(state, conferences=with_entry(state.conferences, event.conference_id,
                                                                     "scheduled")), "delivering")
        case e.ConferenceCancelled() | e.ConferenceHeld():
            status = "held" if isinstance(event, e.ConferenceHeld) else "cancelled"
            return replace(state, conferences=with_entry(state.conferences, event.conference_id, status))
        case e.ReparationAgreed():
            items = with_entries(state.reparation, {item.item_id: "pending" for item in event.items})
            return advanced_to(replace(state, reparation=items), "monitoring")
        case e.ReparationItemCompleted() | e.ReparationItemMissed():
            status = "completed" if isinstance(event, e.ReparationItemCompleted) else "missed"
            state = replace(state, reparation=with_entry(state.reparation, event.item_id, status))
            return state if state.pending_items() else advanced_to(state, "follow_up")
        case e.FollowUpCompleted():
            return advanced_to(state, "follow_up")
        case e.CaseOnHold():
            return replace(state, on_hold=True)
        case e.CaseResumed():
            return replace(state, on_hold=False)
        case e.CaseClosed() | e.CaseMerged():
            reason = event.reason if isinstance(event, e.CaseClosed) else "duplicate"
            return replace(state, stage="closed", stage_before_close=state.stage, closed_reason=reason,
                           on_hold=False, merged=isinstance(event, e.CaseMerged))
        case e.CaseReopened():
            return replace(state, stage=state.stage_before_close or "referred", closed_reason=None)
        case e.DuplicateKeptApart():
            return replace(state, possible_duplicate_of=None)
    return state


def _opened(event: e.CaseOpened) -> CaseState:
    victim = event.victim
    details = identifying(victim.email, victim.phone, victim.address, victim.postcode) if victim else ()
    return CaseState(case_id=event.case_id, referral_id=event.referral_id, reference=event.reference,
                     victim_details=details,
                     possible_duplicate_of=event.possible_duplicate_of,
                     victim_subject=victim.subject_id if victim else None,
                     offender_subject=event.offender.subject_id if event.offender else None)


CASE = Aggregate(CaseState(), evolve)
