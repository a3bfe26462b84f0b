"""One form per action, built from the action's own model (``domain.commands``): each field's
kind follows its type, so a new action or field needs words in ``labels`` and nothing else.
Posted forms go back into the model's body, and the model's errors back onto the fields."""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from types import NoneType, UnionType
from typing import Any, Literal
from uuid import UUID
from zoneinfo import ZoneInfo

from annotated_types import MaxLen
from pydantic import ValidationError
from starlette.datastructures import FormData

from services.casework.domain.commands import Action
from services.casework.web import labels
from services.casework.web.i18n import gettext

UK = ZoneInfo("Europe/London")
ITEM_ROWS = 3
"""Rows offered for reparation items; rows left empty are ignored."""
SHORT_TEXT = 200
Choices = list[tuple[str, str]]
Options = Callable[[str, str], Choices | None]
"""The choices the case offers for an action's field (letters, consents, people), or None."""


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # text | textarea | select | radios | checkboxes | lines | date | datetime | yes_no | items
    label: str
    required: bool
    choices: Choices = field(default_factory=list)
    hint: str | None = None
    rows: tuple[tuple[Field, ...], ...] = ()
    """For ``items``: the fields of each row, named ``items-<row>-<field>``."""


def _unwrapped(annotation: Any) -> tuple[Any, bool, int | None]:
    """The type inside ``X | None`` and ``Annotated[X, ...]``, whether None is allowed, its max length."""
    optional, longest = False, None
    if isinstance(annotation, UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not NoneType]
        optional, annotation = True, args[0]
    if typing.get_origin(annotation) is typing.Annotated:
        annotation, *extras = typing.get_args(annotation)
        for extra in extras:
            longest = next((m.max_length for m in getattr(extra, "metadata", []) if isinstance(m, MaxLen)), longest)
    return annotation, optional, longest


def _words(values: tuple) -> Choices:
    return [(str(v), labels.choice(str(v))) for v in values]


def fields_of(action: type[Action], options: Options, prefix: str = "") -> list[Field]:
    """The form's fields, in the model's order."""
    found = []
    for name, info in action.model_fields.items():
        annotation, optional, longest = _unwrapped(info.annotation)
        longest = longest or next((m.max_length for m in info.metadata if isinstance(m, MaxLen)), None)
        label, required = labels.field_label(action.__name__, name), info.is_required()
        make = {"name": prefix + name, "label": label, "required": required, "hint": labels.hint(name)}
        offered = options(action.__name__, name)
        origin, args = typing.get_origin(annotation), typing.get_args(annotation)
        if offered is not None or annotation is UUID:
            found.append(Field(kind="select", choices=offered or [], **make))
        elif origin is Literal:
            found.append(Field(kind="radios" if len(args) <= 5 else "select", choices=_words(args), **make))
        elif origin is tuple and typing.get_origin(args[0]) is Literal:
            found.append(Field(kind="checkboxes", choices=_words(typing.get_args(args[0])), **make))
        elif origin is tuple and isinstance(args[0], type) and issubclass(args[0], Action):
            rows = tuple(tuple(fields_of(args[0], options, f"{name}-{row}-")) for row in range(ITEM_ROWS))
            found.append(Field(kind="items", rows=rows, **make))
        elif origin is tuple:
            found.append(Field(kind="lines", **make))
        elif annotation is bool:
            yes_no = [("yes", labels.choice("yes")), ("no", labels.choice("no"))]
            found.append(Field(kind="radios", choices=yes_no + ([("", labels.choice("not_asked"))] if optional
                                                                  else []), **make))
        elif annotation in (date, datetime):
            found.append(Field(kind=annotation.__name__, **make))
        else:
            found.append(Field(kind="textarea" if (longest or 0) > SHORT_TEXT else "text", **make))
    return found


def typed(form: FormData) -> dict[str, list[str]]:
    """Everything the person typed, as it is shown again (never lost to an error or a conflict)."""
    return {key: [str(v) for v in form.getlist(key)] for key in form.keys() if key != "csrf_token"}


def body_of(fields: list[Field], values: Mapping[str, list[str]]) -> dict[str, Any]:
    """The action's JSON body from the typed values; blanks are left out (absent, not empty)."""
    body: dict[str, Any] = {}
    for f in fields:
        first = next((v.strip() for v in values.get(f.name, []) if v.strip()), "")
        if f.kind == "checkboxes":
            body[f.name] = [v for v in values.get(f.name, []) if v]
        elif f.kind == "lines":
            body[f.name] = [line.strip() for line in first.splitlines() if line.strip()]
        elif f.kind == "items":
            rows = [body_of(list(row), values) for row in f.rows]
            body[f.name] = [{k.rsplit("-", 1)[1]: v for k, v in row.items()} for row in rows if row]
        elif f.kind == "datetime" and first:
            body[f.name] = _uk_time(first)
        elif first and f.choices and f.kind == "radios" and f.choices[0][0] == "yes":
            body[f.name] = first == "yes"
        elif first:
            body[f.name] = first
    return body


def _uk_time(value: str) -> str:
    """A ``datetime-local`` value is UK time; any other text goes on to be refused by the model."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return (moment if moment.tzinfo else moment.replace(tzinfo=UK)).isoformat()


def form_key(path: Sequence[str | int], fields: list[Field], values: Mapping[str, list[str]]) -> str | None:
    """The form field a path into the action's body names (a model's error, a rule's ``field``), or
    None when it names none: ``("items", 0, "due")`` → ``items-1-due`` if the form's first row was
    left empty (``body_of`` leaves empty rows out, so the body's rows are the rows typed in)."""
    top = next((f for f in fields if path and f.name == str(path[0])), None)
    if top is None:
        return None
    if top.kind == "items" and len(path) >= 3 and str(path[1]).isdigit():
        typed_in = [n for n, row in enumerate(top.rows) if body_of(list(row), values)]
        if int(path[1]) < len(typed_in):
            key = f"{top.name}-{typed_in[int(path[1])]}-{path[2]}"
            if any(sub.name == key for row in top.rows for sub in row):
                return key
    return top.name


def messages(invalid: ValidationError, fields: list[Field], values: Mapping[str, list[str]]) -> dict[str, str]:
    """The first message for each field with a mistake, naming the field and what is allowed."""
    by_name = {f.name: f for f in fields} | {r.name: r for f in fields for row in f.rows for r in row}
    found: dict[str, str] = {}
    for error in invalid.errors():
        key = form_key(error["loc"], fields, values)
        if key is not None:
            found.setdefault(key, _message(by_name[key], error))
    return found


def _message(f: Field, error: Mapping[str, Any]) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "string_too_long":
        return gettext("%(label)s – must be %(max)s characters or fewer", label=f.label, max=ctx.get("max_length"))
    if kind == "too_short" and f.kind in ("lines", "checkboxes", "items") and ctx.get("min_length", 1) > 1:
        return gettext("%(label)s – give at least %(min)s", label=f.label, min=ctx.get("min_length"))
    if f.kind in ("date", "datetime") and kind not in ("missing",):
        return gettext("%(label)s – enter a real date, like 1 October 2026", label=f.label)
    if f.kind in ("select", "radios", "checkboxes"):
        return gettext("%(label)s – choose an option", label=f.label)
    if kind in ("missing", "string_too_short", "too_short"):
        return gettext("%(label)s – enter an answer", label=f.label)
    return gettext("%(label)s – check this answer", label=f.label)
