"""What people read for each action, field, choice, status, event and rule: marked for the
catalogue here (``N_``) and translated where shown, so the domain's names never reach a page."""

from __future__ import annotations

from services.casework.web.i18n import N_, gettext

ACTIONS = {
    "TriageCase": N_("Triage the case"),
    "FlagSensitive": N_("Flag the case as sensitive"),
    "RequestSignOff": N_("Ask a supervisor to sign off"),
    "GrantSignOff": N_("Sign off the case"),
    "RefuseSignOff": N_("Refuse sign-off"),
    "AllocateFacilitator": N_("Allocate a facilitator"),
    "ReassignFacilitator": N_("Reallocate the case"),
    "RecordContactAttempt": N_("Record a contact attempt"),
    "GiveRJInformation": N_("Record that information about restorative justice was given"),
    "ConfirmVictimInterest": N_("Record that the victim wants to go ahead"),
    "RecordVictimDeclined": N_("Record that the victim declined"),
    "RecordOffenderTraced": N_("Record that the offender was traced"),
    "RecordOffenderApproached": N_("Record that the offender was approached"),
    "AcknowledgeResponsibility": N_("Record that the offender acknowledged responsibility"),
    "RecordOffenderDeclined": N_("Record that the offender declined"),
    "CompleteRiskAssessment": N_("Complete a risk assessment"),
    "ReviewRiskAssessment": N_("Review a risk assessment"),
    "DecideSuitability": N_("Decide suitability"),
    "GiveConsent": N_("Record consent"),
    "WithdrawConsent": N_("Record a withdrawal of consent"),
    "HoldPreparationMeeting": N_("Record a preparation meeting"),
    "AddSupporter": N_("Add a supporter"),
    "ChooseProcess": N_("Choose the process"),
    "DeliverShuttleMessage": N_("Record a shuttle message delivered"),
    "ReceiveLetter": N_("Record a letter received"),
    "VetLetter": N_("Vet a letter"),
    "DeliverLetter": N_("Deliver a vetted letter"),
    "ScheduleConference": N_("Schedule a conference"),
    "RescheduleConference": N_("Reschedule a conference"),
    "CancelConference": N_("Cancel a conference"),
    "HoldConference": N_("Record that a conference was held"),
    "AgreeReparation": N_("Record a reparation agreement"),
    "CompleteReparationItem": N_("Record a reparation item completed"),
    "MissReparationItem": N_("Record a reparation item missed"),
    "SubmitCourtReport": N_("Record a court report submitted"),
    "CompleteFollowUp": N_("Record a follow-up"),
    "RecordEqualityMonitoring": N_("Record equality monitoring answers"),
    "RaiseSafeguardingConcern": N_("Raise a safeguarding concern"),
    "SignpostToSupport": N_("Signpost to support"),
    "PutOnHold": N_("Put the case on hold"),
    "Resume": N_("Resume the case"),
    "CloseCase": N_("Close the case"),
    "ReopenCase": N_("Reopen the case"),
    "MergeDuplicate": N_("Merge into the earlier case"),
    "KeepApart": N_("Keep apart from the possible duplicate"),
}

FIELDS = {
    "note": N_("Note"), "reasons": N_("Why the case is sensitive"), "reason": N_("Reason"),
    "facilitator": N_("Lead facilitator"), "co_facilitator": N_("Co-facilitator"), "party": N_("Who"),
    "channel": N_("How"), "outcome": N_("Outcome"), "through": N_("Traced through"), "level": N_("Risk level"),
    "factors": N_("Risk factors"), "review_date": N_("Review by"), "assessment_id": N_("Risk assessment"),
    "suitable": N_("Is the case suitable for restorative justice?"), "scope": N_("Consent to"),
    "agency": N_("Agency information is shared with"), "form": N_("Form of consent"),
    "consent_id": N_("Consent"), "held_on": N_("Date of the meeting"), "name": N_("Supporter's name"),
    "relationship": N_("Relationship"), "supports": N_("Supports"), "process": N_("Process"),
    "direction": N_("Direction"), "medium": N_("Medium"), "summary": N_("Summary of the message"),
    "from_party": N_("From"), "content": N_("Text of the letter"), "letter_id": N_("Letter"),
    "at": N_("Date and time"), "venue": N_("Venue"), "participants": N_("Participants"),
    "safety_plan": N_("Safety plan"), "conference_id": N_("Conference"), "held_at": N_("Held at"),
    "items": N_("Reparation items"), "kind": N_("Kind"), "description": N_("Description"), "due": N_("Due by"),
    "item_id": N_("Reparation item"), "on": N_("Date"), "court": N_("Court"), "submitted_on": N_("Submitted on"),
    "satisfied": N_("Satisfied with the service?"), "would_recommend": N_("Would recommend it?"),
    "better_able_to_cope": N_("Better able to cope and recover?"), "feels_safer": N_("Feels safer?"),
    "concern": N_("The concern"), "service": N_("Support service"),
    "age_band": N_("Age"), "sex": N_("Sex"), "ethnicity": N_("Ethnic group"),
    "disability": N_("Do they have a physical or mental health condition or illness that limits their day-to-day "
                     "activities?"),
}
FIELD_IN_ACTION = {
    ("VetLetter", "content"): N_("The letter as it may be delivered, identifying details removed"),
    ("ReceiveLetter", "content"): N_("The letter as written"),
    ("CloseCase", "reason"): N_("Why the case is closing"),
}
HINTS = {
    "participants": N_("One on each line: victim, offender, supporters and facilitators."),
    "agency": N_("Only for consent to share information."),
    "at": N_("UK time."),
    "ethnicity": N_("As they describe themselves."),
}

CHOICES = {
    "victim": N_("Victim"), "offender": N_("Offender"), "supporter": N_("Supporter"),
    "phone": N_("Phone"), "sms": N_("Text message"), "email": N_("Email"), "letter": N_("Letter"),
    "in_person": N_("In person"), "reached": N_("Reached"), "no_answer": N_("No answer"),
    "message_left": N_("Message left"), "wrong_details": N_("Wrong details"),
    "not_safe_to_talk": N_("Not safe to talk"), "police": N_("Police"), "probation": N_("Probation"),
    "prison": N_("Prison"), "youth_offending_team": N_("Youth offending team"), "other": N_("Other"),
    "low": N_("Low"), "medium": N_("Medium"), "high": N_("High"), "participation": N_("Taking part"),
    "information_sharing": N_("Sharing information with an agency"), "court_report": N_("A report to the court"),
    "written": N_("Written"), "verbal": N_("Verbal"), "shuttle": N_("Shuttle messages"),
    "letters": N_("Letters"), "recorded_message": N_("Recorded message"), "conference": N_("Conference"),
    "victim_to_offender": N_("Victim to offender"), "offender_to_victim": N_("Offender to victim"),
    "spoken": N_("Spoken"), "recorded": N_("Recorded"), "apology": N_("Apology"),
    "direct_reparation": N_("Direct reparation"), "indirect_reparation": N_("Indirect reparation"),
    "undertaking": N_("Undertaking"), "completed_direct": N_("Completed: the people met"),
    "completed_indirect": N_("Completed: indirect communication"),
    "victim_withdrew_or_declined": N_("The victim withdrew or declined"),
    "offender_declined_or_withdrew": N_("The offender declined or withdrew"),
    "unsuitable_on_risk": N_("Unsuitable on risk"), "offender_not_traced": N_("The offender was not traced"),
    "no_contact": N_("No contact"), "offender_deceased_or_deported": N_("The offender died or was deported"),
    "referred_elsewhere": N_("Referred elsewhere"), "duplicate": N_("Duplicate"),
    "domestic_abuse": N_("Domestic abuse"), "sexual_offence": N_("Sexual offence"), "hate_crime": N_("Hate crime"),
    "stalking": N_("Stalking"), "trafficking": N_("Trafficking"), "child_exploitation": N_("Child exploitation"),
    "homicide": N_("Homicide"), "child_victim": N_("The victim is a child"),
    "child_offender": N_("The offender is a child"), "yes": N_("Yes"), "no": N_("No"),
    "not_asked": N_("Not asked"), "foundation": N_("Foundation"), "intermediate": N_("Intermediate"),
    "advanced": N_("Advanced"), "received": N_("Received"), "vetted": N_("Vetted"),
    "delivered": N_("Delivered"), "held": N_("Held"), "scheduled": N_("Scheduled"), "pending": N_("Pending"),
    "facilitator": N_("facilitator"), "supervisor": N_("supervisor"), "auditor": N_("auditor"),
    "commissioner": N_("commissioner"), "admin": N_("administrator"),
    "requested": N_("Requested"), "granted": N_("Granted"), "refused": N_("Refused"),  # a sensitive case's sign-off
    "custody_changed": N_("Custody changed"), "sentence_deferred": N_("Sentence deferred"),
    "sentenced": N_("Sentenced"), "referral_withdrawn": N_("Referral withdrawn"),
    "cancelled": N_("Cancelled"), "completed": N_("Completed"), "missed": N_("Missed"),  # conferences, items
    # What the referral said of the case: the offence, who referred it, the criminal-justice stage, who asked
    "violence_against_the_person": N_("Violence against the person"), "robbery": N_("Robbery"),
    "burglary": N_("Burglary"), "theft": N_("Theft"), "vehicle_offence": N_("Vehicle offence"),
    "criminal_damage_or_arson": N_("Criminal damage or arson"), "fraud": N_("Fraud"),
    "public_order": N_("Public order offence"), "harassment_or_stalking": N_("Harassment or stalking"),
    "drug_offence": N_("Drug offence"), "weapons_possession": N_("Weapons possession"),
    "road_traffic": N_("Road traffic offence"),
    "self": N_("The victim, referring themselves"), "victims_first_hub": N_("Victims First hub"),
    "probation_victim_liaison": N_("Probation victim liaison"), "victim_support": N_("Victim Support"),
    "court": N_("Court"), "pre_charge": N_("Before charge"), "pre_sentence": N_("Before sentence"),
    "post_sentence": N_("After sentence"), "in_custody": N_("In custody"), "on_licence": N_("On licence"),
    # Equality monitoring: the person's own answers (the 2021 census's high-level ethnic groups)
    "under_18": N_("Under 18"), "18_24": N_("18 to 24"), "25_34": N_("25 to 34"), "35_44": N_("35 to 44"),
    "45_54": N_("45 to 54"), "55_64": N_("55 to 64"), "65_plus": N_("65 and over"),
    "prefer_not_to_say": N_("Prefer not to say"), "female": N_("Female"), "male": N_("Male"),
    "asian": N_("Asian, Asian British or Asian Welsh"),
    "black": N_("Black, Black British, Black Welsh, Caribbean or African"),
    "mixed": N_("Mixed or multiple ethnic groups"), "white": N_("White"),
    "other_ethnic_group": N_("Other ethnic group"),
    "no_offender_identified": N_("No offender identified"), "unknown": N_("Not known"), "agency": N_("An agency"),
}

STATUSES = {
    "referred": (N_("Referred"), "blue"), "triaged": (N_("Triaged"), "blue"),
    "contacting": (N_("Contacting"), "purple"), "assessing": (N_("Assessing"), "purple"),
    "preparing": (N_("Preparing"), "purple"), "delivering": (N_("Delivering"), "green"),
    "monitoring": (N_("Monitoring"), "green"), "follow_up": (N_("Follow-up"), "green"),
    "closed": (N_("Closed"), "grey"), "on_hold": (N_("On hold"), "orange"),
    "awaiting_sign_off": (N_("Awaiting sign-off"), "red"),
}

RULES = {
    "CaseNotFound": N_("No such case"),
    "CaseAlreadyOpen": N_("The referral already has a case"),
    "NotNow": N_("Not at this stage"),
    "NotPermitted": N_("Not yours to do"),
    "SensitiveNeedsAdvancedFacilitator": N_("A sensitive case needs an advanced-level facilitator"),
    "NotAFacilitator": N_("Only a facilitator can be allocated"),
    "JointWorkNotReady": N_("Joint work is not ready"),
    "SignOffNotNeeded": N_("Sign-off is for sensitive cases"),
    "SignOffOwnCase": N_("A supervisor does not sign off a case they work"),
    "IdentifyingDetails": N_("The victim's details must not reach the offender"),
    "NotVetted": N_("A letter is delivered only as vetted"),
    "UnknownItem": N_("Not on this case"),
    "AlreadySettled": N_("Already settled"),
    "ConsentScopeInvalid": N_("Consent scope"),
    "NoConsentForCourtReport": N_("No consent to a court report"),
    "NotADuplicate": N_("Not a possible duplicate"),
    "DateOutOfRange": N_("A date that cannot be right"),
    "CaseChangedMeanwhile": N_("The case changed meanwhile"),
}


def action_title(name: str) -> str:
    return gettext(ACTIONS[name])


def field_label(action: str, field: str) -> str:
    return gettext(FIELD_IN_ACTION.get((action, field)) or FIELDS[field])


def hint(field: str) -> str | None:
    return gettext(HINTS[field]) if field in HINTS else None


def choice(value: str) -> str:
    """A choice's words; a value without any (a person's username) is shown as it is."""
    return gettext(CHOICES[value]) if value in CHOICES else value


def status(value: str) -> str:
    return gettext(STATUSES[value][0]) if value in STATUSES else value


def status_colour(value: str) -> str:
    return STATUSES.get(value, ("", "grey"))[1]


EXPLANATIONS = {
    "CaseNotFound": N_("The case does not exist, or it is not one you work."),
    "CaseAlreadyOpen": N_("A referral opens one case only: work on the one it opened."),
    "NotNow": N_("It is not done at the stage the case is in (closed, on hold or not yet allocated, say)."),
    "NotPermitted": N_("It is a supervisor's to do, or you do not work this case."),
    "SensitiveNeedsAdvancedFacilitator": N_("Choose a facilitator at the advanced level to lead it."),
    "NotAFacilitator": N_("Choose enabled facilitators or supervisors with a practitioner level, and a "
                          "co-facilitator other than the lead."),
    "JointWorkNotReady": N_("Nothing joint happens without both parties' consent, both risk assessments and, "
                            "for a sensitive case, a supervisor's sign-off."),
    "SignOffNotNeeded": N_("This case is not flagged sensitive, so it goes ahead without one."),
    "SignOffOwnCase": N_("Sign-off is a second pair of eyes: ask a supervisor who does not work this case."),
    "IdentifyingDetails": N_("They could be used to find or contact the victim."),
    "NotVetted": N_("Vet the letter first: only its vetted text goes to the other side."),
    "UnknownItem": N_("Choose again from the list: what was sent is no letter, conference, consent, assessment "
                      "or reparation item of this case."),
    "AlreadySettled": N_("What you chose has moved on: this no longer applies to it."),
    "ConsentScopeInvalid": N_("Consent to share information names the agency; consent to take part or to a "
                              "court report does not."),
    "NoConsentForCourtReport": N_("A report goes to the court only once the victim and the offender have both "
                                  "agreed to it."),
    "NotADuplicate": N_("Merging or keeping apart is only for a case the referral linked to an earlier one."),
    "DateOutOfRange": N_("A date still to come must be in the future; a date of what has happened, today or "
                         "earlier."),
    "CaseChangedMeanwhile": N_("Someone else acted on this case after you loaded it."),
}
"""What each rule means for the person refused, in the page's language: why, or what to do, never
its name again in other words."""

PARTICULARS = frozenset({"CaseAlreadyOpen", "NotNow", "JointWorkNotReady", "IdentifyingDetails", "AlreadySettled",
                         "NoConsentForCourtReport"})
"""The rules whose detail (the domain's, in English, for the JSON API) names something of this case
that neither the rule's name and explanation nor the form already says: the case the referral
opened, the stage or status that stops the action, what joint work still lacks, which of the
victim's details were found, whose consent is missing. The error summary adds the detail for these
only; every other rule's detail says the rule again (its name and explanation say it better, and
in the page's language), or what the person has in front of them (the person or date they chose)."""


def rule(error_name: str) -> str:
    return gettext(RULES.get(error_name, N_("A rule refuses this")))


def refusal(error_name: str, detail: str) -> str:
    """A rule's refusal as the error summary says it: the rule's name and what it means, then the
    domain's detail only when it names this case's particulars (``PARTICULARS``); a rule without an
    explanation is told by its detail."""
    explanation = EXPLANATIONS.get(error_name)
    if explanation is None:
        return gettext("%(rule)s: %(detail)s", rule=rule(error_name), detail=detail)
    said = gettext("%(rule)s: %(explanation)s", rule=rule(error_name), explanation=gettext(explanation))
    if error_name in PARTICULARS and detail:
        return gettext("%(refusal)s (%(detail)s)", refusal=said, detail=detail)
    return said


DETAIL_KINDS = {"email address": N_("email address"), "phone number": N_("phone number"),
                "postcode": N_("postcode"), "address or name": N_("address or name")}
"""The kinds of identifying detail ``domain.vetting.kinds`` names."""


def detail_kinds(found: list[str]) -> str:
    return ", ".join(gettext(DETAIL_KINDS[k]) if k in DETAIL_KINDS else k for k in found)


EVENTS = {
    "CaseOpened": N_("Case opened"), "CaseTriaged": N_("Triaged"), "CaseFlaggedSensitive": N_("Flagged sensitive"),
    "SignOffRequested": N_("Sign-off requested"), "SignOffGranted": N_("Signed off"),
    "SignOffRefused": N_("Sign-off refused"), "FacilitatorAllocated": N_("Facilitator allocated"),
    "FacilitatorReassigned": N_("Case reallocated"), "ContactAttempted": N_("Contact attempted"),
    "RJInformationGiven": N_("Information given"), "VictimInterestConfirmed": N_("Victim wants to go ahead"),
    "VictimDeclined": N_("Victim declined"), "OffenderTraced": N_("Offender traced"),
    "OffenderApproached": N_("Offender approached"), "ResponsibilityAcknowledged": N_("Responsibility acknowledged"),
    "OffenderDeclined": N_("Offender declined"), "RiskAssessmentCompleted": N_("Risk assessment completed"),
    "RiskAssessmentReviewed": N_("Risk assessment reviewed"), "SuitabilityDecided": N_("Suitability decided"),
    "ConsentGiven": N_("Consent given"), "ConsentWithdrawn": N_("Consent withdrawn"),
    "PreparationMeetingHeld": N_("Preparation meeting held"), "SupporterAdded": N_("Supporter added"),
    "ProcessChosen": N_("Process chosen"), "ShuttleMessageDelivered": N_("Shuttle message delivered"),
    "LetterReceived": N_("Letter received"), "LetterVetted": N_("Letter vetted"),
    "LetterDelivered": N_("Letter delivered"), "LetterHeld": N_("Letter held"),
    "ConferenceScheduled": N_("Conference scheduled"), "ConferenceRescheduled": N_("Conference rescheduled"),
    "ConferenceCancelled": N_("Conference cancelled"), "ConferenceHeld": N_("Conference held"),
    "ReparationAgreed": N_("Reparation agreed"), "ReparationItemCompleted": N_("Reparation item completed"),
    "ReparationItemMissed": N_("Reparation item missed"), "CourtReportSubmitted": N_("Court report submitted"),
    "FollowUpCompleted": N_("Follow-up completed"), "EqualityMonitoringRecorded": N_("Equality monitoring recorded"),
    "SafeguardingConcernRaised": N_("Safeguarding concern raised"),
    "SignpostedToSupport": N_("Signposted to support"), "CaseOnHold": N_("Put on hold"),
    "CaseResumed": N_("Resumed"), "CaseClosed": N_("Closed"), "CaseReopened": N_("Reopened"),
    "CaseMerged": N_("Merged"), "DuplicateKeptApart": N_("Kept apart"), "PartnerUpdateNoted": N_("Partner update"),
}


def event_title(event_type: str) -> str:
    return gettext(EVENTS[event_type]) if event_type in EVENTS else event_type
