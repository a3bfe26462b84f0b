"""Referral rules: each command decided against the referral's folded state (DESIGN D6). Pure."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID, uuid5

from services.referral.domain.commands import (
    ChangeCustody,
    DeferSentence,
    PartnerUpdate,
    RecordSentence,
    RevokeProgressLink,
    WithdrawReferral,
)
from services.referral.domain.errors import (
    AlreadyReceived,
    DeferralOutOfRange,
    MissingReason,
    ReferralWithdrawn,
    SelfReferralNotByAgency,
    UnknownReferral,
)
from services.referral.domain.state import ReferralState
from services.referral.domain.submission import ReferralSubmission
from shared.contracts import referral as events
from shared.contracts.base import DomainEvent

MAX_DEFERRAL_DAYS = 186
"""Sentence may be deferred for up to six months (Sentencing Act 2020, s.5)."""


def ensure_may_refer(submission: ReferralSubmission, agency_id: str | None) -> None:
    """Source 'self' is the victim's own referral, made through the web form, never by an agency."""
    if submission.source == "self" and agency_id is not None:
        raise SelfReferralNotByAgency("'self' is for victims referring themselves through /refer", field="source")


def decide_receive(submission: ReferralSubmission, state: ReferralState, *, referral_id: UUID, reference: str,
                   agency_id: str | None, possible_duplicate_of: UUID | None, received_at: datetime,
                   request_digest: str | None = None) -> list[DomainEvent]:
    """A referral is received once, into a new stream."""
    ensure_may_refer(submission, agency_id)
    if state.received:
        raise AlreadyReceived(f"referral {state.reference} has already been received")
    return [received(submission, referral_id=referral_id, reference=reference, agency_id=agency_id,
                     possible_duplicate_of=possible_duplicate_of, received_at=received_at,
                     request_digest=request_digest)]


SUBJECTS = ("victim", "offender", "referrer")
"""The people a referral names, each a data subject with an id derived from the referral's."""


def subjects_of(referral_id: UUID) -> list[UUID]:
    """The data-subject ids of everyone a referral can name."""
    return [uuid5(referral_id, role) for role in SUBJECTS]


def received(submission: ReferralSubmission, *, referral_id: UUID, reference: str, agency_id: str | None,
             possible_duplicate_of: UUID | None, received_at: datetime,
             request_digest: str | None = None) -> events.ReferralReceived:
    """The submission as ``ReferralReceived``; the people's subject ids derive from the referral id."""
    s = submission
    preferences = s.victim.contact_preferences
    return events.ReferralReceived(request_digest=request_digest,
        referral_id=referral_id, reference=reference, source=s.source, agency_id=agency_id,
        referrer=events.Referrer(subject_id=uuid5(referral_id, "referrer"), **s.referrer.model_dump())
        if s.referrer else None,
        victim=events.Victim(
            subject_id=uuid5(referral_id, "victim"), **s.victim.model_dump(exclude={"contact_preferences"}),
            contact_preferences=events.ContactPreferences(
                **(preferences.model_dump() if preferences else {"channels": ()}))),
        offence=events.Offence(**s.offence.model_dump()),
        offender=events.Offender(subject_id=uuid5(referral_id, "offender"), **s.offender.model_dump())
        if s.offender else None,
        criminal_justice_stage=s.criminal_justice_stage, initiated_by=s.initiated_by,
        victim_aware_of_referral=s.victim_aware_of_referral, hopes=s.hopes,
        possible_duplicate_of=possible_duplicate_of, received_at=received_at,
    )


def decide_update(update: PartnerUpdate, state: ReferralState, agency_id: str | None,
                  today: date) -> list[DomainEvent]:
    """An agency may update only a referral it made, and nothing after it was withdrawn."""
    if not state.received or (agency_id is not None and state.agency_id != agency_id):
        raise UnknownReferral("no referral with that id was made by your agency")
    if state.withdrawn:
        raise ReferralWithdrawn(f"referral {state.reference} was withdrawn; it takes no further updates")
    return [_update_event(update, today)]


def _update_event(update: PartnerUpdate, today: date) -> DomainEvent:
    match update:
        case WithdrawReferral():
            return events.ReferralWithdrawn(referral_id=update.referral_id, withdrawn_by="referrer",
                                            reason=update.reason,
                                            victim_subject_id=uuid5(update.referral_id, "victim"))
        case ChangeCustody():
            offender = events.Offender(subject_id=uuid5(update.referral_id, "offender"),
                                       custody_status=update.custody_status, establishment=update.establishment)
            return events.OffenderCustodyChanged(referral_id=update.referral_id, offender=offender,
                                                 effective_date=update.effective_date)
        case DeferSentence():
            ensure_deferral_in_range(update.deferred_until, today)
            return events.SentenceDeferred(referral_id=update.referral_id, court=update.court,
                                           deferred_until=update.deferred_until)
        case RecordSentence():
            return events.SentenceRecorded(referral_id=update.referral_id, court=update.court,
                                           sentenced_on=update.sentenced_on, outcome=update.outcome,
                                           offender_subject_id=uuid5(update.referral_id, "offender"))
    raise TypeError(f"no event for {type(update).__name__}")


def ensure_deferral_in_range(deferred_until: date, today: date) -> None:
    """A deferral reaches a date after today and at most six months ahead."""
    if deferred_until <= today:
        raise DeferralOutOfRange("must be after today", field="deferred_until")
    if (deferred_until - today).days > MAX_DEFERRAL_DAYS:
        raise DeferralOutOfRange("must be at most six months ahead", field="deferred_until")


def decide_revoke_link(command: RevokeProgressLink, state: ReferralState, now: datetime) -> list[DomainEvent]:
    """Only a referral that exists has links to revoke; a reason is always given, for the audit."""
    if not state.received:
        raise UnknownReferral("no referral with that id")
    if not command.reason.strip():
        raise MissingReason("say why the link is revoked", field="reason")
    return [events.ProgressLinkRevoked(referral_id=command.referral_id, reason=command.reason.strip(),
                                       victim_subject_id=uuid5(command.referral_id, "victim"),
                                       revoked_by=command.revoked_by, revoked_at=now)]
