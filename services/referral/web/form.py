"""The self-referral form's questions and how answers map to and from a ReferralSubmission.

One table of questions serves both ways: form fields into the submission document (with plain
error messages in page order) and signed answers back into a filled form for "Change"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import phonenumbers
from pydantic import ValidationError
from starlette.datastructures import FormData

from services.referral.domain.submission import ReferralSubmission


def uk_phone(value: str) -> str:
    """A stored E.164 number as people write it (07700 900123)."""
    return phonenumbers.format_number(phonenumbers.parse(value, "GB"), phonenumbers.PhoneNumberFormat.NATIONAL)


SELF_REFERRAL = {"source": "self", "initiated_by": "victim", "victim_aware_of_referral": True}


@dataclass(frozen=True)
class Question:
    """A question on the form: where its answer goes in the submission, and how to name it."""

    path: tuple[str, ...]
    what: str  # completes "Enter …" or "Select …", and starts "… must be …"
    kind: str = "text"  # text | choice | yes_no | date | many
    wrong: str | None = None  # when the answer has the wrong format


_PREFS = ("victim", "contact_preferences")
QUESTIONS: dict[str, Question] = {  # by form field id, in page order (the error summary's order)
    "name": Question(("victim", "name"), "your full name"),
    "dob": Question(("victim", "date_of_birth"), "date of birth", "date"),
    "channels": Question((*_PREFS, "channels"), "at least one way it is safe to contact you", "many"),
    "email": Question(("victim", "email"), "your email address",
                      wrong="Enter your email address in the correct format, like name@example.com"),
    "phone": Question(("victim", "phone"), "your phone number",
                      wrong="Enter a UK phone number, like 07700 900 982 or 01632 960 001"),
    "address": Question(("victim", "address"), "your address"),
    "postcode": Question(("victim", "postcode"), "your postcode", wrong="Enter a real UK postcode, like HP20 1AA"),
    "safe_times": Question((*_PREFS, "safe_times"), "when it is safe to contact you"),
    "may_leave_message": Question((*_PREFS, "may_leave_message"), "whether we may leave a message", "yes_no"),
    "language": Question((*_PREFS, "language"), "the language you would like us to use"),
    "interpreter_needed": Question((*_PREFS, "interpreter_needed"), "whether you need an interpreter", "yes_no"),
    "access_needs": Question(("victim", "access_needs"), "your access needs"),
    "safe_contact_notes": Question(("victim", "safe_contact_notes"), "what we must know to contact you safely"),
    "offence_type": Question(("offence", "offence_type"), "what kind of crime it was", "choice"),
    "offence_date": Question(("offence", "offence_date"), "date of the offence", "date"),
    "area": Question(("offence", "area"), "where it happened"),
    "crime_reference": Question(("offence", "crime_reference"), "the crime reference number",
                                wrong="Crime reference number must only include letters, numbers, / and -"),
    "description": Question(("offence", "description"), "what happened"),
    "offender_name": Question(("offender", "name"), "their name"),
    "known_to_victim": Question(("offender", "known_to_victim"), "whether you knew them", "yes_no"),
    "custody_status": Question(("offender", "custody_status"), "where they are now", "choice"),
    "criminal_justice_stage": Question(("criminal_justice_stage",), "where the case is now", "choice"),
    "hopes": Question(("hopes",), "what you hope for"),
}
BY_PATH = {q.path: field for field, q in QUESTIONS.items()}
CHOSEN_WITHOUT_DETAIL = re.compile(r"'(\w+)' chosen but no (\w+) given")
CHANNEL_NAMES = {"email": "email", "phone": "phone calls", "sms": "text messages", "letter": "letters"}
CHANNEL_NEEDS = {"email": "email", "phone": "phone", "sms": "phone", "letter": "address"}


# -- the form and the submission document -----------------------------------------------------
def _put(document: dict, path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        document = document.setdefault(key, {})
    document[path[-1]] = value


def _get(document: dict, path: tuple[str, ...]) -> Any:
    for key in path:
        document = document.get(key) if isinstance(document, dict) else None
    return document


def _date(form: dict, field: str) -> tuple[str | None, str | None]:
    """The ISO date typed into a date input's three boxes, or why it is not one."""
    parts = {p: str(form.get(f"{field}-{p}") or "").strip() for p in ("day", "month", "year")}
    if not any(parts.values()):
        return None, None
    label = QUESTIONS[field].what.capitalize()
    if missing := [p for p, v in parts.items() if not v]:
        return None, f"{label} must include a {' and a '.join(missing)}"
    if not all(v.isdigit() for v in parts.values()) or len(parts["year"]) != 4:
        return None, f"{label} must be a real date, with a 4-digit year, like 27 3 2007"
    try:
        return date(int(parts["year"]), int(parts["month"]), int(parts["day"])).isoformat(), None
    except ValueError:
        return None, f"{label} must be a real date"


def form_values(form: FormData) -> dict[str, Any]:
    """What the victim typed, as it is re-shown on the page."""
    return {**{key: str(form.get(key) or "") for key in form.keys()}, "channels": form.getlist("channels")}


def to_document(values: dict[str, Any]) -> tuple[dict, dict[str, str]]:
    """The submission document built from the form, and the mistakes only the form can see."""
    document: dict[str, Any] = {**SELF_REFERRAL, "victim": {"contact_preferences": {}}, "offence": {}}
    errors: dict[str, str] = {}
    for field, question in QUESTIONS.items():
        raw = values.get(field)
        if question.kind == "date":
            value, errors[field] = _date(values, field)
        elif question.kind == "yes_no":
            value = {"yes": True, "no": False}.get(raw)
        elif question.kind == "many":
            value = list(raw or [])
        else:
            value = (raw or "").strip() or None
        if value is not None:
            _put(document, question.path, value)
    for channel in values.get("channels") or []:
        # The model checks this too, but only once every other answer about the victim is valid:
        # asked here, the victim sees this mistake together with the others.
        if (detail := CHANNEL_NEEDS.get(channel)) and not (values.get(detail) or "").strip():
            errors[detail] = _chosen_without(channel, detail)
    return document, {field: message for field, message in errors.items() if message}


def to_values(document: dict) -> dict[str, Any]:
    """The form filled in again from a submission document (to change an answer)."""
    values: dict[str, Any] = {}
    for field, question in QUESTIONS.items():
        value = _get(document, question.path)
        if value is None:
            continue
        if question.kind == "date":
            year, month, day = value.split("-")
            values |= {f"{field}-day": str(int(day)), f"{field}-month": str(int(month)), f"{field}-year": year}
        elif question.kind == "yes_no":
            values[field] = "yes" if value else "no"
        else:
            values[field] = value if question.kind == "many" else str(value)
    if phone := values.get("phone"):
        values["phone"] = uk_phone(phone)
    return values


def _chosen_without(channel: str, detail: str) -> str:
    return f"Enter {QUESTIONS[detail].what}, because you chose {CHANNEL_NAMES.get(channel, channel)}"


def _explain(error: dict) -> tuple[str, str]:
    """The form field a validation error belongs to, and a message in plain English."""
    if found := CHOSEN_WITHOUT_DETAIL.search(str(error.get("msg", ""))):
        channel, detail = found.groups()
        return detail, _chosen_without(channel, detail)
    loc = tuple(str(part) for part in error["loc"])
    while loc and not any(q.path[:len(loc)] == loc for q in QUESTIONS.values()):
        loc = loc[:-1]
    # An error about a whole part (say, the offence) goes to that part's first question.
    field = BY_PATH.get(loc) or next(f for f, q in QUESTIONS.items() if q.path[:len(loc)] == loc)
    question, kind = QUESTIONS[field], error["type"]
    verb = "Select" if question.kind in ("choice", "yes_no", "many") else "Enter"
    if kind in ("missing", "string_too_short", "too_short", "literal_error"):
        return field, f"{verb} {question.what}"
    if kind == "unstorable_text":  # a NUL or broken character, pasted or sent by a script
        return field, f"{question.what.capitalize()} contains characters we cannot accept; remove any hidden characters"
    if kind == "string_too_long":
        return field, f"{question.what.capitalize()} must be {error['ctx']['max_length']} characters or fewer"
    if question.kind == "date":
        return field, f"{question.what.capitalize()} {str(error['msg']).removeprefix('Value error, ')}"
    return field, question.wrong or f"Enter {question.what} in the correct format"


def validate(values: dict[str, Any]) -> tuple[ReferralSubmission | None, dict[str, str]]:
    """The submission, or every mistake keyed by form field (the form's own first)."""
    document, errors = to_document(values)
    submission, mistakes = checked(document)
    errors = mistakes | errors
    return (None if errors else submission), errors


def checked(document: dict) -> tuple[ReferralSubmission | None, dict[str, str]]:
    """The submission, or the first message for each form field with a mistake."""
    try:
        return ReferralSubmission.model_validate(document), {}
    except ValidationError as invalid:
        messages: dict[str, str] = {}
        for error in invalid.errors():
            field, message = _explain(error)
            messages.setdefault(field, message)
        return None, messages


def error_summary(errors: dict[str, str]) -> list[dict[str, str]]:
    """The GOV.UK error summary's list: in page order, each linking to its field."""
    order = list(QUESTIONS)
    return [{"text": errors[field], "href": f"#{field}-day" if QUESTIONS[field].kind == "date" else f"#{field}"}
            for field in sorted(errors, key=order.index)]
