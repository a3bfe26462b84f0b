"""The case page (/cases/{case_id}): summary and state, parties, deadlines, letters, the timeline
of every event, and one form for every action the case's state allows this person now.

Each form posts to /cases/{case_id}/{action} (POST, redirect, GET): on success the page shows the
result at once (the list read model is waited for); a rule's refusal or a mistake comes back on
the page in the error summary with everything typed kept; if someone else acted on the case since
the page was loaded, the page shows what changed and keeps what was typed, to send again."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from services.casework.domain.commands import action_path
from services.casework.domain.decide import DECISIONS
from services.casework.domain.errors import CaseChangedMeanwhile, CaseNotFound, NotPermitted
from services.casework.handlers import ActOnCase, handle
from services.casework.handlers.case_view import CaseView, Letter, ShuttleMessage, view_case
from services.casework.projections import CASES
from services.casework.web.forms import Field, body_of, fields_of, form_key, messages, typed
from services.casework.web.i18n import gettext
from services.casework.web.labels import action_title, refusal
from services.casework.web.pages import caseworker, cause, checked_form, not_found, page, person
from services.casework.web.work import marked, options_for
from shared.commands import RuleBroken
from shared.identity.fastapi import identity_of
from shared.identity.tokens import Principal
from shared.web.app import read_your_writes, service_dependencies

router = APIRouter(include_in_schema=False)
Signed = Annotated[Principal, Depends(caseworker)]
BY_PATH = {action_path(action): action for action in DECISIONS}
REFUSED_STATUS = {CaseChangedMeanwhile: 409, NotPermitted: 403}
CHOSEN_FROM_A_LIST = {"facilitator", "co_facilitator"}
"""Text fields the page offers as a drop-down of people: a mistake in one is told "choose an option"."""


@dataclass
class Posted:
    """A form sent back to its page: what was typed, and what went wrong with it."""

    action: str
    values: dict[str, list[str]]
    field_errors: dict[str, str] = field(default_factory=dict)
    refusal: RuleBroken | None = None
    changed_since: int | None = None


@router.get("/cases/{case_id}")
async def case(request: Request, case_id: UUID, principal: Signed, done: str = "") -> Response:
    done_action = BY_PATH.get(done)
    return await case_page(request, case_id, principal, done=action_title(done_action.__name__) if done_action
                           else None)


@router.post("/cases/{case_id}/{name}")
async def act(request: Request, case_id: UUID, name: str, principal: Signed) -> Response:
    form = await checked_form(request)
    action = BY_PATH.get(name)
    if action is None:
        return not_found(request, principal)
    values = typed(form)
    values.pop("expected_version", None)
    fields = fields_of(action, lambda _action, name: [] if name in CHOSEN_FROM_A_LIST else None)
    try:
        body = action.model_validate(body_of(fields, values))
    except ValidationError as invalid:
        posted = Posted(action.__name__, values, messages(invalid, fields, values))
        return await case_page(request, case_id, principal, posted=posted, status_code=422)
    expected = str(form.get("expected_version") or "")
    command = ActOnCase(case_id, body, person(principal), int(expected) if expected.isdigit() else None)
    try:
        executed = await handle(command, cause(request, principal), service_dependencies(request))
    except CaseNotFound:
        return not_found(request, principal)
    except RuleBroken as refused:
        if isinstance(refused, CaseChangedMeanwhile):
            posted = Posted(action.__name__, values, changed_since=refused.expected)
        else:
            posted = Posted(action.__name__, values, _at_fault(refused, fields, values), refusal=refused)
        status = REFUSED_STATUS.get(type(refused), 422 if refused.field else 409)
        return await case_page(request, case_id, principal, posted=posted, status_code=status)
    await read_your_writes(request, CASES.name, executed.event_ids)
    return RedirectResponse(f"/cases/{case_id}?done={name}", status_code=303)


async def case_page(request: Request, case_id: UUID, principal: Principal, *, done: str | None = None,
                    posted: Posted | None = None, status_code: int = 200) -> HTMLResponse:
    deps = service_dependencies(request)
    try:
        view = await view_case(case_id, person(principal), cause(request, principal), deps)
    except (CaseNotFound, NotPermitted):
        return not_found(request, principal)
    options = options_for(view, await identity_of(request).accounts.list())
    forms = [action_form(action, options, posted, view) for action in view.actions]
    since = posted.changed_since if posted else None
    return page(request, "case.html", status_code, principal=principal, view=view, opened=view.opened,
                state=view.state, parties=view.parties, forms=forms, done=done,
                letters=[letter(held, view) for held in view.letters],
                messages=[message(m, view) for m in reversed(view.messages)],
                timeline=list(reversed(view.timeline)), errors=summary(forms, posted),
                changes=[t for t in view.timeline if t.version > since] if since is not None else None,
                posted_elsewhere=_lost_form(posted, forms))


def action_form(action: type, options, posted: Posted | None, view: CaseView) -> dict[str, Any]:
    """One action's form; filled with what was typed if it is the one that came back, with the
    victim's details marked in what was typed for the offender's side."""
    mine = posted is not None and posted.action == action.__name__
    values = posted.values if mine else _prefilled(action.__name__, view)
    typed_text, found = _identifying(action.__name__, values, view) if mine else (None, None)
    return {"action": action.__name__, "path": action_path(action), "title": action_title(action.__name__),
            "fields": fields_of(action, options), "values": values,
            "errors": posted.field_errors if mine else {}, "open": mine, "found": found, "marked": typed_text}


def _prefilled(action: str, view: CaseView) -> dict[str, list[str]]:
    """The vetting form starts from the letter as received: the facilitator removes what must go."""
    if action == "VetLetter":
        waiting = next((held for held in view.letters if held.status == "received"), None)
        return {"letter_id": [str(waiting.letter_id)], "content": [waiting.received]} if waiting else {}
    return {}


FOR_THE_OFFENDER = {"DeliverShuttleMessage": "summary", "VetLetter": "content"}
"""The forms whose text may reach the offender's side, and the field that carries it."""


def _identifying(action: str, values: dict[str, list[str]], view: CaseView):
    """What was typed for the offender's side with the victim's details marked, and what kinds were
    found (None, None when there are none, or the text goes the other way)."""
    name = FOR_THE_OFFENDER.get(action)
    if name is None or not view.state.victim_details:
        return None, None
    if action == "DeliverShuttleMessage" and values.get("direction", [""])[0] != "victim_to_offender":
        return None, None
    if action == "VetLetter":
        chosen = values.get("letter_id", [""])[0]
        if not any(str(held.letter_id) == chosen and held.from_party == "victim" for held in view.letters):
            return None, None
    text, found = marked(values.get(name, [""])[0], view.state.victim_details)
    return (text, found) if found else (None, None)


def letter(held: Letter, view: CaseView) -> dict[str, Any]:
    """A letter as the page shows it: once vetted, only the text that may reach the other side."""
    vetted = held.vetted is not None
    text, found = marked(held.vetted if vetted else held.received, view.state.victim_details)
    return {"number": held.number, "from_party": held.from_party, "status": held.status, "text": text,
            "found": found, "vetted": vetted}


def message(carried: ShuttleMessage, view: CaseView) -> dict[str, Any]:
    """A shuttle message as the page shows it: one for the offender with any of the victim's details
    marked (the rules refuse them; a detail the victim gave later is still caught here)."""
    if carried.direction == "victim_to_offender":
        text, found = marked(carried.summary, view.state.victim_details)
    else:
        text, found = carried.summary, None
    return {"at": carried.at, "by": carried.by, "direction": carried.direction, "medium": carried.medium,
            "text": text, "found": found}


def _at_fault(refused: RuleBroken, fields: list[Field], values: dict[str, list[str]]) -> dict[str, str]:
    """A rule's refusal as the error of the field it names (``items.0.due`` → ``items-0-due``), for
    the field to show it inline, as the error summary does; none when it names no field of the form."""
    path = [int(part) if part.isdigit() else part for part in (refused.field or "").split(".") if part]
    key = form_key(path, fields, values)
    return {key: refusal(type(refused).__name__, refused.detail)} if key else {}


def summary(forms: list[dict[str, Any]], posted: Posted | None) -> list[dict[str, str]]:
    """The GOV.UK error summary: each field's mistake, or the rule that refused and why, linked to
    the field it names (which shows the same text inline) or, naming none, to the form."""
    if posted is None:
        return []
    form = next((f for f in forms if f["action"] == posted.action), None)
    prefix = f"#{form['path']}" if form else "#actions"
    if posted.changed_since is not None:
        return [{"text": gettext("Someone else acted on this case after you loaded it. Check what changed, "
                                 "then send your form again: what you typed is kept."), "href": "#changes"}]
    if posted.field_errors and form:
        return [{"text": text, "href": f"{prefix}-{_anchor(form['fields'], name)}"}
                for name, text in posted.field_errors.items()]
    if posted.refusal is not None:
        return [{"text": refusal(type(posted.refusal).__name__, posted.refusal.detail), "href": prefix}]
    return [{"text": text, "href": prefix} for text in posted.field_errors.values()]


def _anchor(fields: list[Field], name: str) -> str:
    """What the summary links to for a field: the field itself, or for a group of rows (reparation
    items) the first field of its first row."""
    group = next((f for f in fields if f.name == name and f.kind == "items"), None)
    return group.rows[0][0].name if group and group.rows and group.rows[0] else name


def _lost_form(posted: Posted | None, forms: list[dict[str, Any]]) -> list[tuple[str, str]] | None:
    """What was typed into a form the case no longer offers: shown, so that nothing is lost."""
    if posted is None or any(f["action"] == posted.action for f in forms):
        return None
    return [(k, v) for k, values in posted.values.items() for v in values if v.strip()]


