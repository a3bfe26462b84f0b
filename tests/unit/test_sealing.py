"""Sealing personal fields (DESIGN D5), with a key provider in a dict."""

from __future__ import annotations

import base64
import json
import string
from collections.abc import Iterable
from uuid import UUID, uuid4

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import given
from hypothesis import strategies as st

from shared.contracts.base import ERASED, Contract, DataSubject, Personal
from shared.crypto.sealing import SEALED, open_sealed, seal, sealed_subjects


class Keys:
    """Both key protocols in memory; counts how often a sealing key is asked for."""

    def __init__(self) -> None:
        self.keys: dict[UUID, bytes] = {}
        self.forgotten: set[UUID] = set()
        self.asked: list[UUID] = []

    async def key_for_sealing(self, subject_id: UUID) -> bytes | None:
        self.asked.append(subject_id)
        if subject_id in self.forgotten:
            return None
        return self.keys.setdefault(subject_id, AESGCM.generate_key(bit_length=256))

    async def keys_for_opening(self, subject_ids: Iterable[UUID]) -> dict[UUID, bytes]:
        return {s: self.keys[s] for s in subject_ids if s in self.keys}

    def forget(self, subject_id: UUID) -> None:
        self.forgotten.add(subject_id)
        self.keys.pop(subject_id, None)


class Address(Contract):
    line: str
    postcode: Personal[str]


class Guardian(DataSubject):
    name: Personal[str]


class Person(DataSubject):
    name: Personal[str]
    phone: Personal[str | None] = None
    aliases: Personal[tuple[str, ...]] = ()
    home: Address | None = None  # not a subject itself: its personal fields are the person's
    guardian: Guardian | None = None  # a subject of their own inside this one
    age_band: str = "adult"


class Group(Contract):
    label: str
    members: tuple[Person, ...]


class Referral(Contract):
    reference: str
    victim: Person
    groups: list[Group] = []


class Orphan(Contract):
    secret: Personal[str]


def a_person(**fields) -> Person:
    return Person(subject_id=uuid4(), name=fields.pop("name", "Alex Morgan"), **fields)


def is_sealed(value, subject: UUID) -> bool:
    return isinstance(value, dict) and value.get(SEALED) == 1 and value["subject"] == str(subject)


async def test_a_sealed_event_hides_every_personal_value_and_opens_back_to_the_same_event():
    keys = Keys()
    victim = a_person(phone="07700 900123", aliases=("Lex", "A.M."),
                      home=Address(line="1 High Street", postcode="HP20 1AA"))
    event = Referral(reference="REF-1", victim=victim)

    sealed = await seal(event, keys)
    opened = await open_sealed(sealed, keys)

    for field in ("name", "phone", "aliases"):
        assert is_sealed(sealed["victim"][field], victim.subject_id), field
    assert is_sealed(sealed["victim"]["home"]["postcode"], victim.subject_id)
    assert sealed["victim"]["home"]["line"] == "1 High Street"
    assert sealed["victim"]["age_band"] == "adult" and sealed["reference"] == "REF-1"
    text = json.dumps(sealed)
    for secret in ("Alex Morgan", "07700 900123", "Lex", "HP20 1AA"):
        assert secret not in text
    assert opened == event.model_dump(mode="json")
    assert Referral.model_validate(opened) == event


async def test_none_values_stay_none_and_are_not_sealed():
    keys = Keys()
    victim = a_person()

    sealed = await seal(Referral(reference="R", victim=victim), keys)

    assert sealed["victim"]["phone"] is None
    assert sealed["victim"]["home"] is None and sealed["victim"]["guardian"] is None
    assert sealed_subjects(sealed) == {victim.subject_id}


async def test_a_nested_subject_seals_its_own_fields_under_its_own_key():
    keys = Keys()
    guardian = Guardian(subject_id=uuid4(), name="Jo Morgan")
    child = a_person(name="Kit Morgan", guardian=guardian)

    sealed = await seal(Referral(reference="R", victim=child), keys)
    keys.forget(child.subject_id)
    opened = await open_sealed(sealed, keys)

    assert is_sealed(sealed["victim"]["name"], child.subject_id)
    assert is_sealed(sealed["victim"]["guardian"]["name"], guardian.subject_id)
    assert opened["victim"]["name"] == ERASED
    assert opened["victim"]["guardian"]["name"] == "Jo Morgan"


async def test_each_subject_in_a_list_is_sealed_under_their_own_key_and_forgotten_alone():
    keys = Keys()
    people = [a_person(name=f"Person {n}") for n in range(3)]
    event = Referral(reference="R", victim=people[0],
                     groups=[Group(label="circle", members=tuple(people[1:]))])

    sealed = await seal(event, keys)
    keys.forget(people[1].subject_id)
    opened = await open_sealed(sealed, keys)

    members = sealed["groups"][0]["members"]
    assert [is_sealed(m["name"], p.subject_id) for m, p in zip(members, people[1:], strict=True)] == [True, True]
    assert sealed_subjects(sealed) == {p.subject_id for p in people}
    assert [m["name"] for m in opened["groups"][0]["members"]] == [ERASED, "Person 2"]
    assert opened["victim"]["name"] == "Person 0"
    assert opened["groups"][0]["label"] == "circle"


async def test_sealing_a_forgotten_subject_writes_erased_and_asks_for_each_key_once():
    keys = Keys()
    forgotten, other = a_person(name="Gone", phone="0770"), a_person(name="Here")
    keys.forget(forgotten.subject_id)
    event = Referral(reference="R", victim=forgotten, groups=[Group(label="g", members=(other, forgotten))])

    sealed = await seal(event, keys)

    assert sealed["victim"]["name"] == ERASED and sealed["victim"]["phone"] == ERASED
    assert sealed["groups"][0]["members"][1]["name"] == ERASED
    assert "Gone" not in json.dumps(sealed)
    assert sorted(keys.asked) == sorted([forgotten.subject_id, other.subject_id])
    opened = await open_sealed(sealed, keys)
    assert opened["groups"][0]["members"][0]["name"] == "Here"
    assert Referral.model_validate(opened).victim.name == ERASED


async def test_a_reader_with_no_keys_sees_erased_and_the_rest_unchanged():
    keys = Keys()
    event = Referral(reference="REF-9", victim=a_person(home=Address(line="Flat 2", postcode="AB1 2CD")))
    sealed = await seal(event, keys)

    opened = await open_sealed(sealed, None)

    assert opened["victim"]["name"] == ERASED and opened["victim"]["home"]["postcode"] == ERASED
    assert opened["victim"]["home"]["line"] == "Flat 2" and opened["reference"] == "REF-9"


async def test_sealing_the_same_value_twice_gives_different_ciphertexts():
    keys = Keys()
    event = Referral(reference="R", victim=a_person())

    first, second = await seal(event, keys), await seal(event, keys)

    assert first["victim"]["name"]["ct"] != second["victim"]["name"]["ct"]
    assert await open_sealed(first, keys) == await open_sealed(second, keys)


@given(st.text(alphabet=string.ascii_letters + "_", max_size=25), st.text(alphabet=string.ascii_letters, max_size=25))
async def test_answers_of_different_lengths_seal_to_ciphertexts_of_one_length(first, second):
    """"male" and "female", "yes" and "prefer_not_to_say": told apart by length, a sealed answer is no secret."""
    keys = Keys()
    sealed = [await seal(a_person(name=name), keys) for name in (first, second)]
    assert len({len(base64.b64decode(s["name"]["ct"])) for s in sealed}) == 1


@given(st.text(max_size=200))
async def test_any_text_seals_padded_and_opens_back_unchanged(name):
    keys = Keys()
    sealed = await seal(a_person(name=name), keys)
    assert (len(base64.b64decode(sealed["name"]["ct"])) - 12 - 16) % 32 == 0  # nonce, tag, whole pads of 32
    assert (await open_sealed(sealed, keys))["name"] == name


async def test_a_tampered_or_transplanted_ciphertext_reads_as_erased():
    keys = Keys()
    alex, sam = a_person(name="Alex"), a_person(name="Sam")
    sealed_alex = await seal(Referral(reference="R", victim=alex), keys)
    await seal(Referral(reference="R", victim=sam), keys)  # Sam has a key too

    raw = bytearray(base64.b64decode(sealed_alex["victim"]["name"]["ct"]))
    raw[-1] ^= 1
    flipped = {**sealed_alex["victim"]["name"], "ct": base64.b64encode(bytes(raw)).decode()}
    transplanted = {**sealed_alex["victim"]["name"], "subject": str(sam.subject_id)}

    assert (await open_sealed({"v": flipped}, keys))["v"] == ERASED
    assert (await open_sealed({"v": transplanted}, keys))["v"] == ERASED


async def test_a_personal_field_outside_any_data_subject_is_refused():
    with pytest.raises(TypeError, match=r"Orphan\.secret"):
        await seal(Orphan(secret="x"), Keys())
