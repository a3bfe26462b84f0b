"""Finding the victim's identifying details in text meant for the offender's side: the most
serious failure the service could have is to carry where a victim lives to the person who harmed
them, so the check errs on the side of refusing."""

from __future__ import annotations

import re
import unicodedata

MIN_PART = 4
"""Shorter address parts (a house number, "Flat") say nothing alone."""


def _plain(text: str) -> str:
    """The text as it reads: compatibility forms folded (full-width letters, digits and at signs) and invisible
    format characters (zero-width spaces, joiners) dropped, so a disguise does not slip past."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", _plain(text).casefold()).strip()


def _digits(text: str) -> str:
    """Every digit in the text, whatever script it is written in, as 0 to 9."""
    return "".join(str(unicodedata.decimal(ch)) for ch in _plain(text) if ch.isdecimal())


def _phone_forms(phone: str) -> set[str]:
    """A UK number as it may be written: +44 7700 900123, 07700900123, 7700 900123."""
    digits = _digits(phone)
    national = digits[2:] if digits.startswith("44") else digits.lstrip("0")
    return {national, "0" + national, "44" + national} if len(national) >= 9 else set()


def found_details(text: str, details: tuple[str, ...]) -> list[str]:
    """Which of ``details`` (email, phone, postcode, address lines) appear in ``text``, however
    spaced or cased; a phone number in any of its written forms."""
    plain, digits, compact = _squash(text), _digits(text), _squash(text).replace(" ", "")
    found = []
    for detail in details:
        if any(form in digits for form in _phone_forms(detail)):
            found.append(detail)
            continue
        parts = [p.strip() for p in re.split(r"[,\n]", detail)]
        for part in (_squash(p) for p in parts):
            if len(part) >= MIN_PART and (part in plain or part.replace(" ", "") in compact):
                found.append(detail)
                break
    return found


def describe(found: list[str]) -> str:
    """Name what was found without repeating all of it in an error that may be logged."""
    return ", ".join(kinds(found))


def kinds(found: list[str]) -> list[str]:
    """What kinds of detail ``found`` holds (``email address``, ``phone number``, ``postcode``,
    ``address or name``), each once, sorted."""
    return sorted({_kind(detail) for detail in found})


def _kind(detail: str) -> str:
    if "@" in detail:
        return "email address"
    if len(_digits(detail)) >= 9:
        return "phone number"
    if re.fullmatch(r"[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}", detail.strip()):
        return "postcode"
    return "address or name"
