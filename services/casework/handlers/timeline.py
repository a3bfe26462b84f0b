"""A case's events as people read them in its timeline: what happened, in plain words.

Each phrase is a message id of the web catalogue (marked with ``N_`` for extraction) with the
event's fields as named ``{placeholders}``: the page translates the phrase and fills it
(``Phrase.fields`` hold the values as recorded, for it to put in words); the JSON API keeps the
English text of :func:`describe`."""

from __future__ import annotations

from dataclasses import dataclass, field
from string import Formatter
from typing import Any

from shared.contracts import casework as e
from shared.contracts.base import DomainEvent


def N_(message: str) -> str:  # the marker the catalogue's extractor looks for (see web/catalogue.py)
    """Mark a phrase for the catalogue where it is defined; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Phrase:
    """A message id of the catalogue and the values of its ``{placeholders}``."""

    msgid: str
    fields: dict[str, Any] = field(default_factory=dict)

    def english(self) -> str:
        """The phrase in English, each value in plain words, the first letter capitalised."""
        text = self.msgid.format_map({name: plain(value) for name, value in self.fields.items()})
        return text[:1].upper() + text[1:]


def placeholders(msgid: str) -> set[str]:
    """The names of a phrase's ``{placeholders}``."""
    return {name for _, name, _, _ in Formatter().parse(msgid) if name}


PHRASES: dict[type, str] = {
    e.CaseOpened: N_("Case opened from referral {referral_reference}"),
    e.CaseTriaged: N_("Triaged and accepted"),
    e.CaseFlaggedSensitive: N_("Flagged sensitive: {reasons}"),
    e.SignOffRequested: N_("Sign-off requested by {requested_by}"),
    e.SignOffGranted: N_("Signed off by {supervisor}"),
    e.SignOffRefused: N_("Sign-off refused by {supervisor}: {reason}"),
    e.FacilitatorAllocated: N_("Allocated to {facilitator} ({level})"),
    e.FacilitatorReassigned: N_("Reassigned to {facilitator} ({level}): {reason}"),
    e.ContactAttempted: N_("Contact attempt with the {party} by {channel}: {outcome}"),
    e.RJInformationGiven: N_("Information about restorative justice given to the {party}"),
    e.VictimInterestConfirmed: N_("The victim wants to go ahead"),
    e.VictimDeclined: N_("The victim declined"),
    e.OffenderTraced: N_("Offender traced through {through}"),
    e.OffenderApproached: N_("Offender approached"),
    e.ResponsibilityAcknowledged: N_("The offender acknowledged responsibility"),
    e.OffenderDeclined: N_("The offender declined"),
    e.RiskAssessmentCompleted: N_("Risk assessment of the {party}: {level} (review by {review_date})"),
    e.RiskAssessmentReviewed: N_("Risk assessment reviewed: {level} (review by {review_date})"),
    e.SuitabilityDecided: N_("Suitability decided: {suitable}"),
    e.ConsentGiven: N_("{form} consent of the {party}: {scope}"),
    e.ConsentWithdrawn: N_("The {party} withdrew consent: {scope}"),
    e.PreparationMeetingHeld: N_("Preparation meeting with the {party} on {held_on}"),
    e.SupporterAdded: N_("A supporter added for the {supports}"),
    e.ProcessChosen: N_("Process chosen: {process}"),
    e.ShuttleMessageDelivered: N_("Message delivered ({direction}, {medium})"),
    e.LetterReceived: N_("Letter received from the {from_party}"),
    e.LetterVetted: N_("Letter vetted by {vetted_by}"),
    e.LetterDelivered: N_("Letter delivered to the {to_party}"),
    e.LetterHeld: N_("Letter held: {reason}"),
    e.ConferenceScheduled: N_("Conference scheduled for {at}"),
    e.ConferenceRescheduled: N_("Conference moved to {at}"),
    e.ConferenceCancelled: N_("Conference cancelled: {reason}"),
    e.ConferenceHeld: N_("Conference held on {held_at}"),
    e.ReparationAgreed: N_("Reparation agreed ({count} items)"),
    e.ReparationItemCompleted: N_("A reparation item completed on {on}"),
    e.ReparationItemMissed: N_("A reparation item missed on {on}"),
    e.CourtReportSubmitted: N_("Report submitted to {court}"),
    e.FollowUpCompleted: N_("Follow-up with the {party} completed"),
    e.EqualityMonitoringRecorded: N_("Equality monitoring answers of the {party} recorded"),
    e.SafeguardingConcernRaised: N_("Safeguarding concern raised about the {party}"),
    e.SignpostedToSupport: N_("The {party} signposted to {service}"),
    e.CaseOnHold: N_("Put on hold: {reason}"),
    e.CaseResumed: N_("Resumed"),
    e.CaseClosed: N_("Closed: {reason}"),
    e.CaseReopened: N_("Reopened: {reason}"),
    e.CaseMerged: N_("Merged into an earlier case"),
    e.DuplicateKeptApart: N_("Kept apart from a possible duplicate"),
    e.PartnerUpdateNoted: N_("Partner update: {kind}"),
}


def phrase(event: DomainEvent) -> Phrase:
    """What the timeline says of ``event``: its phrase and the values it names (only those: the
    event's sealed free text stays on the case itself)."""
    msgid = PHRASES.get(type(event), type(event).__name__)
    dumped = event.model_dump()
    dumped["count"] = len(getattr(event, "items", ()) or ())
    return Phrase(msgid, {name: dumped.get(name) for name in placeholders(msgid)})


def describe(event: DomainEvent) -> str:
    """One line for the timeline in English (the JSON API's ``summary``)."""
    return phrase(event).english()


def plain(value: Any) -> str:
    """A recorded value in plain English words: ``not_safe_to_talk`` → ``not safe to talk``."""
    if isinstance(value, list | tuple):
        return ", ".join(plain(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("_", " ")
