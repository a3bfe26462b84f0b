"""What a case's forms offer to choose from (its letters, consents, risk assessments,
conferences, reparation items; the people it can be allocated to), all from the case as read
once (``CaseView``), and texts for the offender's side with the victim's identifying details
marked for the facilitator who vets a letter or carries a message."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from services.casework.domain.vetting import MIN_PART, found_details, kinds
from services.casework.handlers.case_view import CaseView
from services.casework.web.forms import Choices
from services.casework.web.i18n import gettext
from services.casework.web.labels import choice, detail_kinds
from services.casework.web.pages import choice_in_sentence, date_time
from shared.identity.accounts import Account


def practitioners(accounts: list[Account], *, advanced_only: bool) -> Choices:
    """Who a case can be allocated to: enabled practitioners, only advanced ones for a sensitive case."""
    return [(a.username, f"{a.display_name} ({choice(a.level)})") for a in accounts
            if a.enabled and a.role in ("facilitator", "supervisor") and a.level
            and (a.level == "advanced" or not advanced_only)]


def options_for(view: CaseView, accounts: list[Account]):
    """The choices each action's id and people fields offer on this case as it stands."""
    state = view.state
    letters = {status: [(str(k), gettext("Letter %(n)s from the %(party)s", n=n,
                                                       party=choice_in_sentence(v.from_party)))
                        for n, (k, v) in enumerate(state.letters.items(), 1) if v.status == status]
               for status in ("received", "vetted")}
    by_field: dict[str, Choices] = {
        "consent_id": [(str(k), f"{choice(c.party)}: {choice_in_sentence(c.scope)} ({choice_in_sentence(c.form)})")
                       for k, c in state.consents.items()],
        "assessment_id": [(str(k), gettext("Risk assessment of the %(party)s", party=choice_in_sentence(p)))
                          for k, p in state.assessments.items()],
        "conference_id": [(str(k), gettext("Conference at %(at)s",
                                           at=date_time(view.conferences[k]) if k in view.conferences else ""))
                          for k, s in state.conferences.items() if s == "scheduled"],
        "item_id": [(str(k), f"{choice(i.kind)}: {i.description}" if (i := view.reparation_items.get(k)) else str(k))
                    for k in state.pending_items()],
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
        return escape(text), detail_kinds(kinds(found)) if found else None
    spans = sorted(m.span() for m in re.finditer("|".join(patterns), text, re.IGNORECASE) if m.group().strip())
    out, at = Markup(), 0
    for start, end in spans:
        if start >= at:
            out += escape(text[at:start]) + Markup("<mark>") + escape(text[start:end]) + Markup("</mark>")
            at = end
    return out + escape(text[at:]), detail_kinds(kinds(found))
