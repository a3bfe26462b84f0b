"""Every refusal of the casework service, named by the rule it enforces (DOMAIN "Rules")."""

from __future__ import annotations

from shared.commands import RuleBroken


class CaseRuleBroken(RuleBroken):
    """A casework rule forbids the action as the case stands."""


class CaseNotFound(CaseRuleBroken):
    """No such case (or not one this person may see: the two are not told apart)."""


class CaseAlreadyOpen(CaseRuleBroken):
    """A referral opens one case."""


class NotNow(CaseRuleBroken):
    """The action does not belong to the stage the case is in (closed, on hold, not yet allocated…)."""


class NotPermitted(CaseRuleBroken):
    """The action is a supervisor's, or the person does not work this case."""


class SensitiveNeedsAdvancedFacilitator(CaseRuleBroken):
    """A sensitive case is led by an advanced-level facilitator."""


class NotAFacilitator(CaseRuleBroken):
    """Only an enabled facilitator or supervisor can be allocated to a case."""


class JointWorkNotReady(CaseRuleBroken):
    """Nothing joint happens without both parties' consent, both risk assessments and, for a
    sensitive case, a supervisor's sign-off."""


class SignOffNotNeeded(CaseRuleBroken):
    """Sign-off is for sensitive cases."""


class SignOffOwnCase(CaseRuleBroken):
    """A supervisor does not sign off a case they work themselves: a second pair of eyes."""


class IdentifyingDetails(CaseRuleBroken):
    """What reaches the offender's side never carries the victim's address or contact details."""


class NotVetted(CaseRuleBroken):
    """A letter is delivered only as vetted."""


class UnknownItem(CaseRuleBroken):
    """The letter, conference, consent, assessment or reparation item named is not on this case."""


class AlreadySettled(CaseRuleBroken):
    """The letter, conference, consent or reparation item is past the point where this applies."""


class ConsentScopeInvalid(CaseRuleBroken):
    """Information sharing names the agency; participation and court-report consent do not."""


class NoConsentForCourtReport(CaseRuleBroken):
    """A court report goes only with both parties' consent to it."""


class NotADuplicate(CaseRuleBroken):
    """Merging or keeping apart is for a case linked as a possible duplicate."""


class DateOutOfRange(CaseRuleBroken):
    """A date that cannot be right for what it records (in the future when it happened, before the case)."""


class CaseChangedMeanwhile(CaseRuleBroken):
    """A person acts on the case as they last saw it: if someone else has acted since, they are
    told what changed instead of having their action applied to a case they have not seen."""

    def __init__(self, expected: int, current: int, status: str):
        super().__init__(f"the case changed since you loaded it (version {expected}; it is now version {current},"
                         f" {status.replace('_', ' ')}); look at what changed, then send your action again",
                         field="If-Match", pointer="#/headers/If-Match")
        self.expected, self.current, self.status = expected, current, status
        self.extensions = {"current": {"version": current, "status": status}}
