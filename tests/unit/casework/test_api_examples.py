"""Every action's OpenAPI example is a body its model accepts as it stands, and every action has
a route, a decide function and an example."""

from __future__ import annotations

import pytest

from services.casework.api.examples import EXAMPLES
from services.casework.domain.commands import action_path
from services.casework.domain.decide import DECISIONS
from services.casework.domain.rules import ALL_ACTIONS


def test_every_action_has_a_decision_and_an_example():
    assert set(ALL_ACTIONS) == set(DECISIONS) == set(EXAMPLES)


@pytest.mark.parametrize("action", sorted(EXAMPLES, key=lambda a: a.__name__), ids=lambda a: a.__name__)
def test_the_example_is_accepted_by_the_actions_model(action):
    assert action.model_validate(EXAMPLES[action])


def test_action_paths_read_as_words():
    assert {action_path(a) for a in DECISIONS} >= {"allocate-facilitator", "give-rj-information", "hold-conference"}
    assert len({action_path(a) for a in DECISIONS}) == len(DECISIONS)
