"""A letter reaches the other party only as vetted, and vetting refuses anything that still says
where the victim lives or how to reach them: the most serious failure the system could have."""

from __future__ import annotations

import unicodedata
from uuid import UUID

import pytest
from hypothesis import given as for_all
from hypothesis import strategies as st

from services.casework.domain import commands as c
from services.casework.domain.errors import AlreadySettled, IdentifyingDetails, NotVetted
from services.casework.domain.vetting import found_details
from shared.contracts import casework as e
from tests.unit.casework.examples import (
    CASE_ID,
    VICTIM,
    VICTIM_ADDRESS,
    VICTIM_EMAIL,
    VICTIM_PHONE,
    VICTIM_POSTCODE,
    given,
    ready_for_joint_work,
    run,
)

LETTER = UUID(int=4000)
DETAILS = (VICTIM_ADDRESS, VICTIM_EMAIL, VICTIM_PHONE, VICTIM_POSTCODE)


def with_letter(from_party: str = "victim") -> list:
    return [*ready_for_joint_work(), e.LetterReceived(case_id=CASE_ID, subject_id=VICTIM, letter_id=LETTER,
                                                      from_party=from_party, content="Dear Sam")]


def test_an_unvetted_letter_is_not_delivered():
    with pytest.raises(NotVetted):
        run(with_letter(), c.DeliverLetter(letter_id=LETTER))


def test_a_vetted_letter_is_delivered_to_the_other_party_once():
    history = with_letter()
    history += run(history, c.VetLetter(letter_id=LETTER, content="Dear Sam, I want you to know how it felt."))
    [delivered] = run(history, c.DeliverLetter(letter_id=LETTER))
    assert delivered.to_party == "offender"
    with pytest.raises(AlreadySettled):
        run([*history, delivered], c.DeliverLetter(letter_id=LETTER))
    assert given([*history, delivered]).stage == "delivering"


@pytest.mark.parametrize("leak", [
    "write to me at 12 acacia avenue", "my email is ALEX.MORGAN@example.org", "call 07700 900 123",
    "ring +44 7700 900123", "postcode hp201aa", "I live in Aylesbury"])
def test_vetting_refuses_the_victims_whereabouts_in_any_form(leak):
    with pytest.raises(IdentifyingDetails) as refused:
        run(with_letter(), c.VetLetter(letter_id=LETTER, content=f"Dear Sam, {leak}."))
    assert refused.value.field == "content" and "victim's" in refused.value.detail
    assert "acacia" not in refused.value.detail.lower()  # the error does not repeat the detail


def test_a_shuttle_message_from_the_victim_is_checked_too():
    with pytest.raises(IdentifyingDetails):
        run(ready_for_joint_work(), c.DeliverShuttleMessage(direction="victim_to_offender", medium="spoken",
                                                             summary="She said to find her at HP20 1AA"))


def test_the_offenders_letter_to_the_victim_is_not_refused_for_the_victims_own_details():
    assert run(with_letter("offender"), c.VetLetter(letter_id=LETTER, content=f"I know {VICTIM_POSTCODE}."))


NO_DIGIT_OR_AT = st.characters(codec="utf-8").filter(
    lambda ch: not any(c.isdecimal() or c == "@" for c in unicodedata.normalize("NFKC", ch)))


@for_all(st.text(alphabet=NO_DIGIT_OR_AT, max_size=300))
def test_text_without_digits_or_at_signs_never_matches_the_email_phone_or_postcode(text):
    assert set(found_details(text, (VICTIM_EMAIL, VICTIM_PHONE, VICTIM_POSTCODE))) == set()


@for_all(st.text(max_size=200), st.text(max_size=200), st.sampled_from(DETAILS))
def test_a_detail_anywhere_in_a_text_is_always_found(before, after, detail):
    assert detail in found_details(f"{before} {detail} {after}", DETAILS)


@pytest.mark.parametrize("disguised", [
    "HP20\u200b1AA", "ＨＰ２０ １ＡＡ", "alex.morgan＠example.org", "call ０７７００ ９００１２３",
    "call \u0660\u0667\u0667\u0660\u0660 \u0669\u0660\u0660\u0661\u0662\u0663", "12 Acacia\u00adAvenue"])
def test_disguised_details_are_found_too(disguised):
    assert found_details(f"Write to me: {disguised}", DETAILS)
