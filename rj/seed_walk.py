"""One invented case walked through casework's API, each action dated (``X-RJ-Demo-Time``) a
realistic number of working days after the one before. A case whose story would run past today
stops where today is: it is still being worked, as the latest referrals of a real service are."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from typing import Any, Protocol

from rj.seed_story import Plan, monitoring
from shared.workingdays import LONDON, add_working_days

SUPERVISOR, FACILITATOR = "demo.supervisor", "demo.facilitator"
CLOSING = {"no_contact": "no_contact", "victim_declined": "victim_withdrew_or_declined",
           "not_traced": "offender_not_traced", "offender_declined": "offender_declined_or_withdrew",
           "unsuitable": "unsuitable_on_risk", "consent_withdrawn": "victim_withdrew_or_declined",
           "shuttle": "completed_indirect", "letters": "completed_indirect", "conference": "completed_direct"}


class CaseApi(Protocol):
    async def look(self, case_id: str, who: str, at: datetime) -> tuple[dict, str]: ...

    async def act(self, case_id: str, action: str, body: dict, who: str, at: datetime, etag: str) -> dict: ...


class CaughtUp(Exception):
    """The story reached today: the rest has not happened yet."""


class NotOffered(Exception):
    """The case does not offer the action now (the API's own list of actions says so)."""


class Walk:
    """A case's clock and the actions taken on it."""

    def __init__(self, api: CaseApi, case_id: str, at: datetime, rng: random.Random, until: datetime):
        self.api, self.case_id, self.at, self.rng, self.until = api, case_id, at, rng, until
        self.actions = 0

    def later(self, low: int, high: int) -> datetime:
        """``low``..``high`` working days on (0: later the same day), in office hours; CaughtUp past today."""
        days = self.rng.randint(low, high)
        if days == 0:
            moment = self.at + timedelta(minutes=self.rng.randint(5, 90))
        else:
            day = add_working_days(self.at, days).astimezone(LONDON).date()
            moment = datetime.combine(day, time(self.rng.randint(9, 16), self.rng.randint(0, 59)), LONDON)
        if moment >= self.until:
            raise CaughtUp
        self.at = moment.astimezone(UTC)
        return self.at

    async def do(self, action: str, body: dict | None = None, who: str = FACILITATOR,
                 days: tuple[int, int] = (0, 2)) -> dict:
        """Take ``action`` after ``days`` working days, if the case offers it to ``who`` then."""
        self.later(*days)
        detail, etag = await self.api.look(self.case_id, who, self.at)
        if not any(offered["path"].endswith(f"/{action}") for offered in detail["actions"]):
            raise NotOffered(f"{action} is not offered on case {detail['case']['reference']}"
                             f" ({detail['case']['status']})")
        answer = await self.api.act(self.case_id, action, body or {}, who, self.at, etag)
        self.actions += 1
        return answer

    async def look(self) -> dict:
        return (await self.api.look(self.case_id, FACILITATOR, self.at))[0]

    def made(self, answer: dict, kind: str) -> str:
        return next(r["ids"][kind] for r in answer["recorded"] if kind in r["ids"])


async def walk(w: Walk, plan: Plan) -> str:
    """Walk the case through its story; returns how far it got (the closure reason, or its status)."""
    story, chance = plan.story, w.rng.random
    await w.do("triage-case", {"note": "Suitable for restorative work; referral complete."}, SUPERVISOR, (0, 1))
    await w.do("allocate-facilitator", {"facilitator": FACILITATOR}, SUPERVISOR, (0, 2))
    if story == "no_contact":
        for _ in range(3):
            await w.do("record-contact-attempt", {"party": "victim", "channel": "phone",
                                                  "outcome": w.rng.choice(["no_answer", "message_left"])}, days=(0, 4))
        return await close(w, story)
    if chance() < 0.3:
        await w.do("record-contact-attempt", {"party": "victim", "channel": "phone", "outcome": "no_answer"})
    await w.do("record-contact-attempt", {"party": "victim", "channel": "phone", "outcome": "reached"}, days=(0, 2))
    await w.do("give-rj-information", {"party": "victim"}, days=(0, 3))
    await monitored(w, "victim")
    if story == "victim_declined":
        await w.do("record-victim-declined", {"reason": w.rng.choice(["Not the right time.", "Wants to move on."])},
                   days=(2, 10))
        return await close(w, story)
    await w.do("confirm-victim-interest", {}, days=(1, 8))
    if story == "not_traced":
        if "offender" in plan.referral:  # named, but not at the address police or probation had
            await w.do("record-contact-attempt", {"party": "offender", "channel": "letter",
                                                  "outcome": "wrong_details"}, days=(3, 15))
        return await close(w, story, days=(5, 20))
    await w.do("record-offender-traced", {"through": w.rng.choice(["police", "probation", "prison"])}, days=(2, 15))
    await w.do("record-offender-approached", {}, days=(1, 10))
    await monitored(w, "offender")
    if story == "offender_declined":
        await w.do("record-offender-declined", {"reason": "Does not want to take part."}, days=(2, 10))
        return await close(w, story)
    await w.do("acknowledge-responsibility", {}, days=(0, 5))
    return await prepare_and_deliver(w, plan)


async def monitored(w: Walk, party: str) -> None:
    """Most people answer the equality monitoring questions when first met."""
    answers = monitoring(w.rng, party)
    if answers is not None:
        await w.do("record-equality-monitoring", answers, days=(0, 2))


async def prepare_and_deliver(w: Walk, plan: Plan) -> str:
    story = plan.story
    conference = story == "conference"
    consents = {}
    for party in ("victim", "offender"):
        form = "written" if conference or w.rng.random() < 0.6 else "verbal"
        given = await w.do("give-consent", {"party": party, "scope": "participation", "form": form}, days=(1, 6))
        consents[party] = w.made(given, "consent_id")
        level = "high" if story == "unsuitable" and party == "offender" else w.rng.choice(["low", "low", "medium"])
        review = (w.at + timedelta(days=w.rng.randint(30, 90))).date().isoformat()
        await w.do("complete-risk-assessment", {"party": party, "level": level, "review_date": review,
                                                "factors": "Assessed at a home visit."}, days=(1, 6))
    if story == "unsuitable":
        await w.do("decide-suitability", {"suitable": False, "reason": "The risk to the victim is too high."},
                   days=(1, 5))
        return await close(w, story)
    await w.do("decide-suitability", {"suitable": True}, days=(0, 3))
    if (await w.look())["case"]["sensitive"]:
        await w.do("request-sign-off", {"note": "Risk plan and preparation complete."}, days=(0, 2))
        await w.do("grant-sign-off", {}, SUPERVISOR, days=(1, 4))
    for party in ("victim", "offender"):
        held = await _on_day(w, (2, 10))
        await w.do("hold-preparation-meeting", {"party": party, "held_on": held}, days=(0, 0))
    process = story if story in ("shuttle", "letters", "conference") else w.rng.choice(["shuttle", "letters"])
    await w.do("choose-process", {"process": process}, days=(0, 3))
    if story == "consent_withdrawn":
        await w.do("withdraw-consent", {"consent_id": consents["victim"], "reason": "Changed their mind."},
                   days=(2, 15))
        return await close(w, story)
    await (conference_held(w) if conference else indirect(w, process))
    if w.rng.random() < (0.6 if conference else 0.3):
        await reparation(w)
    await follow_up(w)
    return await close(w, story)


async def _on_day(w: Walk, days: tuple[int, int]) -> str:
    w.later(*days)
    return w.at.astimezone(LONDON).date().isoformat()


async def conference_held(w: Walk) -> None:
    when = datetime.combine(add_working_days(w.at, w.rng.randint(5, 15)).date(), time(14), LONDON)
    scheduled = await w.do("schedule-conference", {
        "at": when.isoformat(), "venue": "Demo Community Centre, Room 2",
        "participants": ["victim", "offender", FACILITATOR],
        "safety_plan": "Separate arrival times and waiting rooms."}, days=(0, 2))
    conference_id = w.made(scheduled, "conference_id")
    if when >= w.until:
        raise CaughtUp
    w.at = (when + timedelta(hours=3)).astimezone(UTC)
    await w.do("hold-conference", {"conference_id": conference_id, "held_at": when.isoformat()}, days=(0, 0))


async def indirect(w: Walk, process: str) -> None:
    if process == "shuttle":
        for turn in range(w.rng.randint(2, 4)):
            direction = "victim_to_offender" if turn % 2 == 0 else "offender_to_victim"
            await w.do("deliver-shuttle-message", {"direction": direction, "medium": "spoken",
                                                   "summary": "Questions and answers about that night."}, days=(3, 10))
        return
    for writer in ("offender", "victim")[: w.rng.randint(1, 2)]:
        letter = await w.do("receive-letter", {"from_party": writer, "content": "Dear Demo, I am writing to say..."},
                            days=(5, 15))
        letter_id = w.made(letter, "letter_id")
        await w.do("vet-letter", {"letter_id": letter_id, "content": "Dear Demo, I am writing to say..."},
                   days=(1, 4))
        await w.do("deliver-letter", {"letter_id": letter_id}, days=(1, 3))


async def reparation(w: Walk) -> None:
    items = [{"kind": "apology", "description": "A written apology",
              "due": (w.at + timedelta(days=w.rng.randint(14, 30))).date().isoformat()}]
    if w.rng.random() < 0.5:
        items.append({"kind": "indirect_reparation", "description": "Volunteering at a community garden",
                      "due": (w.at + timedelta(days=w.rng.randint(30, 75))).date().isoformat()})
    await w.do("agree-reparation", {"items": items}, days=(0, 1))
    for item in (await w.look())["work"]["reparation_items"]:
        kept = w.rng.random() < 0.82
        on = await _on_day(w, (8, 30))
        await w.do("complete-reparation-item" if kept else "miss-reparation-item",
                   {"item_id": str(item["item_id"]), "on": on}, days=(0, 0))


async def follow_up(w: Walk) -> None:
    """Mostly satisfied (the commissioners' benchmark is 85%), sometimes also the offender's view."""
    for party in ("victim", "offender") if w.rng.random() < 0.4 else ("victim",):
        good = w.rng.random() < 0.88
        answers: dict[str, Any] = {"satisfied": good, "would_recommend": good or w.rng.random() < 0.3,
                                   "better_able_to_cope": good and w.rng.random() < 0.85,
                                   "feels_safer": w.rng.random() < (0.75 if good else 0.3)}
        await w.do("complete-follow-up", {"party": party, **answers}, days=(10, 40))


async def close(w: Walk, story: str, days: tuple[int, int] = (1, 8)) -> str:
    reason = CLOSING[story]
    await w.do("close-case", {"reason": reason}, SUPERVISOR if w.rng.random() < 0.3 else FACILITATOR, days=days)
    return reason
