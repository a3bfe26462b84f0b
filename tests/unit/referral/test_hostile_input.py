"""The edge's own checks, without a database: CloudEvent attributes, JSON depth, command dates."""

from __future__ import annotations

import base64
import json
from uuid import uuid4

import pytest
from pydantic import ValidationError

from services.referral.api.events import _binary, _structured, _validate
from services.referral.domain.commands import ChangeCustody, DeferSentence, RecordSentence, WithdrawReferral
from services.referral.domain.submission import EXAMPLE, text_problem
from shared.web.limits import ensure_shallow_json, json_depth
from shared.web.problems import Problem, problem_response

EVENT = {"specversion": "1.0", "id": "crm-1", "source": "/tvp/crm", "type": "rj.referral.submitted.v1",
         "data": EXAMPLE}


def refused(document) -> Problem:
    with pytest.raises(Problem) as problem:
        _validate(_structured(None, document))
    return problem.value


@pytest.mark.parametrize(("value", "problem"), [
    ("fine", None), ("", None), ("naïve café ✓", None),
    ("a\x00", "contains a NUL character (\\u0000); remove it"),
    ("\ud800", "contains malformed Unicode (a lone surrogate such as \\ud800); send valid UTF-8 text"),
])
def test_text_problem_names_nul_and_lone_surrogates(value, problem):
    assert text_problem(value) == problem


def test_a_sound_structured_event_is_read():
    incoming = _validate(_structured(None, EVENT))
    assert (incoming.id, incoming.source) == ("crm-1", "/tvp/crm")


def test_data_base64_is_read_as_the_data():
    encoded = base64.b64encode(json.dumps(EXAMPLE).encode()).decode()
    event = {k: v for k, v in EVENT.items() if k != "data"} | {"data_base64": encoded}
    assert _validate(_structured(None, event)).data.victim.name == "Alex Morgan"


@pytest.mark.parametrize("missing", ["id", "source", "type", "specversion"])
def test_a_missing_required_attribute_is_a_400_naming_it_and_no_id_is_made_up(missing):
    problem = refused({k: v for k, v in EVENT.items() if k != missing})
    assert problem.status == 400 and [e["field"] for e in problem.errors] == [missing]


@pytest.mark.parametrize(("attribute", "value", "says"), [
    ("source", "/tvp\x00", "NUL"), ("id", "\udfff", "lone surrogate"), ("subject", "a\x00", "NUL"),
    ("specversion", "0.3", "must be '1.0'"), ("id", "", "must not be empty"), ("id", 7, "must be a string"),
    ("id", "x" * 257, "at most 256"), ("time", "yesterday", "RFC 3339"), ("partnerref", [1], "must be a string"),
    ("Bad-Name", "x", "attribute name"),
])
def test_a_bad_attribute_is_a_422_naming_it(attribute, value, says):
    problem = refused(EVENT | {attribute: value})
    assert problem.status == 422
    [error] = problem.errors
    assert error["field"] == attribute and error["pointer"] == f"#/{attribute}" and says in error["problem"]


def test_a_binary_mode_attribute_is_named_as_its_header_and_percent_decoded():
    headers = {"ce-specversion": "1.0", "ce-id": "x", "ce-source": "/tvp%00", "ce-type": EVENT["type"]}
    with pytest.raises(Problem) as problem:
        _binary(headers, json.dumps(EXAMPLE).encode())
    [error] = problem.value.errors
    assert error["field"] == "ce-source" and "pointer" not in error and "NUL" in error["problem"]


@pytest.mark.parametrize(("body", "depth"), [
    (b"{}", 1), (b'{"a": [1, {"b": []}]}', 4), (b'["[[[[[[", "]]]"]', 1), (b'"\\"[[["', 0), (b"[" * 10_000, 33),
])
def test_json_depth_counts_brackets_outside_strings_and_stops_past_the_limit(body, depth):
    assert json_depth(body, 32) == depth


def test_json_nested_past_the_limit_is_a_400():
    ensure_shallow_json(b"[" * 32 + b"]" * 32)
    with pytest.raises(Problem) as problem:
        ensure_shallow_json(b"[" * 33 + b"]" * 33)
    assert problem.value.status == 400 and problem.value.kind == "json-too-deep"


def test_a_problem_naming_a_lone_surrogate_can_still_be_sent():
    problem = Problem(422, "Invalid", "\ud800: is not a field", errors=[{"field": "\ud800", "problem": "x"}])
    body = json.loads(problem_response(problem, "/x").body)
    assert body["errors"][0]["field"] == "\\ud800" and body["detail"].startswith("\\ud800")


@pytest.mark.parametrize(("model", "fields"), [
    (ChangeCustody, {"custody_status": "in_custody", "effective_date": "1899-12-31"}),
    (RecordSentence, {"court": "Oxford", "outcome": "x", "sentenced_on": "1800-01-01"}),
    (DeferSentence, {"court": "Oxford", "deferred_until": 20270101}),
    (WithdrawReferral, {"reason": "a\x00b"}),
    (RecordSentence, {"court": "Oxford\ud800", "outcome": "x", "sentenced_on": "2020-01-01"}),
])
def test_partner_updates_refuse_implausible_dates_and_unstorable_text(model, fields):
    with pytest.raises(ValidationError):
        model.model_validate({"referral_id": str(uuid4()), **fields})
