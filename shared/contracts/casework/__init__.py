"""Events the casework service records (stream category ``case``), by stage of a case's life
(DOMAIN "A case's life, as events"). Importing the package registers every one of them."""

from shared.contracts.casework.access import AccessEvent, CaseAccessed
from shared.contracts.casework.base import CaseEvent, CaseParty, Participant, Party, SubjectEvent
from shared.contracts.casework.consent import ConsentGiven, ConsentWithdrawn
from shared.contracts.casework.contact import (
    ContactAttempted,
    OffenderApproached,
    OffenderDeclined,
    OffenderTraced,
    ResponsibilityAcknowledged,
    RJInformationGiven,
    VictimDeclined,
    VictimInterestConfirmed,
)
from shared.contracts.casework.delivery import (
    ConferenceCancelled,
    ConferenceHeld,
    ConferenceRescheduled,
    ConferenceScheduled,
    LetterDelivered,
    LetterHeld,
    LetterReceived,
    LetterVetted,
    ShuttleMessageDelivered,
)
from shared.contracts.casework.lifecycle import (
    CaseClosed,
    CaseMerged,
    CaseOnHold,
    CaseOpened,
    CaseReopened,
    CaseResumed,
    CaseTriaged,
    ClosureReason,
    DuplicateKeptApart,
    PartnerUpdateNoted,
)
from shared.contracts.casework.outcome import (
    CourtReportSubmitted,
    FollowUpCompleted,
    ReparationAgreed,
    ReparationItem,
    ReparationItemCompleted,
    ReparationItemMissed,
    SafeguardingConcernRaised,
    SignpostedToSupport,
)
from shared.contracts.casework.preparation import (
    PreparationMeetingHeld,
    ProcessChosen,
    RiskAssessmentCompleted,
    RiskAssessmentReviewed,
    SuitabilityDecided,
    Supporter,
    SupporterAdded,
)
from shared.contracts.casework.triage import (
    CaseFlaggedSensitive,
    FacilitatorAllocated,
    FacilitatorReassigned,
    SignOffGranted,
    SignOffRefused,
    SignOffRequested,
)

__all__ = [
    "AccessEvent", "CaseAccessed", "CaseClosed", "CaseEvent", "CaseFlaggedSensitive", "CaseMerged", "CaseOnHold",
    "CaseOpened", "CaseParty",
    "CaseReopened", "CaseResumed", "CaseTriaged", "ClosureReason", "ConferenceCancelled", "ConferenceHeld",
    "ConferenceRescheduled", "ConferenceScheduled", "ConsentGiven", "ConsentWithdrawn", "ContactAttempted",
    "CourtReportSubmitted", "DuplicateKeptApart", "FacilitatorAllocated", "FacilitatorReassigned",
    "FollowUpCompleted", "LetterDelivered", "LetterHeld", "LetterReceived", "LetterVetted", "OffenderApproached",
    "OffenderDeclined", "OffenderTraced", "Participant", "PartnerUpdateNoted", "Party", "PreparationMeetingHeld",
    "ProcessChosen", "RJInformationGiven", "ReparationAgreed", "ReparationItem", "ReparationItemCompleted",
    "ReparationItemMissed", "ResponsibilityAcknowledged", "RiskAssessmentCompleted", "RiskAssessmentReviewed",
    "SafeguardingConcernRaised", "ShuttleMessageDelivered", "SignOffGranted", "SignOffRefused", "SignOffRequested",
    "SignpostedToSupport", "SubjectEvent", "SuitabilityDecided", "Supporter", "SupporterAdded", "VictimDeclined",
    "VictimInterestConfirmed",
]
