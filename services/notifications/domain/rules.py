"""Who is told what, and when: the table of notification rules (DOMAIN "Rules", Victims' Code).

Each row reads: on this event, send this template to this role, now or some working days from a
date the event carries. ``anchor`` names that date: a field of the event, or ``first_contact_due``
(2 working days after the referral, see ``timings``). A row with a ``duty`` is a deadline's: it is
settled — and fires nothing — once the duty is done. A ``sensitive`` template says something that
must not be seen by the wrong person (that RJ is under way, a time or a place), so never goes by SMS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from shared.contracts.notifications import Duty, RecipientRole

Outcome = Literal["notify", "reminder", "deadline_missed"]


@dataclass(frozen=True)
class Timing:
    """Now (``anchor`` None), or ``working_days`` from the anchor date (negative: before it)."""

    anchor: str | None = None
    working_days: int = 0


NOW = Timing()


def before(anchor: str, working_days: int) -> Timing:
    """``working_days`` working days before the anchor date."""
    return Timing(anchor, -working_days)


def on(anchor: str) -> Timing:
    """At the anchor itself (a deadline: checked the moment it passes)."""
    return Timing(anchor, 0)


@dataclass(frozen=True)
class Rule:
    """One row of the table."""

    trigger: str
    recipient: RecipientRole
    template: str
    timing: Timing
    sensitive: bool
    outcome: Outcome = "notify"
    duty: Duty | None = None
    when: str | None = None
    """A condition on the event, by name (see ``decide.CONDITIONS``), e.g. ``self_referral``."""

    @property
    def id(self) -> str:
        """The row's name as stored with its timers: stays the same when rows are added or moved."""
        return f"{self.trigger}:{self.recipient}:{self.template}"


RULES: tuple[Rule, ...] = (
    # Intake: the referral is acknowledged to whoever made it.
    Rule("ReferralReceived", "victim", "acknowledgement_to_victim", NOW, False, when="self_referral"),
    Rule("ReferralReceived", "referrer", "acknowledgement_to_agency", NOW, False, when="agency_referral"),
    # Victims' Code: first contact within 2 working days; remind the day before, escalate after.
    Rule("ReferralReceived", "facilitator", "first_contact_reminder", before("first_contact_due", 1),
         False, outcome="reminder", duty="attempt_contact"),
    Rule("ReferralReceived", "supervisor", "deadline_missed", on("first_contact_due"),
         False, outcome="deadline_missed", duty="attempt_contact"),
    # Allocation: the facilitator gets the case, the victim learns who will contact them.
    Rule("FacilitatorAllocated", "facilitator", "case_allocated", NOW, False),
    Rule("FacilitatorAllocated", "victim", "facilitator_allocated", NOW, False),
    Rule("FacilitatorReassigned", "facilitator", "case_allocated", NOW, False),
    Rule("FacilitatorReassigned", "victim", "facilitator_allocated", NOW, False),
    # Conferences: tell every participant, and remind them the working day before.
    Rule("ConferenceScheduled", "participant", "conference_scheduled", NOW, True),
    Rule("ConferenceScheduled", "participant", "conference_reminder", before("at", 1), True),
    Rule("ConferenceRescheduled", "participant", "conference_moved", NOW, True),
    Rule("ConferenceRescheduled", "participant", "conference_reminder", before("at", 1), True),
    Rule("ConferenceCancelled", "participant", "conference_cancelled", NOW, True),
    # Reparation: remind the facilitator, who monitors it, the working day before each item is due.
    Rule("ReparationAgreed", "facilitator", "reparation_item_due", before("due", 1), False),
)

SENSITIVE_TEMPLATES = frozenset(rule.template for rule in RULES if rule.sensitive)
BY_ID = {rule.id: rule for rule in RULES}
assert len(BY_ID) == len(RULES), "two rows of the table share a trigger, recipient and template"

# Timers stored before rows had names name theirs by position in the table as it then was.
_FIRST_TABLE = ("ReferralReceived:victim:acknowledgement_to_victim",
                "ReferralReceived:referrer:acknowledgement_to_agency",
                "ReferralReceived:facilitator:first_contact_reminder", "ReferralReceived:supervisor:deadline_missed",
                "FacilitatorAllocated:facilitator:case_allocated", "FacilitatorReassigned:facilitator:case_allocated",
                "ConferenceScheduled:participant:conference_scheduled",
                "ConferenceScheduled:participant:conference_reminder",
                "ConferenceRescheduled:participant:conference_moved",
                "ConferenceRescheduled:participant:conference_reminder",
                "ConferenceCancelled:participant:conference_cancelled",
                "ReparationAgreed:facilitator:reparation_item_due")


def rule_named(stored: str | int) -> Rule:
    """The row a stored timer names (its ``id``, or a position in the first table)."""
    return BY_ID[_FIRST_TABLE[stored] if isinstance(stored, int) else stored]


def rules_for(event_type: str) -> tuple[Rule, ...]:
    """The rows an event of ``event_type`` triggers, in table order."""
    return tuple(rule for rule in RULES if rule.trigger == event_type)


def is_sensitive(template: str) -> bool:
    """Whether a template may only go by a channel nobody else reads over the person's shoulder."""
    return template in SENSITIVE_TEMPLATES
