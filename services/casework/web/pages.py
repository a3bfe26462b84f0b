"""Rendering casework's pages: the template environment (GOV.UK and MOJ Frontend markup, every
text through the catalogue), who is signed in, and the answers every route shares — the sign-in
redirect, the 403 and 404 pages and the refusal of a form that did not come from our pages."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from services.casework.domain.people import Person
from services.casework.handlers.timeline import Phrase
from services.casework.web import labels
from services.casework.web.i18n import N_, gettext, translations
from services.casework.web.tokens import csrf_ok, csrf_token, keep_visitor
from shared.envelope import Cause
from shared.eventstore.port import Actor
from shared.identity.tokens import Principal
from shared.web.security import cross_site
from shared.web.signin import signed_in
from shared.web.templating import templates

UK = ZoneInfo("Europe/London")
CASEWORKERS = ("facilitator", "supervisor")
PAGES = templates(Path(__file__).parent / "templates")
PAGES.env.add_extension("jinja2.ext.i18n")
PAGES.env.install_gettext_translations(translations(), newstyle=True)  # type: ignore[attr-defined]


MONTHS = (N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"), N_("July"),
          N_("August"), N_("September"), N_("October"), N_("November"), N_("December"))


def long_date(value: date | datetime | None) -> str:
    """``1 October 2026``, the month in the page's language."""
    if value is None:
        return ""
    return f"{value.day} {gettext(MONTHS[value.month - 1])} {value:%Y}"


def date_time(value: datetime) -> str:
    """A moment as UK time: ``1 October 2026, 14:00``."""
    local = value.astimezone(UK)
    return f"{long_date(local)}, {local:%H:%M}"


def _in_words(value: object) -> str:
    """A value recorded in an event, as a phrase shows it: choices (in the catalogue's words), yes or
    no and dates in the page's language; anything else (a name, a typed reason) as it is."""
    match value:
        case bool():
            return choice_in_sentence("yes" if value else "no")
        case list() | tuple():
            return ", ".join(_in_words(v) for v in value)
        case datetime():
            return date_time(value)
        case date():
            return long_date(value)
        case str():
            return choice_in_sentence(value)
    return str(value)


def in_sentence(words: str) -> str:
    """A choice's words inside a sentence: ``Victim`` → ``victim`` (an acronym is left alone)."""
    return words if words[1:2].isupper() else words[:1].lower() + words[1:]


def choice_in_sentence(value: str) -> str:
    """A choice's words for the middle of a sentence (``Letter 1 from the victim``); a value without
    words (a person's username) as it is."""
    return in_sentence(labels.choice(value)) if value in labels.CHOICES else value


def said(phrase: Phrase) -> str:
    """A timeline entry's or a deadline's phrase in the page's language, its values filled in."""
    text = translations().gettext(phrase.msgid).format_map({k: _in_words(v) for k, v in phrase.fields.items()})
    return text[:1].upper() + text[1:]


PAGES.env.filters |= {"long_date": long_date, "date_time": date_time, "choice": labels.choice,
                      "choice_in_sentence": choice_in_sentence}
PAGES.env.globals |= {"choice": labels.choice, "choice_in_sentence": choice_in_sentence,
                      "status_label": labels.status, "status_colour": labels.status_colour,
                      "event_title": labels.event_title, "action_title": labels.action_title, "said": said}


class SignInNeeded(Exception):
    """A page asked for by someone not signed in: they are sent to sign in, then back."""


class NotForYou(Exception):
    """Signed in, but casework is for facilitators and supervisors."""

    def __init__(self, principal: Principal):
        self.principal = principal


class FormRefused(Exception):
    """A form from another site, or without the token this service made for the visitor."""

    def __init__(self, status_code: int):
        self.status_code = status_code


async def caseworker(request: Request) -> Principal:
    """The signed-in facilitator or supervisor; deny by default."""
    principal = await signed_in(request)
    if principal is None:
        raise SignInNeeded
    if principal.role not in CASEWORKERS:
        raise NotForYou(principal)
    return principal


def person(principal: Principal) -> Person:
    return Person(principal.username, principal.role, principal.level)  # type: ignore[arg-type]


def cause(request: Request, principal: Principal) -> Cause:
    return Cause.fresh(Actor("user", principal.username, principal.role), request.state.correlation_id)


async def checked_form(request: Request) -> FormData:
    """The posted form, if it came from one of our pages with its CSRF token; else refused."""
    if cross_site(request):
        raise FormRefused(403)
    form = await request.form()
    if not csrf_ok(request, form):
        raise FormRefused(400)
    return form


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page with its CSRF token and cookie; ``principal`` (when signed in) shows in the header."""
    response = PAGES.TemplateResponse(request, name, {"csrf_token": csrf_token(request), **context},
                                      status_code=status_code)
    keep_visitor(request, response)
    return response


def install(app: FastAPI) -> None:
    """Answer the pages' own exceptions as pages: sign in, not allowed, form refused."""

    async def sign_in_first(request: Request, _: Exception) -> Response:
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(back, safe='')}", status_code=303)

    async def not_for_you(request: Request, error: Exception) -> Response:
        assert isinstance(error, NotForYou)
        return page(request, "error.html", 403, principal=error.principal, title=gettext("You cannot use casework"),
                    message=gettext("Casework is for facilitators and supervisors."))

    async def refused(request: Request, error: Exception) -> Response:
        assert isinstance(error, FormRefused)
        message = (gettext("The form did not come from this service.") if error.status_code == 403 else
                   gettext("The form had expired. Go back, reload the page and send it again."))
        return page(request, "error.html", error.status_code, principal=await signed_in(request),
                    title=gettext("Your form was not sent"), message=message)

    app.add_exception_handler(SignInNeeded, sign_in_first)
    app.add_exception_handler(NotForYou, not_for_you)
    app.add_exception_handler(FormRefused, refused)


def not_found(request: Request, principal: Principal) -> HTMLResponse:
    return page(request, "error.html", 404, principal=principal, title=gettext("Page not found"),
                message=gettext("There is no such case, or it is not one of yours."))
