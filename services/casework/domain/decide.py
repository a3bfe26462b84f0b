"""Every casework action, and the decide function that carries it out (DESIGN D6): the case's
stage, side state and the person's role are checked first (``rules.ensure_allowed``), then the
action's own rules. Pure: the handler loads the case, calls ``decide`` and appends the events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.casework.domain import commands as c
from services.casework.domain.decisions import contact, delivery, lifecycle, outcome, preparation, triage
from services.casework.domain.errors import CaseChangedMeanwhile, CaseNotFound
from services.casework.domain.people import Context
from services.casework.domain.rules import ensure_allowed
from services.casework.domain.state import CaseState
from shared.contracts.casework import CaseEvent

Decide = Callable[[Any, CaseState, Context], list[CaseEvent]]

DECISIONS: dict[type, Decide] = {
    c.TriageCase: triage.triage,
    c.FlagSensitive: triage.flag_sensitive,
    c.RequestSignOff: triage.request_sign_off,
    c.GrantSignOff: triage.grant_sign_off,
    c.RefuseSignOff: triage.refuse_sign_off,
    c.AllocateFacilitator: triage.allocate,
    c.ReassignFacilitator: triage.reassign,
    c.RecordContactAttempt: contact.contact_attempt,
    c.GiveRJInformation: contact.information_given,
    c.ConfirmVictimInterest: contact.victim_interested,
    c.RecordVictimDeclined: contact.victim_declined,
    c.RecordOffenderTraced: contact.offender_traced,
    c.RecordOffenderApproached: contact.offender_approached,
    c.AcknowledgeResponsibility: contact.responsibility,
    c.RecordOffenderDeclined: contact.offender_declined,
    c.CompleteRiskAssessment: preparation.risk_assessment,
    c.ReviewRiskAssessment: preparation.risk_review,
    c.DecideSuitability: preparation.suitability,
    c.GiveConsent: preparation.give_consent,
    c.WithdrawConsent: preparation.withdraw_consent,
    c.HoldPreparationMeeting: preparation.preparation_meeting,
    c.AddSupporter: preparation.add_supporter,
    c.ChooseProcess: preparation.choose_process,
    c.DeliverShuttleMessage: delivery.shuttle_message,
    c.ReceiveLetter: delivery.receive_letter,
    c.VetLetter: delivery.vet_letter,
    c.DeliverLetter: delivery.deliver_letter,
    c.ScheduleConference: delivery.schedule_conference,
    c.RescheduleConference: delivery.reschedule_conference,
    c.CancelConference: delivery.cancel_conference,
    c.HoldConference: delivery.hold_conference,
    c.AgreeReparation: outcome.agree_reparation,
    c.CompleteReparationItem: outcome.item_completed,
    c.MissReparationItem: outcome.item_missed,
    c.SubmitCourtReport: outcome.court_report,
    c.CompleteFollowUp: outcome.follow_up,
    c.RecordEqualityMonitoring: outcome.equality_monitoring,
    c.RaiseSafeguardingConcern: outcome.safeguarding,
    c.SignpostToSupport: outcome.signpost,
    c.PutOnHold: lifecycle.put_on_hold,
    c.Resume: lifecycle.resume,
    c.CloseCase: lifecycle.close,
    c.ReopenCase: lifecycle.reopen,
    c.MergeDuplicate: lifecycle.merge,
    c.KeepApart: lifecycle.keep_apart,
}


def decide(action: c.Action, state: CaseState, ctx: Context, expected_version: int | None = None) -> list[CaseEvent]:
    """The events a person's action records on the case, or the error of the rule it breaks.
    ``expected_version`` is the version the person saw: acting on a case changed since is refused."""
    ensure_allowed(type(action), state, ctx.by)
    if expected_version is not None and expected_version != state.version:
        raise CaseChangedMeanwhile(expected_version, state.version, state.status)
    return DECISIONS[type(action)](action, state, ctx)


def decide_opening(command: c.OpenCase, state: CaseState) -> list[CaseEvent]:
    """The reaction to a referral: open its case (refused if it is open already)."""
    return lifecycle.open_case(command, state)


def decide_partner_update(command: c.NotePartnerUpdate, state: CaseState) -> list[CaseEvent]:
    """Partner news lands on the case whatever its stage: it is a record of what happened."""
    if not state.opened:
        raise CaseNotFound("no case for this referral yet")
    return lifecycle.partner_update(command, state)
