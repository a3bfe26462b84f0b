"""A mistake or a rule's refusal on a case page, as the GOV.UK error pattern has it: the error
summary links to the field at fault, and the field shows the same text inline, its form group in
the error state; a refusal that names no field links to the form, and the summary alone says it."""

from __future__ import annotations

from datetime import date, timedelta
from html import unescape
from typing import Any

from pydantic import ValidationError

from services.casework.domain import commands as c
from services.casework.domain.commands import action_path
from services.casework.domain.errors import DateOutOfRange, IdentifyingDetails, JointWorkNotReady
from services.casework.domain.rules import ALL_ACTIONS
from services.casework.web.case_page import Posted, _at_fault, summary
from services.casework.web.forms import body_of, fields_of, form_key, messages
from services.casework.web.labels import refusal
from services.casework.web.pages import PAGES

FIELD = PAGES.env.from_string('{% from "_fields.html" import field %}{% for f in form.fields %}{{ field(f, form) }}'
                              '{% endfor %}')


def refused(action: type, values: dict[str, list[str]], error) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The action's form as the page shows it after ``error`` refused what was typed, and the summary."""
    fields = fields_of(action, lambda *_: None)
    posted = Posted(action.__name__, values, _at_fault(error, fields, values), refusal=error)
    form = {"action": action.__name__, "path": action_path(action), "fields": fields, "values": values,
            "errors": posted.field_errors}
    return form, summary([form], posted)


def invalid(action: type, values: dict[str, list[str]]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The same after the action's model refused what was typed."""
    fields = fields_of(action, lambda *_: None)
    try:
        action.model_validate(body_of(fields, values))
    except ValidationError as error:
        posted = Posted(action.__name__, values, messages(error, fields, values))
    form = {"action": action.__name__, "path": action_path(action), "fields": fields, "values": values,
            "errors": posted.field_errors}
    return form, summary([form], posted)


def inline(form: dict[str, Any], element_id: str) -> str:
    """The text of the inline error message ``element_id``-error, without its hidden "Error:"."""
    html = FIELD.render(form=form)
    assert f'id="{element_id}-error"' in html, f"no inline error for {element_id}"
    message = html.split(f'id="{element_id}-error"')[1].split("</p>")[0]
    return unescape(" ".join(message.split("</span>")[1].split()))


def test_a_refusal_naming_a_field_shows_on_the_field_with_the_summarys_text():
    error = IdentifyingDetails("still carries the victim's postcode; remove it", field="content")
    form, said = refused(c.VetLetter, {"letter_id": ["x"], "content": ["Write to HP20 1AA"]}, error)
    text = refusal("IdentifyingDetails", error.detail)
    assert said == [{"text": text, "href": "#vet-letter-content"}]
    assert inline(form, "vet-letter-content") == text
    html = FIELD.render(form=form)
    group = html.split('id="vet-letter-content-error"')[0].rsplit('<div class="govuk-form-group', 1)[1]
    assert group.startswith(" govuk-form-group--error")
    assert 'aria-describedby="vet-letter-content-error"' in html
    assert html.count("govuk-form-group--error") == 1  # the letter chosen is not at fault


def test_a_refusal_naming_no_field_is_in_the_summary_alone_linked_to_the_form():
    form, said = refused(c.DeliverLetter, {"letter_id": ["x"]}, JointWorkNotReady("delivering a letter needs …"))
    assert said == [{"text": refusal("JointWorkNotReady", "delivering a letter needs …"), "href": "#deliver-letter"}]
    assert "govuk-error-message" not in FIELD.render(form=form) and form["errors"] == {}


def test_a_refusal_of_a_reparation_item_shows_on_the_row_typed_in():
    past = f"{date.today() - timedelta(days=1):%Y-%m-%d}"
    values = {"items-1-kind": ["apology"], "items-1-description": ["A letter"], "items-1-due": [past]}
    form, said = refused(c.AgreeReparation, values, DateOutOfRange("must be after today", field="items.0.due"))
    assert said[0]["href"] == "#agree-reparation-items-1-due"  # the body's first item is the form's second row
    assert inline(form, "agree-reparation-items-1-due") == said[0]["text"]


def test_a_mistake_in_a_group_of_rows_shows_on_the_group_and_links_to_its_first_field():
    form, said = invalid(c.AgreeReparation, {})
    assert said == [{"text": "Reparation items – enter an answer", "href": "#agree-reparation-items-0-kind"}]
    assert inline(form, "agree-reparation-items") == said[0]["text"]
    assert 'id="agree-reparation-items-0-kind"' in FIELD.render(form=form)  # the link's target exists


def test_each_mistake_shows_on_its_field():
    form, said = invalid(c.RecordContactAttempt, {"channel": ["phone"], "items": ["not a field"]})
    assert [s["href"] for s in said] == ["#record-contact-attempt-party", "#record-contact-attempt-outcome"]
    for s in said:
        assert inline(form, s["href"][1:]) == s["text"]


def test_every_field_of_every_action_is_found_from_the_name_a_rule_gives_it():
    for action in ALL_ACTIONS:
        fields = fields_of(action, lambda *_: None)
        for f in fields:
            assert form_key([f.name], fields, {}) == f.name
        assert form_key(["If-Match"], fields, {}) is None and form_key([], fields, {}) is None
