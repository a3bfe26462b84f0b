"""Shuttle messages, letters and conferences: the joint work, and its guards."""

from __future__ import annotations

from services.casework.domain import commands as c
from services.casework.domain.decisions.preparation import ensure_not_after
from services.casework.domain.errors import AlreadySettled, DateOutOfRange, IdentifyingDetails, NotVetted, UnknownItem
from services.casework.domain.people import Context
from services.casework.domain.rules import ensure_joint_work_ready
from services.casework.domain.state import CaseState
from services.casework.domain.vetting import describe, found_details
from shared.contracts import casework as e


def ensure_nothing_identifying(text: str, state: CaseState, field: str) -> None:
    """The most serious failure there could be: the victim's whereabouts reaching the offender."""
    if found := found_details(text, state.victim_details):
        raise IdentifyingDetails(f"still carries the victim's {describe(found)}; remove it before this goes to "
                                 "the offender's side", field=field)


def shuttle_message(action: c.DeliverShuttleMessage, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    ensure_joint_work_ready(state, "delivering a message to the other party")
    author = "victim" if action.direction == "victim_to_offender" else "offender"
    if author == "victim":
        ensure_nothing_identifying(action.summary, state, "summary")
    return [e.ShuttleMessageDelivered(case_id=state.case_id, subject_id=state.subject(author),
                                      message_id=ctx.new_id(), direction=action.direction, medium=action.medium,
                                      summary=action.summary)]


def receive_letter(action: c.ReceiveLetter, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    return [e.LetterReceived(case_id=state.case_id, subject_id=state.subject(action.from_party),
                             letter_id=ctx.new_id(), from_party=action.from_party, content=action.content)]


def vet_letter(action: c.VetLetter, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    letter = _letter(state, action.letter_id)
    if letter.status != "received":
        raise AlreadySettled(f"the letter is {letter.status}; only a received letter is vetted")
    if letter.from_party == "victim":
        ensure_nothing_identifying(action.content, state, "content")
    return [e.LetterVetted(case_id=state.case_id, subject_id=state.subject(letter.from_party),
                           letter_id=action.letter_id, content=action.content, vetted_by=ctx.by.username)]


def deliver_letter(action: c.DeliverLetter, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    letter = _letter(state, action.letter_id)
    if letter.status == "received":
        raise NotVetted("the letter has not been vetted; vet it before it is delivered", field="letter_id")
    if letter.status != "vetted":
        raise AlreadySettled(f"the letter is {letter.status}", field="letter_id")
    ensure_joint_work_ready(state, "delivering a letter to the other party")
    to_party = "offender" if letter.from_party == "victim" else "victim"
    return [e.LetterDelivered(case_id=state.case_id, letter_id=action.letter_id, to_party=to_party)]


def schedule_conference(action: c.ScheduleConference, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    ensure_joint_work_ready(state, "a conference", written=True)
    if action.at <= ctx.now:
        raise DateOutOfRange("must be in the future", field="at")
    return [e.ConferenceScheduled(case_id=state.case_id, subject_id=state.subject("victim"),
                                  conference_id=ctx.new_id(), at=action.at, venue=action.venue,
                                  participants=action.participants, safety_plan=action.safety_plan)]


def reschedule_conference(action: c.RescheduleConference, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    _scheduled(state, action.conference_id)
    ensure_joint_work_ready(state, "a conference", written=True)
    if action.at <= ctx.now:
        raise DateOutOfRange("must be in the future", field="at")
    return [e.ConferenceRescheduled(case_id=state.case_id, subject_id=state.subject("victim"),
                                    conference_id=action.conference_id, at=action.at, venue=action.venue)]


def cancel_conference(action: c.CancelConference, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    _scheduled(state, action.conference_id)
    return [e.ConferenceCancelled(case_id=state.case_id, conference_id=action.conference_id, reason=action.reason)]


def hold_conference(action: c.HoldConference, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    """Held only if, at this moment, everything a conference needs still stands."""
    _scheduled(state, action.conference_id)
    ensure_joint_work_ready(state, "a conference", written=True)
    ensure_not_after(action.held_at.date(), ctx.now.date(), "held_at")
    return [e.ConferenceHeld(case_id=state.case_id, conference_id=action.conference_id, held_at=action.held_at)]


def _letter(state: CaseState, letter_id):
    if letter_id not in state.letters:
        raise UnknownItem("no letter with that id on this case", field="letter_id")
    return state.letters[letter_id]


def _scheduled(state: CaseState, conference_id) -> None:
    status = state.conferences.get(conference_id)
    if status is None:
        raise UnknownItem("no conference with that id on this case", field="conference_id")
    if status != "scheduled":
        raise AlreadySettled(f"the conference was {status}", field="conference_id")
