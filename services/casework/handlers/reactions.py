"""What casework does when the referral service records something (DESIGN D8): thin adapters from
an opened event to a command, carried out under a cause that points back at the event."""

from __future__ import annotations

from uuid import uuid5

from services.casework.domain.commands import NotePartnerUpdate, OpenCase
from services.casework.domain.errors import CaseNotFound
from services.casework.handlers import NotePartnerNews, OpenCaseFor, case_id_for, handle
from services.casework.handlers.dependencies import Dependencies
from shared.contracts import referral as r
from shared.envelope import Cause, Envelope
from shared.eventstore.port import Actor
from shared.projections.base import NotYetApplicable

CASEWORK = Actor("service", "casework", "system")


def _cause(envelope: Envelope) -> Cause:
    return Cause(CASEWORK, envelope.recorded.correlation_id, envelope.event_id)


class OpenCases:
    """Each received referral opens exactly one case."""

    name = "open_cases"

    async def react(self, envelope: Envelope, deps: Dependencies) -> None:
        if isinstance(envelope.event, r.ReferralReceived):
            await handle(OpenCaseFor(opening_of(envelope.event), envelope.event_id), _cause(envelope), deps)


def opening_of(referral: r.ReferralReceived) -> OpenCase:
    victim, offender = referral.victim, referral.offender
    duplicate = referral.possible_duplicate_of
    return OpenCase(
        case_id=case_id_for(referral.referral_id), referral_id=referral.referral_id, reference="",
        referral_reference=referral.reference, received_at=referral.received_at, source=referral.source,
        offence_type=referral.offence.offence_type, area=referral.offence.area,
        criminal_justice_stage=referral.criminal_justice_stage, initiated_by=referral.initiated_by,
        victim=victim.model_dump(include={"subject_id", "name", "email", "phone", "address", "postcode",
                                          "contact_preferences"}),
        offender=offender.model_dump(include={"subject_id", "name"}) if offender else None,
        victim_date_of_birth=_date(victim.date_of_birth), offender_date_of_birth=_date(offender.date_of_birth)
        if offender else None,
        possible_duplicate_of=case_id_for(duplicate) if duplicate else None,
    )


def _date(value):
    """A date of birth, unless it was erased (it then says nothing about age)."""
    return value if value is not None and not isinstance(value, str) else None


class NotePartnerUpdates:
    """A partner's news about a referral is noted on its case, sealed under whom it is about."""

    name = "partner_updates"

    async def react(self, envelope: Envelope, deps: Dependencies) -> None:
        update = partner_update(envelope.event)
        if update is None:
            return
        case_id = case_id_for(envelope.event.referral_id)
        try:
            await handle(NotePartnerNews(case_id, update, envelope.event_id), _cause(envelope), deps)
        except CaseNotFound:
            # The referral's own event opens the case; this one arrived first: retried after back-off.
            raise NotYetApplicable(f"case {case_id} is not open yet") from None


def partner_update(event) -> NotePartnerUpdate | None:
    """The news a partner's event brings, sealed under the person it is about; None for others."""
    if not isinstance(event, r.OffenderCustodyChanged | r.SentenceDeferred | r.SentenceRecorded
                      | r.ReferralWithdrawn):
        return None
    victim, offender = uuid5(event.referral_id, "victim"), uuid5(event.referral_id, "offender")
    match event:
        case r.OffenderCustodyChanged():
            detail = f"{event.offender.custody_status.replace('_', ' ')} from {event.effective_date.isoformat()}"
            return NotePartnerUpdate("custody_changed", detail, offender)
        case r.SentenceDeferred():
            return NotePartnerUpdate("sentence_deferred", f"by {event.court}", offender, event.deferred_until)
        case r.SentenceRecorded():
            return NotePartnerUpdate("sentenced", f"{event.outcome}, {event.court}, {event.sentenced_on}", offender)
        case r.ReferralWithdrawn():
            return NotePartnerUpdate("referral_withdrawn", event.reason, victim)
    return None


REACTIONS = (OpenCases(), NotePartnerUpdates())
