"""Risk, suitability, consent and preparation."""

from __future__ import annotations

from datetime import date
from uuid import uuid5

from services.casework.domain import commands as c
from services.casework.domain.errors import AlreadySettled, ConsentScopeInvalid, DateOutOfRange, UnknownItem
from services.casework.domain.people import Context
from services.casework.domain.state import CaseState
from shared.contracts import casework as e
from shared.contracts.casework.preparation import Supporter

PARTIES = ("victim", "offender")


def risk_assessment(action: c.CompleteRiskAssessment, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    ensure_after(action.review_date, ctx.now.date(), "review_date")
    return [e.RiskAssessmentCompleted(case_id=state.case_id, subject_id=state.subject(action.party),
                                      assessment_id=ctx.new_id(), party=action.party, level=action.level,
                                      factors=action.factors, review_date=action.review_date)]


def risk_review(action: c.ReviewRiskAssessment, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    if action.assessment_id not in state.assessments:
        raise UnknownItem("no risk assessment with that id on this case", field="assessment_id")
    ensure_after(action.review_date, ctx.now.date(), "review_date")
    party = state.assessments[action.assessment_id]
    return [e.RiskAssessmentReviewed(case_id=state.case_id, subject_id=state.subject(party),
                                     assessment_id=action.assessment_id, level=action.level,
                                     factors=action.factors, review_date=action.review_date)]


def suitability(action: c.DecideSuitability, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    return [e.SuitabilityDecided(case_id=state.case_id, suitable=action.suitable, reason=action.reason)]


def give_consent(action: c.GiveConsent, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    """Consent to take part is kept apart from consent to share information (with a named agency)
    and consent to a court report: each is given, and withdrawn, on its own."""
    if action.scope == "information_sharing" and not action.agency:
        raise ConsentScopeInvalid("consent to share information names the agency it may be shared with",
                                  field="agency")
    if action.scope != "information_sharing" and action.agency:
        raise ConsentScopeInvalid(f"consent for {action.scope.replace('_', ' ')} names no agency", field="agency")
    for consent in state.consents.values():
        if (consent.party, consent.scope, consent.agency, consent.form) == (
                action.party, action.scope, action.agency, action.form):
            raise AlreadySettled(f"this consent of the {action.party} already stands")
    return [e.ConsentGiven(case_id=state.case_id, consent_id=ctx.new_id(), party=action.party, scope=action.scope,
                           agency=action.agency, form=action.form)]


def withdraw_consent(action: c.WithdrawConsent, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    """A withdrawal covers every consent of that person for that purpose, and, for taking part,
    stops the joint work at once: scheduled conferences are cancelled, undelivered letters held."""
    withdrawn = state.consents.get(action.consent_id)
    if withdrawn is None:
        raise UnknownItem("no standing consent with that id on this case", field="consent_id")
    same = [k for k in state.consents.values()
            if (k.party, k.scope, k.agency) == (withdrawn.party, withdrawn.scope, withdrawn.agency)]
    events: list[e.CaseEvent] = [
        e.ConsentWithdrawn(case_id=state.case_id, consent_id=k.consent_id, party=k.party, scope=k.scope,
                           reason=action.reason) for k in same]
    if withdrawn.scope == "participation" and withdrawn.party in PARTIES:
        because = f"the {withdrawn.party} withdrew consent to take part"
        events += [e.ConferenceCancelled(case_id=state.case_id, conference_id=conference, reason=because)
                   for conference, status in state.conferences.items() if status == "scheduled"]
        events += [e.LetterHeld(case_id=state.case_id, letter_id=letter_id, reason=because)
                   for letter_id, letter in state.letters.items() if letter.status in ("received", "vetted")]
    return events


def preparation_meeting(action: c.HoldPreparationMeeting, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    ensure_not_after(action.held_on, ctx.now.date(), "held_on")
    return [e.PreparationMeetingHeld(case_id=state.case_id, party=action.party, held_on=action.held_on)]


def add_supporter(action: c.AddSupporter, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    supporter = Supporter(subject_id=uuid5(state.case_id, f"supporter {ctx.new_id()}"), name=action.name,
                          relationship=action.relationship)
    return [e.SupporterAdded(case_id=state.case_id, supporter=supporter, supports=action.supports)]


def choose_process(action: c.ChooseProcess, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    return [e.ProcessChosen(case_id=state.case_id, process=action.process)]


def ensure_after(day: date, today: date, field: str) -> None:
    if day <= today:
        raise DateOutOfRange("must be after today", field=field)


def ensure_not_after(day: date, today: date, field: str) -> None:
    if day > today:
        raise DateOutOfRange("must be today or earlier: it records what has happened", field=field)
