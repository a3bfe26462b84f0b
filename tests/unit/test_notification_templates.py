"""Every message template renders on every channel it has, and takes exactly the values it names."""

from __future__ import annotations

import datetime

import pytest

from services.notifications.adapters import templates
from services.notifications.adapters.templates import TemplateError, render, required_values

REQUIRED = {
    "acknowledgement_to_victim": {"email", "sms", "letter"},
    "acknowledgement_to_agency": {"email"},
    "facilitator_allocated": {"email", "sms", "letter"},
    "conference_scheduled": {"email", "letter"},  # sensitive: never by SMS
    "conference_moved": {"email", "letter"},
    "conference_cancelled": {"email", "letter"},
    "conference_reminder": {"email"},
    "first_contact_reminder": {"email"},
    "deadline_missed": {"email"},
    "reparation_item_due": {"email"},  # to the facilitator, who checks it was done
    "case_allocated": {"email"},
}
# One example per value name; dates are dates, so each language formats them itself.
SAMPLES = {
    "first_name": "Ada <&> O'Brien",
    "reference": "RJ-2026-00042",
    "progress_url": "https://rj.example.org/progress/4f1c2e9a",
    "agency_name": "Thames Valley Police",
    "agency_reference": "TVP/123",
    "received_on": datetime.date(2026, 3, 2),
    "facilitator_name": "Sam Jones",
    "conference_date": datetime.date(2026, 4, 14),
    "previous_date": datetime.date(2026, 4, 7),
    "conference_time": "10:30",
    "venue": "Oxford Town Hall",
    "staff_name": "Sam Jones",
    "case_url": "https://rj.example.org/cases/RJ-2026-00042",
    "due_on": datetime.date(2026, 3, 4),
    "deadline": "the first contact attempt",
    "item": "a letter of apology",
}
EVERY = [(t, c) for t in templates.templates() for c in templates.channels(t)]


def test_every_required_template_has_its_channels():
    for template, wanted in REQUIRED.items():
        assert wanted <= set(templates.channels(template)), template


@pytest.mark.parametrize(("template", "channel"), EVERY, ids=[f"{t}-{c}" for t, c in EVERY])
def test_renders_every_template_on_every_channel(template, channel):
    values = {name: SAMPLES[name] for name in required_values(template, channel)}
    message = render(template, channel, "en", values)
    assert message.text.strip() and "{{" not in message.text
    assert values["reference"] in message.text + (message.subject or "")
    if channel == "email":
        assert message.subject and "\n" not in message.subject
        assert message.html.startswith("<!DOCTYPE html>") and "{{" not in message.html
        if "first_name" in values:  # autoescaped in HTML, as typed in text
            assert "Ada &lt;&amp;&gt; O&#39;Brien" in message.html and "Ada <&> O'Brien" in message.text
    else:
        assert message.html is None
    if channel == "sms":
        assert len(message.text) <= 306, "two SMS fragments at most"
        assert "first_name" not in values, "a text message names nobody: phones are shared"


def test_formats_dates_for_the_language():
    message = render("first_contact_reminder", "email", "en", {
        "staff_name": "Sam", "reference": "RJ-1", "due_on": datetime.date(2026, 3, 4), "case_url": "https://x/c/1",
    })
    assert "4 March 2026" in message.text


def test_refuses_a_value_the_template_does_not_name():
    values = {name: SAMPLES[name] for name in required_values("acknowledgement_to_victim", "sms")}
    with pytest.raises(TemplateError, match="first_name not used by this template"):
        render("acknowledgement_to_victim", "sms", "en", values | {"first_name": "Ada"})


def test_refuses_a_missing_value_and_names_it():
    says = r"missing value\(s\) progress_url.*takes exactly: progress_url, reference"
    with pytest.raises(TemplateError, match=says):
        render("acknowledgement_to_victim", "sms", "en", {"reference": "RJ-1"})


@pytest.mark.parametrize(("template", "channel", "language", "says"), [
    ("no_such_thing", "email", "en", "template 'no_such_thing' does not exist"),
    ("deadline_missed", "sms", "en", "has no 'sms' version in 'en'; it has: email"),
    ("deadline_missed", "email", "cy", "language 'cy' has no templates"),
])
def test_refuses_unknown_templates_channels_and_languages(template, channel, language, says):
    with pytest.raises(TemplateError, match=says):
        render(template, channel, language, {})


def test_takes_the_language_as_contact_preferences_name_it():
    values = {"reference": "RJ-1", "progress_url": "https://x/p/1"}
    assert render("acknowledgement_to_victim", "sms", "English", values).language == "en"


def test_every_rule_has_its_template_and_every_template_a_rule():
    from services.notifications.adapters.templates import templates
    from services.notifications.domain.rules import RULES

    assert {rule.template for rule in RULES} == set(templates())


def test_a_sensitive_template_has_no_sms_version_to_send():
    """The rules never send a sensitive template by SMS; say so in the files too (none kept for it)."""
    from services.notifications.adapters.templates import channels, templates
    from services.notifications.domain.rules import is_sensitive

    assert [t for t in templates() if is_sensitive(t) and "sms" in channels(t)] == []
