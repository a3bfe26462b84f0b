"""Every text of casework's pages is in the English catalogue, and every action, field and choice
the forms are built from has words of its own (so a Welsh catalogue needs no template change); so
are the timeline's and the deadlines' phrases, and each rule's name and explanation."""

from __future__ import annotations

import dataclasses
import typing
from datetime import date
from pathlib import Path

from pydantic import BaseModel

from services.casework.domain.errors import CaseRuleBroken
from services.casework.domain.rules import ALL_ACTIONS
from services.casework.domain.state import STAGES, CaseState
from services.casework.handlers.case_view import DEADLINE_PHRASES
from services.casework.handlers.timeline import PHRASES, Phrase, placeholders
from services.casework.web import labels
from services.casework.web.catalogue import extracted, po, read
from services.casework.web.forms import fields_of
from services.casework.web.i18n import LOCALE_DIR
from services.casework.web.pages import choice_in_sentence, in_sentence, said
from services.referral.domain.submission import OffenceType
from shared.contracts import casework as e
from shared.contracts.casework.triage import SensitivityReason
from shared.contracts.referral import CriminalJusticeStage, Initiator, ReferralSource


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


def placeholder_mismatches(path: Path) -> list[str]:
    """The messages of a catalogue whose translation does not keep its phrase's placeholders."""
    return [message.id for message in read(path) if message.id and message.string
            and isinstance(message.id, str) and placeholders(message.string) != placeholders(message.id)]


def test_every_translation_keeps_the_placeholders_of_its_phrase():
    for path in LOCALE_DIR.glob("*/LC_MESSAGES/messages.po"):
        assert placeholder_mismatches(path) == [], path


def test_a_translation_that_drops_or_renames_a_placeholder_is_caught(tmp_path):
    """English translates every phrase as itself, so the check above needs this to show it can fail."""
    phrase = PHRASES[e.ContactAttempted]
    welsh = tmp_path / "messages.po"
    welsh.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        f'msgid "{phrase}"\nmsgstr "Ymgais i gysylltu â {{parti}}"\n', encoding="utf-8")
    assert placeholder_mismatches(welsh) == [phrase]


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


def test_every_rule_has_a_name_and_an_explanation_that_does_not_say_the_name_again():
    rules = {cls.__name__ for cls in _subclasses(CaseRuleBroken)}
    assert rules <= set(labels.RULES) and rules <= set(labels.EXPLANATIONS)
    assert labels.PARTICULARS <= rules
    for name in rules:
        words = labels.rule(name).lower().replace(".", "").split()
        explanation = " ".join(labels.EXPLANATIONS[name].lower().replace(".", "").split())
        repeated = [" ".join(words[n:n + 3]) for n in range(len(words) - 2) if " ".join(words[n:n + 3]) in explanation]
        assert not repeated, (name, repeated)


def test_a_refusal_adds_the_domains_detail_only_when_it_names_the_cases_particulars():
    missing = "a conference needs the victim's written consent to take part; a risk assessment of the offender"
    assert labels.refusal("JointWorkNotReady", missing) == (
        "Joint work is not ready: Nothing joint happens without both parties' consent, both risk assessments and, "
        f"for a sensitive case, a supervisor's sign-off. ({missing})")
    found = labels.refusal("IdentifyingDetails", "still carries the victim's postcode")
    assert found.startswith("The victim's details must not reach the offender: They could be used")
    assert found.endswith("(still carries the victim's postcode)")
    restated = labels.refusal("SignOffNotNeeded", "sign-off is for sensitive cases; this one is not flagged sensitive")
    assert restated == ("Sign-off is for sensitive cases: This case is not flagged sensitive, so it goes ahead "
                        "without one.")
    for name in set(labels.EXPLANATIONS) - labels.PARTICULARS:  # the detail only says the rule again: left out
        assert labels.refusal(name, "the domain's words") == f"{labels.rule(name)}: {labels.EXPLANATIONS[name]}"
    for name in labels.PARTICULARS:
        assert labels.refusal(name, "the domain's words").endswith(f"{labels.EXPLANATIONS[name]} (the domain's words)")
    assert labels.refusal("SomeNewRule", "what it says") == "A rule refuses this: what it says"


# -- every value a case can show, in the catalogue's words -------------------------------------------
def _codes(annotation, seen: set) -> set[str]:
    """Every value a Literal allows, anywhere in a type: inside unions, tuples, mappings, models and dataclasses."""
    found: set[str] = set()
    if isinstance(annotation, type) and (issubclass(annotation, BaseModel) or dataclasses.is_dataclass(annotation)):
        if annotation not in seen:
            seen.add(annotation)
            for hint in typing.get_type_hints(annotation).values():
                found |= _codes(hint, seen)
        return found
    if typing.get_origin(annotation) is typing.Literal:
        return {v for v in typing.get_args(annotation) if isinstance(v, str)}
    for arg in typing.get_args(annotation) or ():
        found |= _codes(arg, seen)
    return found


NOT_SHOWN = {"[erased]"} | set(typing.get_args(typing.get_type_hints(e.CaseAccessed)["view"]))
"""Codes no page shows: an erased value's marker (shown as recorded), and which view a read was of."""


def test_every_code_a_case_can_show_has_words_of_its_own():
    """What a case holds is shown in the catalogue's words, never as its code: the values of its events
    and state, and what the referral said of it (carried in ``CaseOpened`` as plain strings)."""
    events = [c for c in vars(e).values() if isinstance(c, type) and issubclass(c, e.CaseEvent)]
    codes: set[str] = set()
    for cls in (*events, CaseState):
        codes |= _codes(cls, set())
    from_the_referral = (OffenceType, ReferralSource, CriminalJusticeStage, Initiator, SensitivityReason)
    for annotation in from_the_referral:
        codes |= _codes(annotation, set())
    sign_off_none = {"none"}  # shown as "Not requested"
    missing = sorted(codes - NOT_SHOWN - sign_off_none - set(labels.CHOICES) - set(labels.STATUSES))
    assert not missing, f"no words in labels.CHOICES for {missing}"
    assert {"sexual_offence", "self", "post_sentence", "completed_direct", "victim_to_offender"} <= codes
    assert labels.choice("sexual_offence") == "Sexual offence"


def test_a_choice_inside_a_sentence_is_in_lower_case():
    assert choice_in_sentence("victim") == "victim" and choice_in_sentence("in_person") == "in person"
    assert choice_in_sentence("ada.advanced") == "ada.advanced"  # a username has no words: as it is
    assert in_sentence("RJ information") == "RJ information"
    reason = Phrase(PHRASES[e.CaseOnHold], {"reason": "see ref_12 from Police"})
    assert said(reason) == "Put on hold: see ref_12 from Police"  # typed text as typed


def _subclasses(cls: type) -> set[type]:
    return {sub for direct in cls.__subclasses__() for sub in {direct, *_subclasses(direct)}}


def test_no_template_puts_a_code_into_words_of_its_own():
    """A code is shown through ``choice``, ``choice_in_sentence`` or ``status_label`` (the catalogue's
    words), never by rewriting the code itself (``sexual_offence`` → ``sexual offence``)."""
    for template in (LOCALE_DIR.parent / "templates").glob("*.html"):
        text = template.read_text()
        assert 'replace("_"' not in text and "replace('_'" not in text and "| lower" not in text, template.name
