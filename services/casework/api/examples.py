"""A valid body for every action, shown in the OpenAPI document (and tested to be accepted as it
stands by the action's model). Ids in them stand for ones the case's own GET returns."""

from __future__ import annotations

from typing import Any

from services.casework.domain import commands as c

SOME_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
EXAMPLES: dict[type, dict[str, Any]] = {
    c.TriageCase: {"note": "Suitable for victim-initiated work; no safeguarding concerns on the referral."},
    c.FlagSensitive: {"reasons": ["domestic_abuse"]},
    c.RequestSignOff: {"note": "Risk plan and preparation complete."},
    c.GrantSignOff: {},
    c.RefuseSignOff: {"reason": "The offender's risk assessment needs a review first."},
    c.AllocateFacilitator: {"facilitator": "ada.advanced", "co_facilitator": "finn.foundation"},
    c.ReassignFacilitator: {"facilitator": "ada.advanced", "reason": "Caseload rebalanced."},
    c.RecordContactAttempt: {"party": "victim", "channel": "phone", "outcome": "reached"},
    c.GiveRJInformation: {"party": "victim"},
    c.ConfirmVictimInterest: {},
    c.RecordVictimDeclined: {"reason": "Not the right time."},
    c.RecordOffenderTraced: {"through": "probation"},
    c.RecordOffenderApproached: {},
    c.AcknowledgeResponsibility: {},
    c.RecordOffenderDeclined: {"reason": "Denies the offence."},
    c.CompleteRiskAssessment: {"party": "victim", "level": "low", "factors": "Lives with supportive family.",
                               "review_date": "2027-01-15"},
    c.ReviewRiskAssessment: {"assessment_id": SOME_ID, "level": "medium", "review_date": "2027-02-01"},
    c.DecideSuitability: {"suitable": True},
    c.GiveConsent: {"party": "victim", "scope": "participation", "form": "written"},
    c.WithdrawConsent: {"consent_id": SOME_ID, "reason": "Changed their mind."},
    c.HoldPreparationMeeting: {"party": "offender", "held_on": "2026-10-20"},
    c.AddSupporter: {"name": "Jo Morgan", "relationship": "sister", "supports": "victim"},
    c.ChooseProcess: {"process": "conference"},
    c.DeliverShuttleMessage: {"direction": "offender_to_victim", "medium": "spoken",
                              "summary": "He says he is sorry and wants to explain."},
    c.ReceiveLetter: {"from_party": "offender", "content": "Dear Alex, I am writing to say sorry."},
    c.VetLetter: {"letter_id": SOME_ID, "content": "Dear Alex, I am writing to say sorry."},
    c.DeliverLetter: {"letter_id": SOME_ID},
    c.ScheduleConference: {"at": "2027-01-20T14:00:00Z", "venue": "Aylesbury Community Centre, Room 2",
                           "participants": ["victim", "offender", "ada.advanced"],
                           "safety_plan": "Separate arrival times and waiting rooms."},
    c.RescheduleConference: {"conference_id": SOME_ID, "at": "2027-01-27T14:00:00Z"},
    c.CancelConference: {"conference_id": SOME_ID, "reason": "The victim is unwell."},
    c.HoldConference: {"conference_id": SOME_ID, "held_at": "2026-10-01T14:00:00Z"},
    c.AgreeReparation: {"items": [{"kind": "apology", "description": "A written apology", "due": "2027-02-01"}]},
    c.CompleteReparationItem: {"item_id": SOME_ID, "on": "2026-10-01"},
    c.MissReparationItem: {"item_id": SOME_ID, "on": "2026-10-01"},
    c.SubmitCourtReport: {"court": "Aylesbury Crown Court", "submitted_on": "2026-10-01"},
    c.CompleteFollowUp: {"party": "victim", "satisfied": True, "would_recommend": True,
                         "better_able_to_cope": True, "feels_safer": True},
    c.RecordEqualityMonitoring: {"party": "victim", "age_band": "35_44", "sex": "female", "ethnicity": "white",
                                 "disability": "prefer_not_to_say"},
    c.RaiseSafeguardingConcern: {"party": "victim", "concern": "Disclosed threats from a neighbour."},
    c.SignpostToSupport: {"party": "victim", "service": "Victim Support"},
    c.PutOnHold: {"reason": "The victim is in hospital."},
    c.Resume: {},
    c.CloseCase: {"reason": "completed_direct", "note": "Agreement completed."},
    c.ReopenCase: {"reason": "The victim asked to continue."},
    c.MergeDuplicate: {},
    c.KeepApart: {},
}
