"""What a case's forms offer to choose from (its letters, consents, risk assessments,
conferences, reparation items; the people it can be allocated to) and the letters' texts, with
the victim's identifying details marked for the facilitator who vets a letter."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from uuid import UUID

from markupsafe import Markup, escape

from services.casework.domain.state import CaseState, case_stream
from services.casework.domain.vetting import MIN_PART, describe, found_details
from services.casework.handlers import Dependencies
from services.casework.web.forms import Choices
from services.casework.web.i18n import gettext
from services.casework.web.labels import choice
from shared.contracts import casework as e
from shared.envelope import open_event
from shared.identity.accounts import Account


@dataclass
class Papers:
    """The texts and names behind a case's ids, from its events."""

    received: dict[UUID, str] = field(default_factory=dict)
    vetted: dict[UUID, str] = field(default_factory=dict)
    conferences: dict[UUID, str] = field(default_factory=dict)
    items: dict[UUID, str] = field(default_factory=dict)


async def papers_of(case_id: UUID, deps: Dependencies) -> Papers:
    """The case's letters, conferences and reparation items (opened: the page is for the people
    who work the case, and the read is recorded with the page's own)."""
    found = Papers()
    for recorded in await deps.store.read_stream(case_stream(case_id)):
        event = (await open_event(recorded, deps.keys)).event
        match event:
            case e.LetterReceived():
                found.received[event.letter_id] = str(event.content)
            case e.LetterVetted():
                found.vetted[event.letter_id] = str(event.content)
            case e.ConferenceScheduled() | e.ConferenceRescheduled():
                found.conferences[event.conference_id] = event.at.isoformat()
            case e.ReparationAgreed():
                found.items |= {i.item_id: f"{choice(i.kind)}: {i.description}" for i in event.items}
    return found


def practitioners(accounts: list[Account], *, advanced_only: bool) -> Choices:
    """Who a case can be allocated to: enabled practitioners, only advanced ones for a sensitive case."""
    return [(a.username, f"{a.display_name} ({choice(a.level)})") for a in accounts
            if a.enabled and a.role in ("facilitator", "supervisor") and a.level
            and (a.level == "advanced" or not advanced_only)]


def options_for(state: CaseState, papers: Papers, accounts: list[Account]):
    """The choices each action's id and people fields offer on this case as it stands."""
    letters = {status: [(str(k), gettext("Letter %(n)s from the %(party)s", n=n, party=choice(v.from_party)))
                        for n, (k, v) in enumerate(state.letters.items(), 1) if v.status == status]
               for status in ("received", "vetted")}
    by_field: dict[str, Choices] = {
        "consent_id": [(str(k), f"{choice(c.party)}: {choice(c.scope)} ({choice(c.form)})")
                       for k, c in state.consents.items()],
        "assessment_id": [(str(k), gettext("Risk assessment of the %(party)s", party=choice(p)))
                          for k, p in state.assessments.items()],
        "conference_id": [(str(k), gettext("Conference at %(at)s", at=papers.conferences.get(k, "")))
                          for k, s in state.conferences.items() if s == "scheduled"],
        "item_id": [(str(k), papers.items.get(k, str(k))) for k in state.pending_items()],
        "co_facilitator": practitioners(accounts, advanced_only=False),
    }

    def options(action: str, name: str) -> Choices | None:
        if name == "letter_id":
            return letters["received" if action == "VetLetter" else "vetted"]
        if name == "facilitator":
            return practitioners(accounts, advanced_only=state.sensitive)
        return by_field.get(name)

    return options


def _pattern(detail: str) -> str:
    """A detail however it is spaced or cased; a phone number with or without its prefix."""
    digits = re.sub(r"\D", "", detail)
    if len(digits) >= 9 and not re.search(r"[A-Za-z@]", detail):
        national = digits[2:] if digits.startswith("44") else digits.lstrip("0")
        return r"(?:\+?44|0)?[\s().-]*" + r"[\s().-]*".join(national)
    parts = [p.strip() for p in re.split(r"[,\n]", detail) if len(p.strip()) >= MIN_PART]
    return "|".join(r"\s*".join(re.escape(ch) for ch in part if not ch.isspace()) for part in parts)


def marked(text: str, details: tuple[str, ...]) -> tuple[Markup, str | None]:
    """The text with each of the victim's details found in it in ``<mark>``, and what kinds were found."""
    found = found_details(text, details)
    patterns = [p for p in (_pattern(d) for d in found) if p]
    if not patterns:
        return escape(text), describe(found) if found else None
    spans = sorted(m.span() for m in re.finditer("|".join(patterns), text, re.IGNORECASE) if m.group().strip())
    out, at = Markup(), 0
    for start, end in spans:
        if start >= at:
            out += escape(text[at:start]) + Markup("<mark>") + escape(text[start:end]) + Markup("</mark>")
            at = end
    return out + escape(text[at:]), describe(found)
