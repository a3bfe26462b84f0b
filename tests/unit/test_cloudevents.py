"""Recorded events travel the broker as structured CloudEvents and come back unchanged."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from shared.eventstore.port import Actor, Position, RecordedEvent
from shared.messaging.cloudevents import from_cloudevent, subject_for, to_cloudevent


def a_recorded_event(**overrides) -> RecordedEvent:
    fields = dict(
        event_id=uuid4(), stream_id=f"referral-{uuid4()}", stream_version=3, position=Position(812, 40),
        event_type="ReferralReceived", schema_version=1, data={"a": {"$sealed": 1, "subject": "s", "ct": "x"}},
        occurred_at=datetime(2026, 11, 24, 9, 30, tzinfo=UTC), recorded_at=datetime(2026, 11, 24, 9, 30, 1, tzinfo=UTC),
        correlation_id=uuid4(), causation_id=uuid4(), actor=Actor("agency", "tvp", "partner"), producer="referral",
    )
    fields.update(overrides)
    return RecordedEvent(**fields)


def test_a_recorded_event_survives_the_round_trip_through_a_cloudevent():
    event = a_recorded_event()
    assert from_cloudevent(to_cloudevent(event)) == event


def test_an_event_without_a_cause_survives_the_round_trip():
    event = a_recorded_event(causation_id=None, actor=Actor("system", "clock"))
    assert from_cloudevent(to_cloudevent(event)) == event


def test_the_cloudevent_carries_the_required_attributes_and_the_subject_names_the_producer():
    event = a_recorded_event()
    ce = to_cloudevent(event)
    assert ce["specversion"] == "1.0"
    assert ce["id"] == str(event.event_id) and ce["source"] == "/rj/referral"
    assert ce["type"] == "ReferralReceived" and ce["subject"] == event.stream_id
    assert subject_for(event) == "rj.referral.ReferralReceived"
    assert all(name.isalnum() and name.islower() for name in ce)  # CloudEvents attribute naming
