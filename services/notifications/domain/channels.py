"""Choosing how and when to reach a person safely (DOMAIN "Rules": safe contact), or not at all.

The rules, in the order they are asked:

1. an erased person, or one whose consent to take part is withdrawn, or who has not agreed to
   hear from us (a victim who does not know of the referral), is not contacted;
2. only channels they allowed and we hold details for (``in_person`` is never automatic);
3. nothing sensitive by SMS; no automated call where leaving a message is refused;
4. never outside their safe times: unreadable safe times mean "ask a person" (suppressed, the
   facilitator sees why); otherwise the send waits for the next safe moment, unless that comes too
   late for the template (a reminder after the conference it reminds of) — then it is suppressed.

Written channels are preferred to spoken ones: email, letter, SMS, then phone. Safe times do not
apply to a letter (the post comes when it comes) but unreadable ones still stop it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from shared.contracts.base import ERASED
from shared.contracts.notifications import SuppressionReason
from shared.contracts.referral import Channel, ContactPreferences
from shared.workingdays import LONDON

PREFERENCE: tuple[Channel, ...] = ("email", "letter", "sms", "phone")
CIVIL_HOURS = (time(8, 0), time(21, 0))
"""No automated contact outside these hours, whatever the safe times say (unless the operator sets
other hours, ``RJ_CONTACT_HOURS``)."""


@dataclass(frozen=True)
class Person:
    """What the safety rules need to know about a recipient; the handler looks it up."""

    preferences: ContactPreferences | None
    reachable: frozenset[Channel]
    """Channels we hold usable (not erased) details for."""
    erased: bool = False
    withdrawn: bool = False
    consented: bool = True


def contactable(preferences: ContactPreferences | None, *, email: str | None = None, phone: str | None = None,
                address: str | None = None, withdrawn: bool = False, consented: bool = True) -> Person:
    """A ``Person`` from the details on record (as opened with the service's keys): a detail that
    reads ``ERASED`` means the person was forgotten, and nothing is sent to them."""
    details = {"email": email, "phone": phone, "address": address}
    erased = ERASED in details.values() or (preferences is not None and preferences.safe_times == ERASED)
    reachable: set[Channel] = set()
    if email:
        reachable.add("email")
    if phone:
        reachable |= {"sms", "phone"}
    if address:
        reachable.add("letter")
    return Person(preferences, frozenset(reachable), erased=erased, withdrawn=withdrawn, consented=consented)


@dataclass(frozen=True)
class Delivery:
    """Send by ``channel`` at ``when`` (London time), written in ``language``."""

    channel: Channel
    when: datetime
    language: str = "English"
    interpreter_needed: bool = False


@dataclass(frozen=True)
class Suppression:
    """Do not send; ``detail`` tells the facilitator why, in the service's own words."""

    reason: SuppressionReason
    detail: str


@dataclass(frozen=True)
class SafeWindow:
    """Days of the week (Monday 0) and the hours within them when contact is safe."""

    days: frozenset[int]
    start: time
    end: time


UNCLEAR = None

_ANY = re.compile(r"^(at )?any ?time$|^whenever$|^no restrictions?$")
_DAYS = {"weekdays": range(5), "weekends": range(5, 7), "weekend": range(5, 7), "any day": range(7),
         "every day": range(7), "daily": range(7)}
_HOUR = r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?"
_SPANS = (
    (re.compile(rf"^(?:between|from)?\s*{_HOUR}\s*(?:and|to|-|–)\s*{_HOUR}$"), "between"),
    (re.compile(rf"^(?:after|not before|from)\s+{_HOUR}$"), "after"),
    (re.compile(rf"^(?:before|not after|until|till)\s+{_HOUR}$"), "before"),
)
_PARTS = {"mornings": (time(9), time(12)), "morning": (time(9), time(12)),
          "afternoons": (time(12), time(17)), "afternoon": (time(12), time(17)),
          "evenings": (time(18), time(21)), "evening": (time(18), time(21)),
          "daytime": (time(9), time(17)), "office hours": (time(9), time(17))}


def _clock(hour: str, minute: str | None, meridian: str | None) -> time | None:
    h, m = int(hour), int(minute or 0)
    if meridian:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if meridian == "pm" else 0)
    return time(h, m) if h < 24 and m < 60 else None


Hours = tuple[time, time]


def _hours(text: str, civil: Hours) -> Hours | None:
    if text in _PARTS:
        return _PARTS[text]
    for pattern, kind in _SPANS:
        if match := pattern.match(text):
            groups = match.groups()
            first = _clock(*groups[:3])
            if kind == "between":
                last = _clock(*groups[3:])
                return (first, last) if first and last and first < last else None
            if first is None:
                return None
            return (first, civil[1]) if kind == "after" else (civil[0], first)
    return None


def parse_safe_times(text: str | None, civil: Hours = CIVIL_HOURS) -> SafeWindow | None:
    """Read common phrasings — "any time", "weekdays after 6pm", "not before 10am", "evenings",
    "weekends between 10am and 4pm" — as a window inside the ``civil`` hours. Nothing stated is any
    time. Anything else is ``UNCLEAR`` (None): a person must ask. Never raises."""
    if text is None or not text.strip():
        return SafeWindow(frozenset(range(7)), *civil)
    words = re.sub(r"[\s,;]+", " ", text.strip().lower()).removesuffix(" only").strip(" .")
    if _ANY.match(words):
        return SafeWindow(frozenset(range(7)), *civil)
    days = frozenset(range(7))
    for name, numbers in _DAYS.items():
        if words == name or words.startswith(name + " "):
            days, words = frozenset(numbers), words.removeprefix(name).strip()
            break
    hours = civil if not words or _ANY.match(words) else _hours(words, civil)
    if hours is None:
        return UNCLEAR
    start, end = max(hours[0], civil[0]), min(hours[1], civil[1])
    return SafeWindow(days, start, end) if start < end else UNCLEAR


def next_safe_moment(window: SafeWindow, now: datetime) -> datetime | None:
    """``now`` if it is safe, else the next start of the window (within a week)."""
    local = now.astimezone(LONDON)
    for offset in range(8):
        day = local.date() + timedelta(days=offset)
        if day.weekday() not in window.days:
            continue
        opens = datetime.combine(day, window.start, LONDON)
        closes = datetime.combine(day, window.end, LONDON)
        if local < closes:
            return max(local, opens)
    return None


def _usable(channel: Channel, prefs: ContactPreferences, sensitive: bool) -> bool:
    if channel == "sms":
        return not sensitive
    if channel == "phone":
        return prefs.may_leave_message
    return True


def choose_channel(person: Person, sensitive: bool, now: datetime, latest: datetime | None = None,
                   civil: Hours = CIVIL_HOURS) -> Delivery | Suppression:
    """The channel and moment to reach ``person`` with a (``sensitive``) template, or why not;
    ``civil``: the hours the service contacts anyone at all (the operator's policy, 08:00 to 21:00)."""
    prefs = person.preferences
    if person.erased:
        return Suppression("erased", "this person's details were erased on request")
    if person.withdrawn:
        return Suppression("withdrawn", "this person withdrew their consent to take part")
    if not person.consented:
        return Suppression("no_consent", "this person has not agreed to hear from the service")
    if prefs is None or prefs.safe_times == ERASED:
        return Suppression("erased", "this person's contact preferences are not readable (erased)")
    allowed = [c for c in PREFERENCE if c in prefs.channels and c in person.reachable]
    if not allowed:
        return Suppression("no_contact_details", "no allowed channel has contact details on record")
    safe = [c for c in allowed if _usable(c, prefs, sensitive)]
    if not safe:
        return Suppression("unsafe_channel", "no allowed channel is safe for this message "
                                             "(nothing sensitive by SMS; no message may be left)")
    window = parse_safe_times(prefs.safe_times, civil)
    if window is UNCLEAR:
        return Suppression("safe_times_unclear", "the safe times given could not be read: ask the person")
    channel = safe[0]
    when = now if channel == "letter" else next_safe_moment(window, now)
    if when is None or (latest is not None and when > latest):
        return Suppression("unsafe_time", "no safe time to contact this person before it is too late")
    return Delivery(channel, when, prefs.language, prefs.interpreter_needed)
