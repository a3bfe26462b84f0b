"""When each action may be taken: the stage it belongs to, whether it waits while the case is on
hold, whose it is; and the joint-work rule every direct or indirect exchange must pass."""

from __future__ import annotations

from collections.abc import Callable

from services.casework.domain import commands as c
from services.casework.domain.errors import CaseNotFound, JointWorkNotReady, NotNow, NotPermitted
from services.casework.domain.people import Person
from services.casework.domain.state import STAGES, WORKING, CaseState, Stage

ALLOCATED: tuple[Stage, ...] = STAGES[2:-1]
"""From contacting to follow-up: the stages of a case someone works."""
PREPARING_ON: tuple[Stage, ...] = ("assessing", "preparing", "delivering")
DELIVERING: tuple[Stage, ...] = ("preparing", "delivering", "monitoring")

WHEN: dict[type, tuple[Stage, ...]] = {
    c.TriageCase: ("referred",),
    c.AllocateFacilitator: ("referred", "triaged"),
    c.ConfirmVictimInterest: ("contacting", "assessing"),
    c.RecordVictimDeclined: ("contacting", "assessing", "preparing"),
    c.RecordOffenderTraced: ("contacting", "assessing", "preparing"),
    c.RecordOffenderApproached: ("contacting", "assessing", "preparing"),
    c.AcknowledgeResponsibility: ("contacting", "assessing", "preparing"),
    c.RecordOffenderDeclined: ("contacting", "assessing", "preparing"),
    c.DecideSuitability: ("assessing", "preparing"),
    c.HoldPreparationMeeting: PREPARING_ON,
    c.AddSupporter: PREPARING_ON,
    c.ChooseProcess: PREPARING_ON,
    c.DeliverShuttleMessage: DELIVERING,
    c.ReceiveLetter: DELIVERING,
    c.VetLetter: DELIVERING,
    c.DeliverLetter: DELIVERING,
    c.ScheduleConference: ("preparing", "delivering"),
    c.RescheduleConference: ("preparing", "delivering"),
    c.CancelConference: ("preparing", "delivering"),
    c.HoldConference: ("preparing", "delivering"),
    c.AgreeReparation: ("delivering",),
    c.CompleteReparationItem: ("monitoring",),
    c.MissReparationItem: ("monitoring",),
    c.CompleteFollowUp: ("delivering", "monitoring", "follow_up"),
    c.ReopenCase: ("closed",),
}
"""The stages an action belongs to; any other action belongs to every open stage it needs."""
NEEDS_ALLOCATION = {c.RecordContactAttempt, c.GiveRJInformation, c.CompleteRiskAssessment,
                    c.ReviewRiskAssessment, c.GiveConsent, c.SubmitCourtReport, c.SignpostToSupport,
                    c.RecordEqualityMonitoring}
WHILE_ON_HOLD = {c.Resume, c.CloseCase, c.WithdrawConsent, c.RaiseSafeguardingConcern, c.FlagSensitive,
                 c.ReassignFacilitator, c.RequestSignOff, c.GrantSignOff, c.RefuseSignOff, c.SignpostToSupport,
                 c.CancelConference}
"""What may still happen while the case is paused: safety first, and the way out of the pause."""
ACTING_ROLES = ("facilitator", "supervisor", "system")
SUPERVISORS_ONLY = {c.TriageCase, c.GrantSignOff, c.RefuseSignOff, c.AllocateFacilitator, c.ReassignFacilitator,
                    c.MergeDuplicate, c.KeepApart, c.ReopenCase}

OFFERED_WHEN: dict[type, Callable[[CaseState], bool]] = {
    c.RequestSignOff: lambda s: s.sensitive and s.sign_off in ("none", "refused"),
    c.GrantSignOff: lambda s: s.sign_off == "requested",
    c.RefuseSignOff: lambda s: s.sign_off == "requested",
    c.ReassignFacilitator: lambda s: s.lead is not None,
    c.ReviewRiskAssessment: lambda s: bool(s.assessments),
    c.WithdrawConsent: lambda s: bool(s.consents),
    c.VetLetter: lambda s: any(letter.status == "received" for letter in s.letters.values()),
    c.DeliverLetter: lambda s: any(letter.status == "vetted" for letter in s.letters.values()),
    c.RescheduleConference: lambda s: "scheduled" in s.conferences.values(),
    c.CancelConference: lambda s: "scheduled" in s.conferences.values(),
    c.HoldConference: lambda s: "scheduled" in s.conferences.values(),
    c.CompleteReparationItem: lambda s: bool(s.pending_items()),
    c.MissReparationItem: lambda s: bool(s.pending_items()),
    c.MergeDuplicate: lambda s: s.possible_duplicate_of is not None,
    c.KeepApart: lambda s: s.possible_duplicate_of is not None,
    c.PutOnHold: lambda s: not s.on_hold,
    c.Resume: lambda s: s.on_hold,
    c.FlagSensitive: lambda s: not s.sensitive,
}
"""Further conditions for offering an action in the UI (its decide function names the rule)."""


def stages_for(action: type) -> tuple[Stage, ...]:
    if action in WHEN:
        return WHEN[action]
    return ALLOCATED if action in NEEDS_ALLOCATION else WORKING


def ensure_allowed(action: type, state: CaseState, by: Person) -> None:
    """The case exists, the action belongs to its stage and side state, and it is this person's."""
    if not state.opened:
        raise CaseNotFound("no such case")
    name = action.__name__
    if by.role not in ACTING_ROLES:
        raise NotPermitted(f"{by.role}s read cases; only facilitators and supervisors act on them")
    if action in SUPERVISORS_ONLY and not by.supervises:
        raise NotPermitted(f"{_words(name)} is a supervisor's decision")
    if by.role == "facilitator" and not state.works_on(by.username):
        raise CaseNotFound("no such case")  # a case not allocated to them does not exist for them: not its stage either
    if state.stage not in stages_for(action):
        raise NotNow(f"{_words(name)} is not possible while the case is {state.status.replace('_', ' ')}")
    if state.on_hold and action not in WHILE_ON_HOLD:
        raise NotNow(f"the case is on hold; resume it before: {_words(name)}")


def available(state: CaseState, by: Person) -> list[type]:
    """The actions this person may take on the case now, for the UI to offer."""
    offered = []
    for action in ALL_ACTIONS:
        try:
            ensure_allowed(action, state, by)
        except (NotNow, NotPermitted, CaseNotFound):
            continue
        if action in (c.GrantSignOff, c.RefuseSignOff) and state.works_on(by.username):
            continue  # their own case: another supervisor signs it off
        if OFFERED_WHEN.get(action, lambda _: True)(state):
            offered.append(action)
    return offered


def ensure_joint_work_ready(state: CaseState, what: str, *, written: bool = False) -> None:
    """Nothing joint happens unless both parties' consent to take part stands (written, for a
    conference), each has a risk assessment, and a sensitive case is signed off and led by an
    advanced-level facilitator. Every missing condition is named."""
    missing = []
    for party in ("victim", "offender"):
        if not state.consent_stands(party, written=written):
            missing.append(f"the {party}'s {'written ' if written else ''}consent to take part")
        if not state.assessed(party):
            missing.append(f"a risk assessment of the {party}")
    if state.unsuitable:
        missing.append("a decision that the case is suitable (the latest found it unsuitable)")
    if state.sensitive and state.sign_off != "granted":
        missing.append("a supervisor's sign-off, as the case is sensitive")
    if state.sensitive and (state.lead is None or state.lead.level != "advanced"):
        missing.append("an advanced-level lead facilitator, as the case is sensitive")
    if missing:
        raise JointWorkNotReady(f"{what} needs " + "; ".join(missing))


def _words(name: str) -> str:
    """``ScheduleConference`` → ``schedule conference``."""
    words = "".join(f" {ch.lower()}" if ch.isupper() else ch for ch in name).strip()
    return words.replace("r j ", "RJ ")


ALL_ACTIONS: tuple[type, ...] = tuple(
    cls for cls in vars(c).values() if isinstance(cls, type) and issubclass(cls, c.Action)
    and cls not in (c.Action, c.ReparationItemIn)
)


def ensure_may_see(state: CaseState, by: Person) -> None:
    """Supervisors see every case; a facilitator only the cases they work (any other does not
    exist for them); other roles read aggregates and audited histories elsewhere, not cases here."""
    if not state.opened:
        raise CaseNotFound("no such case")
    if by.supervises or by.role == "system":
        return
    if by.role != "facilitator":
        raise NotPermitted(f"{by.role}s do not open cases in casework")
    if not state.works_on(by.username):
        raise CaseNotFound("no such case")
