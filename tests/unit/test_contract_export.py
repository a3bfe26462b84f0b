"""Partners get a JSON Schema of every event and an AsyncAPI document of the stream."""

from __future__ import annotations

import json

from rj.cli import main
from shared.contracts import known_contracts
from shared.contracts.export import asyncapi_document, json_schemas


def test_every_contract_has_a_json_schema_marking_its_personal_fields():
    schemas = json_schemas()
    assert set(schemas) == {f"{t}.v{c.schema_version}" for t, c in known_contracts().items()}
    referral = schemas["ReferralReceived.v2"]
    victim = referral["$defs"]["Victim"]["properties"]
    assert victim["name"]["x-personal-data"] is True and victim["email"]["x-personal-data"] is True
    referrer = referral["$defs"]["Referrer"]["properties"]
    assert all(referrer[f]["x-personal-data"] is True for f in ("name", "email", "phone"))
    assert referral["$defs"]["ContactPreferences"]["properties"]["safe_times"]["x-personal-data"] is True
    assert "x-personal-data" not in victim["subject_id"]
    assert "x-personal-data" not in referral["properties"]["source"]
    assert referral["x-producer"] == "referral" and referral["x-stream-category"] == "referral"


def test_the_asyncapi_document_has_a_channel_per_event_on_its_producers_subject():
    document = asyncapi_document()
    assert document["asyncapi"].startswith("3.")
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert "rj.referral.ReferralReceived" in addresses and "rj.casework.CaseOpened" in addresses


def test_rj_contracts_writes_the_files(tmp_path):
    assert main(["contracts", "--out", str(tmp_path)]) == 0
    written = json.loads((tmp_path / "jsonschema" / "ReferralReceived.v2.json").read_text())
    assert written["title"] == "ReferralReceived"
    assert json.loads((tmp_path / "asyncapi.json").read_text())["info"]["title"]
