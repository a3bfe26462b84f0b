"""What a referral must contain: the request document of the partner API, the CloudEvent
``rj.referral.submitted.v1`` and the self-referral form alike, with the rules each field obeys
(a UK phone number, a past date, a safe channel for every contact detail given). The edges
validate against it, and every message names the field, what is wrong and what is allowed.

Every string is one PostgreSQL can store as text (no NUL, no lone surrogate), every yes/no is a
JSON boolean and every date is written as text and plausible: what is refused here is refused at
every edge alike, before anything is recorded."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

import phonenumbers
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    StrictBool,
    model_validator,
)
from pydantic_core import PydanticCustomError

from shared.contracts.referral import Channel, CriminalJusticeStage, Initiator, ReferralSource

OffenceType = Literal[
    "violence_against_the_person", "sexual_offence", "robbery", "burglary", "theft", "vehicle_offence",
    "criminal_damage_or_arson", "fraud", "public_order", "harassment_or_stalking", "homicide",
    "drug_offence", "weapons_possession", "road_traffic", "other",
]
UK_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$", re.IGNORECASE)


EARLIEST = date(1900, 1, 1)  # no date a referral speaks of is older; anything before is a typo


def text_problem(value: str) -> str | None:
    """Why PostgreSQL could not keep ``value`` as text, if it could not: a NUL character, or a lone
    UTF-16 surrogate (JSON can carry one as an escape, ``\\ud800``, though it is no character)."""
    if "\x00" in value:
        return "contains a NUL character (\\u0000); remove it"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains malformed Unicode (a lone surrogate such as \\ud800); send valid UTF-8 text"
    return None


def storable(value: object) -> object:
    """Refuse text PostgreSQL cannot keep. Left alone, it would fail only when the event is
    stored, as a 500; refused here, the field is named."""
    if isinstance(value, str) and (problem := text_problem(value)):
        raise PydanticCustomError("unstorable_text", problem)
    return value  # not text: the field's own type says what is wrong with it


def _written_date(value: object) -> object:
    """A date comes as text (YYYY-MM-DD): a number would otherwise be read as seconds since 1970."""
    if not isinstance(value, str | date):
        raise PydanticCustomError("date_type", "must be a date written as YYYY-MM-DD")
    return value


def _uk_phone(value: str) -> str:
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        raise ValueError("is not a phone number; give a UK number such as 07700 900123 or 01632 960001") from None
    # "Possible", not "valid": the check is the shape of a UK number, not whether it is in service.
    if (number.country_code != 44 or not phonenumbers.is_possible_number(number)
            or len(str(number.national_number)) not in (9, 10)):
        raise ValueError("is not a valid UK phone number, such as 07700 900123 or 01632 960001")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _postcode(value: str) -> str:
    if not UK_POSTCODE.match(value.strip()):
        raise ValueError("is not a UK postcode, such as HP20 1AA")
    compact = value.strip().upper().replace(" ", "")
    return f"{compact[:-3]} {compact[-3:]}"


def _plausible_past(value: date | None) -> date | None:
    if value is not None and value > date.today():
        raise ValueError("must be today or in the past")
    if value is not None and value < EARLIEST:
        raise ValueError(f"must be on or after {EARLIEST.isoformat()}")
    return value


def _boolean(value: object) -> object:
    """Yes or no is a JSON boolean: "yes", "true" or 1 might mean it, or might be a mistake."""
    if not isinstance(value, bool):
        raise PydanticCustomError("bool_type", "must be true or false (a JSON boolean, not text or a number)")
    return value


_STORABLE = BeforeValidator(storable)
_AS_TEXT = BeforeValidator(_written_date)
_PLAUSIBLE = {"formatMinimum": EARLIEST.isoformat()}  # the bound a JSON Schema can state; "not after today" is in words
UKPhone = Annotated[str, _STORABLE, Field(max_length=30), AfterValidator(_uk_phone)]
Postcode = Annotated[str, _STORABLE, Field(max_length=10), AfterValidator(_postcode)]
Email = Annotated[EmailStr, _STORABLE]
DateText = Annotated[date, _AS_TEXT]
PastDate = Annotated[date, _AS_TEXT, AfterValidator(_plausible_past), Field(
    description=f"YYYY-MM-DD, on or after {EARLIEST.isoformat()} and not after today",
    json_schema_extra=_PLAUSIBLE)]
BirthDate = PastDate
Boolean = Annotated[StrictBool, BeforeValidator(_boolean)]
Text = Annotated[str, _STORABLE, Field(min_length=1, max_length=200)]
LongText = Annotated[str, _STORABLE, Field(min_length=1, max_length=4000)]


class Strict(BaseModel):
    """Unknown fields are an error at the edge: a typo must not silently drop information."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ReferrerIn(Strict):
    organisation: Text
    name: Text | None = None
    email: Email | None = None
    phone: UKPhone | None = None


class ContactPreferencesIn(Strict):
    channels: list[Channel] = Field(min_length=1, description="ways it is safe to contact the victim")
    safe_times: Text | None = Field(default=None, description="when contact is safe, e.g. 'weekdays after 6pm'")
    may_leave_message: Boolean = False
    language: Text = "English"
    interpreter_needed: Boolean = False


class VictimIn(Strict):
    name: Text
    date_of_birth: BirthDate | None = None
    email: Email | None = None
    phone: UKPhone | None = None
    address: Annotated[str, _STORABLE, Field(min_length=1, max_length=500)] | None = None
    postcode: Postcode | None = None
    safe_contact_notes: LongText | None = None
    access_needs: LongText | None = None
    contact_preferences: ContactPreferencesIn | None = None

    @model_validator(mode="after")
    def _safe_contact(self) -> VictimIn:
        given = [f for f in ("email", "phone", "address") if getattr(self, f)]
        if given and self.contact_preferences is None:
            raise ValueError(
                f"contact_preferences: required because {', '.join(given)} given;"
                " say which channels are safe to use"
            )
        if self.contact_preferences:
            needs = {"email": "email", "sms": "phone", "phone": "phone", "letter": "address"}
            for channel in self.contact_preferences.channels:
                if channel in needs and not getattr(self, needs[channel]):
                    raise ValueError(
                        f"contact_preferences.channels: '{channel}' chosen but no {needs[channel]} given"
                    )
        return self


class OffenceIn(Strict):
    crime_reference: Annotated[str, _STORABLE, Field(min_length=1, max_length=40,
                                                      pattern=r"^[A-Za-z0-9/\-]+$")] | None = None
    offence_type: OffenceType
    offence_date: PastDate | None = None
    area: Text
    description: LongText | None = None


class OffenderIn(Strict):
    name: Text | None = None
    date_of_birth: BirthDate | None = None
    known_to_victim: Boolean | None = None
    custody_status: Literal["in_community", "in_custody", "on_licence", "unknown"] = "unknown"
    establishment: Text | None = None


EXAMPLE = {
    "source": "police",
    "referrer": {"organisation": "Thames Valley Police", "name": "PC Jo Evans",
                 "email": "jo.evans@police.example", "phone": "01632 960001"},
    "victim": {
        "name": "Alex Morgan", "date_of_birth": "1984-03-02", "email": "alex.morgan@example.org",
        "phone": "07700 900123", "postcode": "HP20 1AA",
        "safe_contact_notes": "Lives with family; do not mention the offence to whoever answers.",
        "contact_preferences": {"channels": ["email", "phone"], "safe_times": "weekdays after 6pm",
                                "may_leave_message": False, "language": "English"},
    },
    "offence": {"crime_reference": "43/12345/26", "offence_type": "burglary", "offence_date": "2026-09-14",
                "area": "Buckinghamshire", "description": "House broken into while the family was away."},
    "offender": {"name": "Sam Taylor", "known_to_victim": False, "custody_status": "in_community"},
    "criminal_justice_stage": "post_sentence",
    "initiated_by": "victim",
    "victim_aware_of_referral": True,
    "hopes": "To ask why our house was chosen.",
}


class ReferralSubmission(Strict):
    """A referral as a partner agency sends it (and, with source ``self``, as a victim does)."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})

    source: ReferralSource
    referrer: ReferrerIn | None = None
    victim: VictimIn
    offence: OffenceIn
    offender: OffenderIn | None = None
    criminal_justice_stage: CriminalJusticeStage
    initiated_by: Initiator
    victim_aware_of_referral: Boolean
    hopes: LongText | None = None

    @model_validator(mode="after")
    def _referrer_for_agencies(self) -> ReferralSubmission:
        if self.source != "self" and self.referrer is None:
            raise ValueError("referrer: required when the source is an agency")
        if self.source == "self" and self.initiated_by != "victim":
            raise ValueError("initiated_by: must be 'victim' for a self-referral")
        return self
