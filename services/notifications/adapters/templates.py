"""Messages from the template files in ``services/notifications/templates/`` (Jinja2, one folder per template).

A template's files name every value they use; ``render`` takes exactly those, so a caller cannot
slip personal data into a message that the reviewed template does not show, and a forgotten value
is an error here rather than a blank in a letter to a victim.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound, meta, select_autoescape

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
CHANNELS = ("email", "sms", "letter")
LANGUAGES = ("en",)
# A person's contact preferences name their language in words ("English"); templates use codes.
_NAMES = {"english": "en"}
_LOCALES = {"en": "en_GB"}  # a service in England: "4 March 2026", as GOV.UK writes dates
# The files each channel is made of: the subject (an email's subject, a letter's heading) and bodies.
_FILES = {
    "email": ("subject.txt", "email.txt", "email.html"),
    "sms": ("sms.txt",),
    "letter": ("subject.txt", "letter.txt"),
}


class TemplateError(ValueError):
    """A template, channel or language that does not exist, or values that do not fit the template."""


@dataclass(frozen=True)
class Rendered:
    """One message ready for a channel: ``subject`` and ``html`` are None where the channel has none."""

    template: str
    channel: str
    language: str
    subject: str | None
    text: str
    html: str | None


class Renderer(Protocol):
    def render(self, template: str, channel: str, language: str, values: dict[str, Any]) -> Rendered: ...


def _long_date(value: datetime.date, language: str) -> str:
    if not isinstance(value, datetime.date):
        raise TemplateError(f"a date was expected, got {type(value).__name__} {value!r}")
    return format_date(value, format="long", locale=_LOCALES.get(language, language))


@cache
def _environment(language: str = "en") -> Environment:
    # One environment per language, because a compiled template binds its filters at load time.
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,  # a backstop: ``render`` checks the names before this is reached
    )
    env.filters["long_date"] = lambda value: _long_date(value, language)
    return env


def templates() -> list[str]:
    """Every template's name (its folder), in the first language, which every other one must match."""
    return sorted(p.name for p in (TEMPLATES / LANGUAGES[0]).iterdir() if p.is_dir())


def channels(template: str, language: str = "en") -> list[str]:
    """The channels ``template`` has files for in ``language``."""
    folder = TEMPLATES / language / template
    return [c for c in CHANNELS if all((folder / f).is_file() for f in _FILES[c])]


@cache
def required_values(template: str, channel: str, language: str = "en") -> frozenset[str]:
    """The names of the values ``template`` uses on ``channel``: what ``render`` must be given, no more."""
    language = language_code(language)
    _check_exists(template, channel, language)
    env = _environment(language)
    names: set[str] = set()
    for file in _FILES[channel]:
        source = env.loader.get_source(env, f"{language}/{template}/{file}")[0]
        names |= meta.find_undeclared_variables(env.parse(source))
    return frozenset(names)


def language_code(language: str) -> str:
    """``language`` as the code its templates are filed under: "English" and "en" are both "en"."""
    return _NAMES.get(language.strip().lower(), language.strip().lower())


def _check_exists(template: str, channel: str, language: str) -> None:
    if language not in LANGUAGES:
        raise TemplateError(f"language {language!r} has no templates; available: {', '.join(LANGUAGES)}")
    if template not in templates():
        raise TemplateError(f"template {template!r} does not exist; available: {', '.join(templates())}")
    if channel not in channels(template, language):
        have = ", ".join(channels(template, language)) or "none"
        raise TemplateError(f"template {template!r} has no {channel!r} version in {language!r}; it has: {have}")


def render(template: str, channel: str, language: str, values: dict[str, Any]) -> Rendered:
    """``template`` on ``channel`` in ``language``, filled with ``values`` (exactly the names it uses)."""
    language = language_code(language)
    needed = required_values(template, channel, language)
    missing, unknown = needed - values.keys(), values.keys() - needed
    if missing or unknown:
        problems = []
        if missing:
            problems.append(f"missing value(s) {', '.join(sorted(missing))}")
        if unknown:
            problems.append(f"value(s) {', '.join(sorted(unknown))} not used by this template (refused)")
        raise TemplateError(
            f"template {template!r} ({channel}, {language}): {'; '.join(problems)};"
            f" it takes exactly: {', '.join(sorted(needed))}"
        )
    env = _environment(language)
    parts = {}
    for file in _FILES[channel]:
        try:
            parts[file] = env.get_template(f"{language}/{template}/{file}").render(values).strip()
        except TemplateNotFound as error:  # pragma: no cover - channels() checked the files exist
            raise TemplateError(f"template file {error.name} is missing") from error
    text_file = "letter.txt" if channel == "letter" else f"{channel}.txt"
    return Rendered(
        template=template,
        channel=channel,
        language=language,
        subject=" ".join(parts["subject.txt"].split()) if "subject.txt" in parts else None,
        text=parts[text_file] + "\n",
        html=parts.get("email.html"),
    )


class FileTemplates:
    """The ``Renderer`` port over the template files (a class so handlers can be given a fake)."""

    def render(self, template: str, channel: str, language: str, values: dict[str, Any]) -> Rendered:
        return render(template, channel, language, values)
