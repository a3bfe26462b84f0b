"""The case aggregate driven through random sequences of every action there is, by random people
(the supervisors, the facilitators, one who is not on the case, an auditor), each decided on the
folded state: what is refused records nothing, what is decided is folded in, and after every step
the rules of DOMAIN.md are checked against what the case now holds and what was just decided."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from datetime import date, datetime, timedelta
from uuid import UUID

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from services.casework.domain import commands as c
from services.casework.domain.decide import DECISIONS, decide
from services.casework.domain.errors import CaseNotFound, CaseRuleBroken, NotPermitted
from services.casework.domain.evolve import CASE, evolve
from services.casework.domain.people import Context, Person
from services.casework.domain.rules import ALL_ACTIONS, SUPERVISORS_ONLY, available, ensure_allowed, stages_for
from services.casework.domain.state import STAGES, CaseState
from services.casework.domain.vetting import found_details
from shared.commands import RuleBroken
from shared.contracts import casework as e
from tests.unit.casework import examples as x

OUTSIDER = Person("otto.outsider", "facilitator", "intermediate")
"""A facilitator the handler does not know as staff: never on the case, whatever happens."""
PEOPLE = (x.ADVANCED, x.ADVANCED, x.SUPERVISOR, x.OTHER_SUPERVISOR, x.FOUNDATION, x.AUDITOR, OUTSIDER)
NAMES = (x.ADVANCED.username, x.SUPERVISOR.username, x.OTHER_SUPERVISOR.username, x.FOUNDATION.username,
         x.AUDITOR.username, OUTSIDER.username, "nobody.known")
DETAILS = (x.VICTIM_ADDRESS, x.VICTIM_EMAIL, x.VICTIM_PHONE, x.VICTIM_POSTCODE)
UNKNOWN = UUID(int=999_999)
EARLIER_CASE = UUID(int=888_888)
JOINT = (e.ConferenceScheduled, e.ConferenceRescheduled, e.ConferenceHeld, e.LetterDelivered,
         e.ShuttleMessageDelivered)
"""What reaches, or arranges to reach, the other party."""

# -- what the random actions are made of ---------------------------------------------------------
SAFE = ("Dear Sam,", "I am sorry for what I did.", "It changed how I feel at home.", "Thank you for listening.",
        "I would like to meet.", "Room 4, the town library")
LEAKS = (*DETAILS, "12 acacia avenue", "ALEX.MORGAN@EXAMPLE.ORG", "07700 900 123", "+44 7700 900123", "hp201aa",
         "HP20  1AA", "aylesbury")
CROSSING = st.tuples(
    st.sampled_from(SAFE),
    st.lists(st.one_of(st.sampled_from(SAFE), st.sampled_from(LEAKS), st.text(max_size=12)), max_size=4),
).map(lambda parts: " ".join([parts[0], *parts[1]]))
"""Text meant for the other side: sometimes harmless, sometimes carrying the victim's details."""
WORDS = st.sampled_from(("changed mind", "victim in hospital", "risk plan thin", "duplicate of another case"))
NOTE = st.none() | WORDS
PARTY = st.sampled_from(("victim", "offender"))
PARTICIPANT = st.sampled_from(("victim", "offender", "supporter"))
REASONS = st.lists(st.sampled_from(("domestic_abuse", "sexual_offence", "hate_crime", "stalking", "trafficking",
                                    "child_exploitation", "homicide", "child_victim", "child_offender")),
                   min_size=1, max_size=3).map(tuple)
CLOSURE = st.sampled_from(("completed_direct", "completed_indirect", "victim_withdrew_or_declined",
                           "offender_declined_or_withdrew", "unsuitable_on_risk", "offender_not_traced",
                           "no_contact", "offender_deceased_or_deported", "referred_elsewhere", "duplicate"))
LEVEL = st.sampled_from(("low", "medium", "high"))
OPTIONAL_BOOL = st.none() | st.booleans()


def days(now: datetime, lo: int, hi: int) -> st.SearchStrategy[date]:
    return st.integers(lo, hi).map(lambda n: now.date() + timedelta(days=n))


def moments(now: datetime, lo: int, hi: int) -> st.SearchStrategy[datetime]:
    return st.integers(lo, hi).map(lambda n: now + timedelta(hours=n))


def ids_in(state: CaseState, *mappings) -> st.SearchStrategy[UUID]:
    """Mostly an id of the right kind the case holds; sometimes one of another kind, or unknown."""
    right = [key for mapping in mappings for key in mapping]
    anything = [*state.consents, *state.assessments, *state.letters, *state.conferences, *state.reparation,
                x.CASE_ID, UNKNOWN]
    return (st.sampled_from(right) | st.sampled_from(anything)) if right else st.sampled_from(anything)


def strategy(kind: type, s: CaseState, now: datetime) -> st.SearchStrategy[c.Action]:
    """A plausible (not always valid) ``kind`` of action on the case as it stands (made once per
    kind, ids on the case and day: building strategies is most of what a step costs)."""
    day = now.replace(hour=x.NOW.hour, minute=x.NOW.minute, second=0, microsecond=0)
    key = (kind, day, *(tuple(ids) for ids in (s.consents, s.assessments, s.letters, s.conferences, s.reparation)))
    if key not in _MADE:
        _MADE[key] = STRATEGIES[kind](s, day)
    return _MADE[key]


_MADE: dict[tuple, st.SearchStrategy[c.Action]] = {}


def fixed(action: st.SearchStrategy[c.Action]) -> Callable[[CaseState, datetime], st.SearchStrategy[c.Action]]:
    return lambda s, now: action


STAFF_NAMES = st.sampled_from(NAMES[:4]) | st.sampled_from(NAMES)
"""Mostly someone who practises; now and then an auditor, someone unknown, someone not staff."""
VENUES = st.sampled_from((SAFE[-1], x.VICTIM_ADDRESS))
STRATEGIES: dict[type, Callable[[CaseState, datetime], st.SearchStrategy[c.Action]]] = {
    c.TriageCase: fixed(st.builds(c.TriageCase, note=NOTE)),
    c.FlagSensitive: fixed(st.builds(c.FlagSensitive, reasons=REASONS)),
    c.RequestSignOff: fixed(st.builds(c.RequestSignOff, note=NOTE)),
    c.GrantSignOff: fixed(st.just(c.GrantSignOff())),
    c.RefuseSignOff: fixed(st.builds(c.RefuseSignOff, reason=WORDS)),
    c.AllocateFacilitator: fixed(st.builds(c.AllocateFacilitator, facilitator=STAFF_NAMES,
                                           co_facilitator=st.none() | STAFF_NAMES)),
    c.ReassignFacilitator: fixed(st.builds(c.ReassignFacilitator, facilitator=STAFF_NAMES,
                                           co_facilitator=st.none() | STAFF_NAMES, reason=WORDS)),
    c.RecordContactAttempt: fixed(st.builds(
        c.RecordContactAttempt, party=PARTY, channel=st.sampled_from(("phone", "sms", "email", "letter")),
        outcome=st.sampled_from(("reached", "no_answer", "message_left", "wrong_details", "not_safe_to_talk")),
        note=NOTE)),
    c.GiveRJInformation: fixed(st.builds(c.GiveRJInformation, party=PARTY)),
    c.ConfirmVictimInterest: fixed(st.just(c.ConfirmVictimInterest())),
    c.RecordVictimDeclined: fixed(st.builds(c.RecordVictimDeclined, reason=NOTE)),
    c.RecordOffenderTraced: fixed(st.builds(c.RecordOffenderTraced,
                                            through=st.sampled_from(("police", "probation", "prison")))),
    c.RecordOffenderApproached: fixed(st.just(c.RecordOffenderApproached())),
    c.AcknowledgeResponsibility: fixed(st.just(c.AcknowledgeResponsibility())),
    c.RecordOffenderDeclined: fixed(st.builds(c.RecordOffenderDeclined, reason=NOTE)),
    c.CompleteRiskAssessment: lambda s, now: st.builds(
        c.CompleteRiskAssessment, party=PARTICIPANT, level=LEVEL, factors=NOTE, review_date=days(now, -1, 60)),
    c.ReviewRiskAssessment: lambda s, now: st.builds(
        c.ReviewRiskAssessment, assessment_id=ids_in(s, s.assessments), level=LEVEL, factors=NOTE,
        review_date=days(now, -1, 60)),
    c.DecideSuitability: fixed(st.builds(c.DecideSuitability, suitable=st.booleans(), reason=NOTE)),
    c.GiveConsent: fixed(st.builds(
        c.GiveConsent, party=PARTICIPANT, scope=st.just("participation"), form=st.sampled_from(("written", "verbal")))
        | st.builds(c.GiveConsent, party=PARTICIPANT,
                    scope=st.sampled_from(("participation", "information_sharing", "court_report")),
                    agency=st.none() | st.just("Victim Support"), form=st.sampled_from(("written", "verbal")))),
    c.WithdrawConsent: lambda s, now: st.builds(c.WithdrawConsent, consent_id=ids_in(s, s.consents), reason=NOTE),
    c.HoldPreparationMeeting: lambda s, now: st.builds(c.HoldPreparationMeeting, party=PARTICIPANT,
                                                       held_on=days(now, -3, 2)),
    c.AddSupporter: fixed(st.builds(c.AddSupporter, name=st.sampled_from(("Jo Bloggs", "Pat Lee")),
                                    relationship=st.none() | st.just("sister"), supports=PARTY)),
    c.ChooseProcess: fixed(st.builds(
        c.ChooseProcess, process=st.sampled_from(("shuttle", "letters", "recorded_message", "conference")))),
    c.DeliverShuttleMessage: fixed(st.builds(
        c.DeliverShuttleMessage, direction=st.sampled_from(("victim_to_offender", "offender_to_victim")),
        medium=st.sampled_from(("spoken", "written", "recorded")), summary=CROSSING)),
    c.ReceiveLetter: fixed(st.builds(c.ReceiveLetter, from_party=PARTY, content=CROSSING)),
    c.VetLetter: lambda s, now: st.builds(c.VetLetter, letter_id=ids_in(s, s.letters), content=CROSSING),
    c.DeliverLetter: lambda s, now: st.builds(c.DeliverLetter, letter_id=ids_in(s, s.letters)),
    c.ScheduleConference: lambda s, now: st.builds(
        c.ScheduleConference, at=moments(now, -24, 24 * 21), venue=VENUES,
        participants=st.just(("victim", "offender")), safety_plan=NOTE),
    c.RescheduleConference: lambda s, now: st.builds(
        c.RescheduleConference, conference_id=ids_in(s, s.conferences), at=moments(now, -24, 24 * 21),
        venue=st.none() | VENUES),
    c.CancelConference: lambda s, now: st.builds(c.CancelConference, conference_id=ids_in(s, s.conferences),
                                                 reason=WORDS),
    c.HoldConference: lambda s, now: st.builds(c.HoldConference, conference_id=ids_in(s, s.conferences),
                                               held_at=moments(now, -72, 24)),
    c.AgreeReparation: lambda s, now: st.builds(c.AgreeReparation, items=st.lists(st.builds(
        c.ReparationItemIn, kind=st.sampled_from(("apology", "direct_reparation", "undertaking")),
        description=st.sampled_from(("A written apology", "Repaint the fence")), due=days(now, -1, 30)),
        min_size=1, max_size=3).map(tuple)),
    c.CompleteReparationItem: lambda s, now: st.builds(c.CompleteReparationItem, item_id=ids_in(s, s.reparation),
                                                       on=days(now, -2, 2)),
    c.MissReparationItem: lambda s, now: st.builds(c.MissReparationItem, item_id=ids_in(s, s.reparation),
                                                   on=days(now, -2, 2)),
    c.SubmitCourtReport: lambda s, now: st.builds(c.SubmitCourtReport, court=st.just("Aylesbury Crown Court"),
                                                  submitted_on=days(now, -2, 2)),
    c.CompleteFollowUp: fixed(st.builds(c.CompleteFollowUp, party=PARTY, satisfied=OPTIONAL_BOOL,
                                        would_recommend=OPTIONAL_BOOL, better_able_to_cope=OPTIONAL_BOOL,
                                        feels_safer=OPTIONAL_BOOL)),
    c.RecordEqualityMonitoring: fixed(st.builds(c.RecordEqualityMonitoring, party=PARTY)),
    c.RaiseSafeguardingConcern: fixed(st.builds(c.RaiseSafeguardingConcern, party=PARTICIPANT, concern=WORDS)),
    c.SignpostToSupport: fixed(st.builds(c.SignpostToSupport, party=PARTICIPANT, service=st.just("Victim Support"))),
    c.PutOnHold: fixed(st.builds(c.PutOnHold, reason=WORDS)),
    c.Resume: fixed(st.just(c.Resume())),
    c.CloseCase: fixed(st.builds(c.CloseCase, reason=CLOSURE, note=NOTE)),
    c.ReopenCase: fixed(st.builds(c.ReopenCase, reason=WORDS)),
    c.MergeDuplicate: fixed(st.just(c.MergeDuplicate())),
    c.KeepApart: fixed(st.just(c.KeepApart())),
}


KINDS = tuple(DECISIONS)
HOW = ("offered", "offered", "offered", "offered", "joint", "joint", "joint", "anything")
"""Hypothesis favours the first of a choice: what the UI offers, then the exchanges, then anything."""
STEP = st.tuples(st.integers(0, 36), st.sampled_from(PEOPLE), st.integers(0, 5), st.sampled_from(HOW))
one_of = functools.cache(st.sampled_from)
STARTS = ("opened", "allocated", "consented", "ready", "letters", "scheduled", "agreed")
AROUND_JOINT_WORK = (c.GiveConsent, c.WithdrawConsent, c.CompleteRiskAssessment, c.FlagSensitive, c.RequestSignOff,
                     c.GrantSignOff, c.ReassignFacilitator, c.DeliverShuttleMessage, c.ReceiveLetter, c.VetLetter,
                     c.DeliverLetter, c.ScheduleConference, c.RescheduleConference, c.CancelConference,
                     c.HoldConference)


def test_every_action_is_decided_offered_and_driven_by_the_state_machine():
    empty = CaseState()
    assert set(KINDS) == set(ALL_ACTIONS) == set(STRATEGIES)
    assert all(strategy(kind, empty, x.NOW) is not None for kind in KINDS)


# -- the oracles ---------------------------------------------------------------------------------
def ready_for_joint_work(s: CaseState, *, written: bool) -> bool:
    """DOMAIN "Rules", restated apart from ``rules.ensure_joint_work_ready``."""
    for party in ("victim", "offender"):
        if not any(k.party == party and k.scope == "participation" and (k.form == "written" or not written)
                   for k in s.consents.values()):
            return False
        if party not in s.assessments.values():
            return False
    if s.unsuitable:
        return False
    return not s.sensitive or (s.sign_off == "granted" and s.lead is not None and s.lead.level == "advanced")


def carries_victims_details(text: str) -> bool:
    folded = " ".join(text.casefold().split())
    return bool(found_details(text, DETAILS)) or any(" ".join(d.casefold().split()) in folded for d in DETAILS)


def participation_stands(s: CaseState, party: str) -> bool:
    return any(k.party == party and k.scope == "participation" for k in s.consents.values())


PROBE_MESSAGE = c.DeliverShuttleMessage(direction="offender_to_victim", medium="written", summary="I am sorry.")
LETTER_MOVES = {"received": {"vetted", "held"}, "vetted": {"delivered", "held"}, "delivered": set(), "held": set()}
CONFERENCE_MOVES = {"scheduled": {"scheduled", "cancelled", "held"}, "cancelled": set(), "held": set()}


class CaseMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.history: list[e.CaseEvent] = []
        self.state = CaseState()
        self.now = x.NOW
        self.counter = itertools.count(10_000)
        self.vetted: dict[UUID, str] = {}
        self.offers: dict[Person, list[type]] = {}
        self.person = x.SUPERVISOR
        self.left_out: set[type] = set()
        self.started = ""
        self.probed = -2

    def offered(self, person: Person) -> list[type]:
        """``rules.available`` on the case as it stands (asked once per person and state)."""
        if person not in self.offers:
            self.offers[person] = available(self.state, person)
        return self.offers[person]

    def new_id(self) -> UUID:
        return UUID(int=next(self.counter))

    @initialize(start=st.sampled_from(STARTS), sensitive=st.booleans(), duplicate=st.booleans(),
                form=st.sampled_from(("written", "verbal")), court_consent=st.booleans(),
                lead=st.sampled_from((x.FOUNDATION, x.ADVANCED, x.SUPERVISOR)),
                late_flag=st.sampled_from(("granted", None, "requested", "flagged")),
                left_out=st.sets(st.sampled_from(KINDS), max_size=len(KINDS) // 2))
    def start(self, start, sensitive, duplicate, form, lead, court_consent, late_flag, left_out):
        """From a case just opened, or further along, so that random steps reach every stage; with
        some actions left out of what is offered, so that each run tries a different mix."""
        self.left_out, self.started = left_out, start
        if sensitive and lead.level != "advanced":
            lead = x.ADVANCED
        head = x.opened(sensitive, EARLIER_CASE if duplicate else None)
        skip = len(x.opened(sensitive))
        ready = x.ready_for_joint_work(lead, sensitive, form)[skip:]
        tail = {
            "opened": [],
            "allocated": x.allocated(lead, sensitive)[skip:],
            "consented": [ev for ev in x.ready_for_joint_work(lead, sensitive)[skip:]
                          if not isinstance(ev, e.RiskAssessmentCompleted)],
            "ready": ready,
            "letters": ready,
            "scheduled": x.scheduled(lead=lead, sensitive=sensitive)[skip:],
            "agreed": [*x.scheduled(lead=lead, sensitive=sensitive)[skip:],
                       e.ConferenceHeld(case_id=x.CASE_ID, conference_id=x.CONFERENCE, held_at=x.NOW)],
        }[start]
        self.record([*head, *tail])
        then: list[tuple[c.Action, Person]] = []
        if court_consent and start != "opened":
            then += [(c.GiveConsent(party=party, scope="court_report", form="written"), lead)
                     for party in ("victim", "offender")]
        if start == "agreed":
            item = c.ReparationItemIn(kind="apology", description="A written apology", due=x.TODAY + timedelta(7))
            then.append((c.AgreeReparation(items=(item, item)), lead))
        if start == "letters":  # two letters from the victim giving her address; one from the offender
            then += [(c.ReceiveLetter(from_party=party, content=f"Dear Sam, I live at {x.VICTIM_ADDRESS}"), lead)
                     for party in ("victim", "victim", "offender")]
        if late_flag and not sensitive and start != "opened":  # the lead may be below advanced level
            then.append((c.FlagSensitive(reasons=("hate_crime",)), x.OTHER_SUPERVISOR))
            then += [(c.RequestSignOff(), lead)] if late_flag in ("requested", "granted") else []
            then += [(c.GrantSignOff(), x.OTHER_SUPERVISOR)] if late_flag == "granted" else []
        for action, by in then:
            self.record(decide(action, self.state, self.context(by)))
        if start == "letters":  # the first of them vetted
            self.record(decide(c.VetLetter(letter_id=next(iter(self.state.letters)), content="Dear Sam, I am near."),
                               self.state, self.context(lead)))

    def context(self, person: Person) -> Context:
        return Context(by=person, now=self.now, staff=x.STAFF, new_id=self.new_id)

    @rule(data=st.data())
    def act(self, data):
        """Mostly an insider (a supervisor, or someone on the case) doing what the UI offers them or
        working at the exchanges between the parties; now and then anyone trying anything at all."""
        insiders = [p for p in PEOPLE if p.supervises or self.state.works_on(p.username)]
        hours, anyone, insider, how = data.draw(STEP, label="hours later, anyone, an insider, how")
        self.now += timedelta(hours=hours)
        person = self.person = anyone if how == "anything" else insiders[insider % len(insiders)]
        offered = [kind for kind in self.offered(person) if kind not in self.left_out]
        choices = {"offered": offered or AROUND_JOINT_WORK, "joint": AROUND_JOINT_WORK, "anything": KINDS}[how]
        kind = data.draw(one_of(tuple(choices)), label="kind")
        action = data.draw(strategy(kind, self.state, self.now), label="action")
        before, recorded = self.state, len(self.history)
        try:
            events = decide(action, before, self.context(person))
        except RuleBroken as refused:
            assert isinstance(refused, CaseRuleBroken), refused
            assert (self.state, len(self.history)) == (before, recorded), "a refusal recorded something"
            if person.role == "facilitator" and not before.works_on(person.username):
                assert isinstance(refused, CaseNotFound) or (
                    isinstance(refused, NotPermitted) and type(action) in SUPERVISORS_ONLY), \
                    f"a facilitator not on the case was told more than that it does not exist: {refused}"
            return
        self.check_decision(action, person, before, events)
        self.record(events)
        self.check_after(events)

    # -- what is decided ---------------------------------------------------------------------------
    def check_decision(self, action: c.Action, person: Person, before: CaseState, events: list) -> None:
        assert events, f"{type(action).__name__} decided nothing"
        assert not before.closed or isinstance(action, c.ReopenCase), f"{type(action).__name__} on a closed case"
        assert person.role in ("facilitator", "supervisor"), f"{person.role} acted"
        assert person.role != "facilitator" or before.works_on(person.username), "acted on a case not theirs"
        assert type(action) not in SUPERVISORS_ONLY or person.supervises
        if isinstance(action, c.GrantSignOff | c.RefuseSignOff):
            assert not before.works_on(person.username), "signed off a case they work"
        if before.on_hold:
            assert not any(isinstance(event, JOINT) for event in events), "joint work while on hold"

    def record(self, events: list) -> None:
        """Fold the decided events in, checking each step against the state just before it."""
        for event in events:
            assert event.case_id == x.CASE_ID
            if self.state.opened:
                self.check_event(self.state, event)
            after = evolve(self.state, event)
            if self.state.opened:
                self.check_step(self.state, event, after)
            self.history.append(event)
            self.state, self.offers = after, {}

    def check_event(self, s: CaseState, event) -> None:
        if isinstance(event, JOINT):
            written = isinstance(event, e.ConferenceScheduled | e.ConferenceRescheduled | e.ConferenceHeld)
            assert ready_for_joint_work(s, written=written), f"{type(event).__name__} without what joint work needs"
        match event:
            case e.ConferenceHeld() | e.ConferenceRescheduled():
                assert s.conferences.get(event.conference_id) == "scheduled"
            case e.LetterDelivered():
                letter = s.letters[event.letter_id]
                assert letter.status == "vetted", f"a {letter.status} letter delivered"
                assert event.to_party != letter.from_party
                if event.to_party == "offender":
                    assert not carries_victims_details(self.vetted[event.letter_id])
            case e.LetterVetted():
                assert s.letters[event.letter_id].status == "received"
                if s.letters[event.letter_id].from_party == "victim":
                    assert not carries_victims_details(event.content), "the victim's details vetted for the offender"
                self.vetted[event.letter_id] = event.content
            case e.ShuttleMessageDelivered(direction="victim_to_offender"):
                assert not carries_victims_details(event.summary), "the victim's details carried to the offender"
            case e.ReparationItemCompleted() | e.ReparationItemMissed():
                assert s.reparation.get(event.item_id) == "pending"
            case e.SignOffGranted() | e.SignOffRefused():
                assert s.sensitive and s.sign_off == "requested"
            case e.FacilitatorAllocated() | e.FacilitatorReassigned():
                assert x.STAFF[event.facilitator].practises
                assert not s.sensitive or event.level == "advanced", "a sensitive case to a non-advanced lead"
            case e.CaseReopened():
                assert s.closed and not s.merged
            case e.ConsentWithdrawn():
                assert event.consent_id in s.consents

    def check_step(self, before: CaseState, event, after: CaseState) -> None:
        assert after.version == before.version + 1
        if isinstance(event, e.CaseReopened):
            assert after.stage == before.stage_before_close
        else:
            assert STAGES.index(after.stage) >= STAGES.index(before.stage), f"{before.stage} -> {after.stage}"
        for item, status in after.reparation.items():
            was = before.reparation.get(item)
            assert status == was or (was, status) in {(None, "pending"), ("pending", "completed"),
                                                       ("pending", "missed")}, f"reparation {was} -> {status}"
        assert set(before.reparation) <= set(after.reparation)
        for letter_id, letter in after.letters.items():
            was = before.letters.get(letter_id)
            if was is None:
                assert letter.status == "received"
            else:
                assert letter == was or letter.status in LETTER_MOVES[was.status], f"{was.status} -> {letter.status}"
        for conference, status in after.conferences.items():
            was = before.conferences.get(conference)
            assert status == was or (was is None and status == "scheduled") or status in CONFERENCE_MOVES[was]

    def check_after(self, events: list) -> None:
        s = self.state
        for event in events:
            if isinstance(event, e.ConsentWithdrawn) and event.scope == "participation" and \
                    event.party in ("victim", "offender"):
                assert not participation_stands(s, event.party)
                assert "scheduled" not in s.conferences.values(), "a conference left scheduled after a withdrawal"
                assert not {letter.status for letter in s.letters.values()} & {"received", "vetted"}, \
                    "a letter left to deliver after a withdrawal"

    # -- what always holds ---------------------------------------------------------------------------
    @invariant()
    def the_version_counts_the_events(self):
        assert self.state.version == len(self.history) - 1  # zero-based, as a stream's version

    @invariant()
    def a_closed_case_shows_closed_has_nothing_scheduled_and_offers_only_reopening(self):
        if self.state.closed:
            assert self.state.status == "closed", f"a closed case shown as {self.state.status}"
            assert "scheduled" not in self.state.conferences.values(), "a conference left scheduled on a closed case"
            assert set(self.offered(self.person)) <= {c.ReopenCase}

    @invariant()
    def joint_work_goes_ahead_exactly_when_everything_it_needs_stands(self):
        """Probed at every step, not only when a random step happens to try it: a message, a
        conference and each vetted letter, asked of by a supervisor (decided, never recorded)."""
        s = self.state
        if s.version == self.probed:
            return  # a refusal changed nothing: probed already
        self.probed = s.version
        conference = c.ScheduleConference(at=self.now + timedelta(days=7), venue="Room 4, the town library",
                                          participants=("victim", "offender"))
        probes = [(PROBE_MESSAGE, False), (conference, True)]
        probes += [(c.DeliverLetter(letter_id=letter_id), False)
                   for letter_id, letter in s.letters.items() if letter.status == "vetted"]
        for probe, written in probes:
            try:
                decide(probe, s, Context(by=x.SUPERVISOR, now=self.now, staff=x.STAFF, new_id=x.ids()))
                went_ahead = True
            except RuleBroken:
                went_ahead = False
            ready = ready_for_joint_work(s, written=written)
            assert not went_ahead or ready, f"{type(probe).__name__} went ahead without what joint work needs"
            if went_ahead and isinstance(probe, c.DeliverLetter) and s.letters[probe.letter_id].from_party == "victim":
                assert not carries_victims_details(self.vetted[probe.letter_id]), "the victim's details delivered"
            if ready and s.stage in stages_for(type(probe)) and not s.on_hold:
                assert went_ahead, f"{type(probe).__name__} refused though everything it needs stands"

    @invariant()
    def no_supervisor_signs_off_a_case_they_work(self):
        if self.state.sign_off != "requested":
            return
        for supervisor in (x.SUPERVISOR, x.OTHER_SUPERVISOR):
            if self.state.works_on(supervisor.username):
                for probe in (c.GrantSignOff(), c.RefuseSignOff(reason="risk plan thin")):
                    try:
                        decide(probe, self.state, Context(by=supervisor, now=self.now, staff=x.STAFF, new_id=x.ids()))
                    except RuleBroken:
                        continue
                    raise AssertionError(f"{supervisor.username} signed off a case they work")

    @invariant()
    def only_what_is_allowed_is_offered(self):
        """For whoever acted last (a random person each step), and never anything to an auditor."""
        for kind in self.offered(self.person):
            ensure_allowed(kind, self.state, self.person)
        assert self.offered(x.AUDITOR) == []
        if self.person.role == "facilitator" and not self.state.works_on(self.person.username):
            assert self.offered(self.person) == []

    def teardown(self):
        assert CASE.fold(self.history) == self.state, "folding the history again gives another case"


CaseMachine.TestCase.settings = settings(
    max_examples=200, stateful_step_count=40, deadline=None, suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink])  # explaining takes minutes
TestCaseMachine = CaseMachine.TestCase
