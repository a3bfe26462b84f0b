"""Contracts: registry by type, tolerant reading, and upcasting of old stored payloads."""

from __future__ import annotations

from typing import ClassVar
from uuid import uuid4, uuid5

import pytest
from pydantic import ValidationError

from shared.contracts import known_contracts, parse
from shared.contracts.base import DomainEvent
from shared.contracts.registry import UnknownEventType, contract, upcaster


@contract
class ReparationItemRecorded(DomainEvent):
    """A test-only contract at schema version 3, to exercise a two-step upcast chain."""

    event_type: ClassVar[str] = "TestReparationItemRecorded"
    schema_version: ClassVar[int] = 3
    producer: ClassVar[str] = "casework"
    category: ClassVar[str] = "case"

    case_id: str
    kind: str
    direct: bool
    due_date: str | None


@upcaster("TestReparationItemRecorded", 1)
def _v1_to_v2(data: dict) -> dict:
    # v1 called the kind "type"
    data = dict(data)
    data["kind"] = data.pop("type")
    return data


@upcaster("TestReparationItemRecorded", 2)
def _v2_to_v3(data: dict) -> dict:
    # v2 had no notion of direct/indirect; everything recorded then was indirect
    return {**data, "direct": False, "due_date": data.get("due_date")}


def test_an_old_stored_payload_is_read_through_the_whole_upcast_chain():
    stored_v1 = {"case_id": "case-1", "type": "apology letter"}
    event = parse("TestReparationItemRecorded", 1, stored_v1)
    assert event == ReparationItemRecorded(case_id="case-1", kind="apology letter", direct=False, due_date=None)
    assert stored_v1 == {"case_id": "case-1", "type": "apology letter"}  # stored data is never rewritten


def test_a_current_payload_is_not_upcast():
    payload = {"case_id": "c", "kind": "k", "direct": True, "due_date": "2027-01-31"}
    assert parse("TestReparationItemRecorded", 3, payload).direct is True


def test_a_missing_upcaster_is_a_clear_error():
    from shared.contracts.registry import _UPCASTERS

    step = _UPCASTERS.pop(("TestReparationItemRecorded", 2))
    try:
        with pytest.raises(LookupError, match="no upcaster from schema version 2"):
            parse("TestReparationItemRecorded", 1, {"case_id": "c", "type": "t"})
    finally:
        _UPCASTERS[("TestReparationItemRecorded", 2)] = step


def test_readers_ignore_fields_a_newer_producer_added():
    event = parse("CaseOpened", 1, {"case_id": str(uuid4()), "referral_id": str(uuid4()),
                                     "reference": "RJ-2026-000001", "added_later": "x"})
    assert not hasattr(event, "added_later")


def test_contracts_are_frozen():
    event = parse("CaseOpened", 1, {"case_id": str(uuid4()), "referral_id": str(uuid4()), "reference": "R"})
    with pytest.raises(ValidationError):
        event.reference = "changed"


def test_an_unknown_event_type_is_named_in_the_error():
    with pytest.raises(UnknownEventType, match="NoSuchEvent"):
        parse("NoSuchEvent", 1, {})


def test_every_contract_names_its_producer_and_a_category_that_producer_relays():
    from rj.registry import SERVICES

    for event_type, cls in known_contracts().items():
        assert cls.event_type == event_type
        if cls.producer in SERVICES:  # test-only contracts here name producers too
            assert cls.category in SERVICES[cls.producer].definition.categories, event_type


def test_a_version_1_referral_reads_with_its_referrer_as_a_data_subject():
    referral_id = uuid4()
    stored = {
        "referral_id": str(referral_id), "reference": "REF-2026-000001", "source": "police",
        "referrer": {"organisation": "Thames Valley Police", "name": "PC Jo Evans"},
        "victim": {"subject_id": str(uuid4()), "name": "Alex Morgan", "contact_preferences": {"channels": ["email"]}},
        "offence": {"offence_type": "burglary", "area": "Buckinghamshire"},
        "criminal_justice_stage": "post_sentence", "initiated_by": "victim", "victim_aware_of_referral": True,
        "received_at": "2026-10-01T09:30:00+00:00",
    }
    event = parse("ReferralReceived", 1, stored)
    assert event.referrer.subject_id == uuid5(referral_id, "referrer")
    assert (event.referrer.name, event.request_digest) == ("PC Jo Evans", None)
    assert parse("ReferralReceived", 1, {**stored, "referrer": None}).referrer is None
