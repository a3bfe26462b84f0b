"""The notifications contracts: registered, readable back, and carrying no personal data in clear."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import pytest

from shared.contracts import known_contracts, parse
from shared.contracts.notifications import (
    DeadlineMissed,
    NotificationEvent,
    NotificationFailed,
    NotificationSent,
    NotificationSuppressed,
    ReminderRaised,
)
from shared.workingdays import LONDON

ADDRESSED = dict(notification_id=UUID(int=1), source_event_id=UUID(int=2), recipient_role="victim",
                 recipient_id=str(UUID(int=3)), template="acknowledgement_to_victim")
EXAMPLES = [
    NotificationSent(**ADDRESSED, channel="email", provider_reference="msg-123"),
    NotificationFailed(**ADDRESSED, channel="sms", reason="429", attempt=2, permanent=False),
    NotificationSuppressed(**ADDRESSED, reason="unsafe_time", detail="no safe time before the conference"),
    DeadlineMissed(notification_id=UUID(int=4), duty="attempt_contact",
                   due_at=datetime(2026, 10, 7, 10, tzinfo=LONDON), referral_id=UUID(int=5)),
    ReminderRaised(notification_id=UUID(int=6), referral_id=UUID(int=5), duty="attempt_contact",
                   due_at=datetime(2026, 10, 7, 10, tzinfo=LONDON)),
]


@pytest.mark.parametrize("event", EXAMPLES, ids=lambda event: event.event_type)
def test_each_contract_is_registered_and_reads_back_as_it_was(event):
    assert known_contracts()[event.event_type] is type(event)
    assert parse(event.event_type, 1, event.model_dump(mode="json")) == event
    assert isinstance(event, NotificationEvent) and event.category == "notification"


@pytest.mark.parametrize("event", EXAMPLES, ids=lambda event: event.event_type)
def test_no_notification_contract_carries_personal_data(event):
    assert "x-personal-data" not in str(type(event).model_json_schema())
    assert type(event).personal_data_of is None
