"""Every text of casework's pages is in the English catalogue, and every action, field and choice
the forms are built from has words of its own (so a Welsh catalogue needs no template change)."""

from __future__ import annotations

from services.casework.domain.rules import ALL_ACTIONS
from services.casework.domain.state import STAGES
from services.casework.handlers.timeline import PHRASES
from services.casework.web import labels
from services.casework.web.catalogue import extracted, po, read
from services.casework.web.forms import fields_of


def test_every_text_marked_in_the_templates_and_pages_is_in_the_english_catalogue():
    english = read(po("en"), "en")
    missing = sorted(m.id for m in extracted() if m.id and (m.id not in english or not english[m.id].string))
    assert not missing, f"not in locale/en (run python -m services.casework.web.catalogue): {missing}"


def test_the_catalogue_has_the_texts_of_the_templates():
    texts = {m.id for m in extracted()}
    assert {"Sign in", "There is a problem", "What changed since you loaded the page", "Timeline"} <= texts
    assert labels.ACTIONS["VetLetter"] in texts  # the words marked in the page code too


def test_every_action_field_and_choice_has_words():
    for action in ALL_ACTIONS:
        assert action.__name__ in labels.ACTIONS
        for f in fields_of(action, lambda *_: None):  # a field without words fails here (KeyError)
            for value, _words in f.choices:
                assert value == "" or value in labels.CHOICES, (action.__name__, f.name, value)


def test_every_status_has_a_label_and_a_colour():
    assert set(STAGES) | {"on_hold", "awaiting_sign_off"} == set(labels.STATUSES)


def test_every_event_of_the_timeline_has_a_title():
    assert {event.__name__ for event in PHRASES} <= set(labels.EVENTS)
