"""Who a message is for, and what its template says to them, from what the service has seen.

A send names a role (and, when the event said, who): the victim and the referrer are found in the
referral as received (opened with the service's keys), staff in the accounts (their sealed work
email), conference participants by how the facilitator listed them. A role without one person —
"the supervisors", or "the facilitator" of a case nobody is allocated yet — reaches each of them,
every member with a notification id of their own, so a retry never sends to one of them twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from services.notifications.domain.channels import Person, contactable
from services.notifications.domain.decide import PARTIES, Send, participant_id
from services.notifications.domain.timers import Watch
from services.notifications.domain.timings import acknowledgement_due
from services.notifications.handlers.dependencies import Dependencies
from shared.contracts.casework import CaseOpened, case_id_for
from shared.contracts.referral import ContactPreferences, ReferralReceived
from shared.envelope import Envelope
from shared.workingdays import LONDON

STAFF_EMAIL = ContactPreferences(channels=("email",))
DUTIES = {"attempt_contact": "first contact with the person referred",
          "acknowledge_referral": "acknowledging the referral",
          "complete_reparation_item": "an item of the reparation agreement"}
ITEM_KINDS = {"apology": "an apology", "direct_reparation": "direct reparation",
              "indirect_reparation": "indirect reparation", "undertaking": "an undertaking", "other": "other"}


@dataclass(frozen=True)
class Context:
    """What firing a timer found: its source event and the referral and case it belongs to."""

    source: Envelope
    referral: ReferralReceived | None
    case: CaseOpened | None
    watch: Watch
    withdrawn: frozenset[str]
    """Participants (victim, offender, supporter) whose consent to take part stands withdrawn."""


@dataclass(frozen=True)
class Recipient:
    """One person to send to, the details to reach them by, and what to call them."""

    notification_id: UUID
    recipient_id: str
    person: Person
    name: str
    email: str | None = None
    phone: str | None = None
    address: tuple[str, ...] = ()
    staff: bool = False


async def recipients(send: Send, ctx: Context, deps: Dependencies) -> list[Recipient]:
    """Everyone ``send`` reaches; empty when nobody can be (no contact details on record)."""
    role, who = send.recipient_role, send.recipient_id
    if role == "victim" or (role == "participant" and who == "victim"):
        return [victim] if (victim := _victim(send, ctx)) else []
    if role == "referrer":
        return [referrer] if (referrer := _referrer(send, ctx)) else []
    if role == "participant":
        name = _participant_line(send, ctx, who)
        return await _staff(send, deps, usernames=[name] if name else [], group=False)
    if role == "facilitator" and who:
        return await _staff(send, deps, usernames=[who], group=False)
    if role == "facilitator" and ctx.watch.facilitators:
        return await _staff(send, deps, usernames=list(ctx.watch.facilitators), group=True)
    return await _staff(send, deps, role="supervisor", group=True)  # a supervisor, or nobody allocated yet


def _victim(send: Send, ctx: Context) -> Recipient | None:
    if ctx.referral is None:
        return None
    victim = ctx.referral.victim
    person = contactable(victim.contact_preferences, email=victim.email, phone=victim.phone,
                         address=victim.address, withdrawn="victim" in ctx.withdrawn,
                         consented=ctx.referral.victim_aware_of_referral)
    lines = tuple(line for line in (victim.name, *(victim.address or "").splitlines(), victim.postcode) if line)
    return Recipient(send.key, str(victim.subject_id), person, _first_name(victim.name), victim.email, victim.phone,
                     lines)


def _referrer(send: Send, ctx: Context) -> Recipient | None:
    if ctx.referral is None or ctx.referral.referrer is None:
        return None
    referrer = ctx.referral.referrer
    return Recipient(send.key, str(referrer.subject_id), contactable(STAFF_EMAIL, email=referrer.email),
                     referrer.organisation, referrer.email)


def _participant_line(send: Send, ctx: Context, who: str | None) -> str | None:
    """The line the facilitator wrote for a participant named by hash (a username, or a supporter)."""
    about = ctx.source.event.conference_id
    lines = ctx.watch.participants.get(about, ())
    return next((line.strip() for line in lines if who not in PARTIES and participant_id(about, line) == who),
                None)


async def _staff(send: Send, deps: Dependencies, *, usernames: list[str] | None = None, role: str | None = None,
                 group: bool) -> list[Recipient]:
    members = await deps.staff.members(role=role, usernames=usernames or ()) if deps.staff else []
    return [Recipient(uuid5(send.key, member.username) if group else send.key, member.username,
                      contactable(STAFF_EMAIL, email=member.email), member.name, member.email, staff=True)
            for member in members]


def _first_name(name: str | None) -> str:
    return (name or "").split(" ")[0]


def _local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(LONDON) if moment else None


async def values(send: Send, ctx: Context, recipient: Recipient, deps: Dependencies) -> dict[str, Any]:
    """Every value any of the template's files may ask for; ``deliver`` passes on those it does."""
    event, referral, case = ctx.source.event, ctx.referral, ctx.case
    # Victims and referrers know the referral's reference (their confirmation, their progress page);
    # staff work by the case's.
    case_reference, referral_reference = case.reference if case else None, referral.reference if referral else None
    reference = ((case_reference or referral_reference) if recipient.staff
                 else (referral_reference or case_reference)) or ""
    found: dict[str, Any] = {"reference": reference, "first_name": recipient.name, "staff_name": recipient.name}
    if referral is not None:
        found |= {"received_on": referral.received_at.astimezone(LONDON).date(),
                  "due_on": acknowledgement_due(referral.received_at).astimezone(LONDON).date(),
                  "agency_name": referral.referrer.organisation if referral.referrer else "",
                  "agency_reference": referral.offence.crime_reference or referral.reference,
                  "progress_url": deps.progress_link(referral.referral_id) if deps.progress_link else ""}
    case_id = case.case_id if case else case_id_for(referral.referral_id) if referral else None
    if case_id is not None:  # a case opens with its referral, so the link works even before it is read here
        found["case_url"] = f"{deps.casework_url.rstrip('/')}/cases/{case_id}"
    if send.deadline is not None:
        found["due_on"] = _local(send.deadline).date()
    found["deadline"] = DUTIES.get(send.duty or "", "")
    if (facilitators := ctx.watch.facilitators) and deps.staff:
        found["facilitator_name"] = await deps.staff.name_of(facilitators[0])
    if hasattr(event, "conference_id"):
        at = _local(getattr(event, "at", None) or ctx.watch.conference_at.get(event.conference_id))
        moved_from = _local(ctx.watch.moved_from.get(ctx.source.event_id))
        found |= {"conference_date": at.date() if at else None, "conference_time": f"{at:%H:%M}" if at else "",
                  "venue": getattr(event, "venue", None) or "the place your facilitator told you",
                  "previous_date": moved_from.date() if moved_from else None}
    if send.about_id and (item := next((i for i in getattr(event, "items", ()) if i.item_id == send.about_id), None)):
        found |= {"item": ITEM_KINDS[item.kind], "due_on": item.due}
    return found

