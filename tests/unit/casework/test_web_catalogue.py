"""Every text of casework's pages is in the English catalogue, and every action, field and choice
the forms are built from has words of its own (so a Welsh catalogue needs no template change); so
are the timeline's and the deadlines' phrases, and each rule's name and explanation."""

from __future__ import annotations

import typing
from datetime import date

from services.casework.domain.errors import CaseRuleBroken
from services.casework.domain.rules import ALL_ACTIONS
from services.casework.domain.state import STAGES
from services.casework.handlers.case_view import DEADLINE_PHRASES
from services.casework.handlers.timeline import PHRASES, Phrase, placeholders
from services.casework.web import labels
from services.casework.web.catalogue import extracted, po, read
from services.casework.web.forms import fields_of
from services.casework.web.i18n import LOCALE_DIR
from services.casework.web.pages import said
from shared.contracts import casework as e


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


# -- the handlers' phrases (timeline and deadlines) and the rules' refusals --------------------------
def _literal_values(annotation) -> set[str]:
    """The values a field's type allows, when it is a choice (a Literal, or a tuple of them)."""
    found: set[str] = set()
    for arg in typing.get_args(annotation) or ():
        found |= _literal_values(arg)
    if typing.get_origin(annotation) is typing.Literal:
        found |= {v for v in typing.get_args(annotation) if isinstance(v, str)}
    return found


def test_every_timeline_and_deadline_phrase_is_extracted_into_the_english_catalogue():
    english, texts = read(po("en"), "en"), {m.id for m in extracted()}
    phrases = set(PHRASES.values()) | set(DEADLINE_PHRASES)
    missing = sorted(p for p in phrases if p not in texts or p not in english or english[p].string != p)
    assert not missing, f"not marked with N_ or not in locale/en (run the catalogue): {missing}"


def test_every_translation_keeps_the_placeholders_of_its_phrase():
    for path in LOCALE_DIR.glob("*/LC_MESSAGES/messages.po"):
        for message in read(path):
            if message.id and message.string and isinstance(message.id, str):
                assert placeholders(message.string) == placeholders(message.id), (path, message.id)


def test_every_phrase_names_only_fields_of_its_event_and_each_of_their_choices_has_words():
    for event, msgid in PHRASES.items():
        for name in placeholders(msgid) - {"count"}:
            assert name in event.model_fields, (event.__name__, name)
            missing = _literal_values(event.model_fields[name].annotation) - set(labels.CHOICES)
            assert not missing, (event.__name__, name, missing)


def test_a_phrase_is_shown_in_the_pages_words_and_kept_in_english_for_the_api():
    entry = Phrase(PHRASES[e.ContactAttempted], {"party": "victim", "channel": "in_person",
                                                 "outcome": "not_safe_to_talk"})
    assert entry.english() == "Contact attempt with the victim by in person: not safe to talk"
    assert said(entry) == "Contact attempt with the victim by in person: not safe to talk"
    due = Phrase(PHRASES[e.RiskAssessmentCompleted], {"party": "offender", "level": "high",
                                                       "review_date": date(2026, 10, 1)})
    assert said(due) == "Risk assessment of the offender: high (review by 1 October 2026)"
    consent = Phrase(PHRASES[e.ConsentGiven], {"form": "written", "party": "victim", "scope": "participation"})
    assert said(consent) == "Written consent of the victim: taking part"
    assert said(Phrase(DEADLINE_PHRASES[0])) == "First contact attempt with the victim"


def test_every_rule_has_a_name_and_an_explanation_and_the_summary_keeps_the_detail():
    rules = {cls.__name__ for cls in _subclasses(CaseRuleBroken)}
    assert rules <= set(labels.RULES) and rules <= set(labels.EXPLANATIONS)
    said_ = labels.refusal("IdentifyingDetails", "still carries the victim's postcode")
    assert said_.startswith("The victim's details must not reach the offender: What reaches")
    assert said_.endswith("(still carries the victim's postcode)")


def _subclasses(cls: type) -> set[type]:
    return {sub for direct in cls.__subclasses__() for sub in {direct, *_subclasses(direct)}}
