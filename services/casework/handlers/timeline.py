"""A case's events as people read them in its timeline: what happened, in plain words."""

from __future__ import annotations

from shared.contracts import casework as e
from shared.contracts.base import DomainEvent

PHRASES: dict[type, str] = {
    e.CaseOpened: "Case opened from referral {referral_reference}",
    e.CaseTriaged: "Triaged and accepted",
    e.CaseFlaggedSensitive: "Flagged sensitive: {reasons}",
    e.SignOffRequested: "Sign-off requested by {requested_by}",
    e.SignOffGranted: "Signed off by {supervisor}",
    e.SignOffRefused: "Sign-off refused by {supervisor}: {reason}",
    e.FacilitatorAllocated: "Allocated to {facilitator} ({level})",
    e.FacilitatorReassigned: "Reassigned to {facilitator} ({level}): {reason}",
    e.ContactAttempted: "Contact attempt with the {party} by {channel}: {outcome}",
    e.RJInformationGiven: "Information about restorative justice given to the {party}",
    e.VictimInterestConfirmed: "The victim wants to go ahead",
    e.VictimDeclined: "The victim declined",
    e.OffenderTraced: "Offender traced through {through}",
    e.OffenderApproached: "Offender approached",
    e.ResponsibilityAcknowledged: "The offender acknowledged responsibility",
    e.OffenderDeclined: "The offender declined",
    e.RiskAssessmentCompleted: "Risk assessment of the {party}: {level} (review by {review_date})",
    e.RiskAssessmentReviewed: "Risk assessment reviewed: {level} (review by {review_date})",
    e.SuitabilityDecided: "Suitability decided: {suitable}",
    e.ConsentGiven: "{form} consent of the {party}: {scope}",
    e.ConsentWithdrawn: "The {party} withdrew consent: {scope}",
    e.PreparationMeetingHeld: "Preparation meeting with the {party} on {held_on}",
    e.SupporterAdded: "A supporter added for the {supports}",
    e.ProcessChosen: "Process chosen: {process}",
    e.ShuttleMessageDelivered: "Message delivered ({direction}, {medium})",
    e.LetterReceived: "Letter received from the {from_party}",
    e.LetterVetted: "Letter vetted by {vetted_by}",
    e.LetterDelivered: "Letter delivered to the {to_party}",
    e.LetterHeld: "Letter held: {reason}",
    e.ConferenceScheduled: "Conference scheduled for {at}",
    e.ConferenceRescheduled: "Conference moved to {at}",
    e.ConferenceCancelled: "Conference cancelled: {reason}",
    e.ConferenceHeld: "Conference held on {held_at}",
    e.ReparationAgreed: "Reparation agreed ({count} items)",
    e.ReparationItemCompleted: "A reparation item completed on {on}",
    e.ReparationItemMissed: "A reparation item missed on {on}",
    e.CourtReportSubmitted: "Report submitted to {court}",
    e.FollowUpCompleted: "Follow-up with the {party} completed",
    e.SafeguardingConcernRaised: "Safeguarding concern raised about the {party}",
    e.SignpostedToSupport: "The {party} signposted to {service}",
    e.CaseOnHold: "Put on hold: {reason}",
    e.CaseResumed: "Resumed",
    e.CaseClosed: "Closed: {reason}",
    e.CaseReopened: "Reopened: {reason}",
    e.CaseMerged: "Merged into an earlier case",
    e.DuplicateKeptApart: "Kept apart from a possible duplicate",
    e.PartnerUpdateNoted: "Partner update: {kind}",
}


def describe(event: DomainEvent) -> str:
    """One line for the timeline, without the event's sealed free text (shown on the case itself)."""
    phrase = PHRASES.get(type(event), type(event).__name__)
    fields = {name: _plain(value) for name, value in event.model_dump().items()}
    fields["count"] = len(getattr(event, "items", ()) or ())
    text = phrase.format_map(fields)
    return text[0].upper() + text[1:]


def _plain(value) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("_", " ")
