"""When two referrals are probably about the same victim and offence."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from services.referral.domain.duplicates import EarlierReferral, fingerprint, possible_duplicate_of
from tests.unit.referral.examples import REMOVE, submission
from tests.unit.referral.fakes import FINGERPRINT_KEY, NOW

WINDOW = timedelta(days=90)
FIRST = UUID("00000000-0000-4000-8000-000000000001")
SECOND = UUID("00000000-0000-4000-8000-000000000002")
THIRD = UUID("00000000-0000-4000-8000-000000000003")


def days_ago(days: float) -> object:
    return NOW - timedelta(days=days)


def test_no_earlier_referral_means_no_duplicate():
    assert possible_duplicate_of([], NOW, WINDOW) is None


def test_a_referral_within_the_window_is_a_possible_duplicate():
    assert possible_duplicate_of([EarlierReferral(FIRST, days_ago(10))], NOW, WINDOW) == FIRST


def test_within_the_window_the_earliest_referral_is_linked():
    most_recent_first = [EarlierReferral(THIRD, days_ago(1)), EarlierReferral(SECOND, days_ago(30)),
                         EarlierReferral(FIRST, days_ago(60))]
    assert possible_duplicate_of(most_recent_first, NOW, WINDOW) == FIRST


def test_a_referral_outside_the_window_is_not_linked():
    assert possible_duplicate_of([EarlierReferral(FIRST, days_ago(91))], NOW, WINDOW) is None


def test_the_earliest_within_the_window_is_linked_not_one_outside_it():
    earlier = [EarlierReferral(SECOND, days_ago(5)), EarlierReferral(THIRD, days_ago(40)),
               EarlierReferral(FIRST, days_ago(200))]
    assert possible_duplicate_of(earlier, NOW, WINDOW) == THIRD


def test_a_referral_exactly_at_the_edge_of_the_window_is_linked():
    assert possible_duplicate_of([EarlierReferral(FIRST, NOW - WINDOW)], NOW, WINDOW) == FIRST


def test_a_referral_a_moment_beyond_the_edge_of_the_window_is_not_linked():
    beyond = NOW - WINDOW - timedelta(microseconds=1)
    assert possible_duplicate_of([EarlierReferral(FIRST, beyond)], NOW, WINDOW) is None


def test_the_fingerprint_ignores_case_and_extra_spaces_in_the_name():
    plain = fingerprint(FINGERPRINT_KEY, submission())
    assert fingerprint(FINGERPRINT_KEY, submission({"victim.name": "  ALEX   morgan "})) == plain
    assert fingerprint(FINGERPRINT_KEY, submission({"victim.name": "alex\tMorgan"})) == plain


def test_the_fingerprint_differs_for_a_different_victim():
    plain = fingerprint(FINGERPRINT_KEY, submission())
    assert fingerprint(FINGERPRINT_KEY, submission({"victim.name": "Alex Morgana"})) != plain
    assert fingerprint(FINGERPRINT_KEY, submission({"victim.date_of_birth": "1984-03-03"})) != plain


def test_without_a_date_of_birth_the_fingerprint_tells_victims_apart_by_email():
    no_birth = {"victim.date_of_birth": REMOVE}
    plain = fingerprint(FINGERPRINT_KEY, submission(no_birth))
    assert fingerprint(FINGERPRINT_KEY, submission(no_birth)) == plain
    assert fingerprint(FINGERPRINT_KEY, submission({**no_birth, "victim.email": "someone@example.org"})) != plain


def test_the_fingerprint_is_keyed_and_does_not_contain_the_name():
    plain = fingerprint(FINGERPRINT_KEY, submission())
    assert fingerprint(b"another key" * 3, submission()) != plain
    assert len(plain) == 64 and "alex" not in plain.lower()
