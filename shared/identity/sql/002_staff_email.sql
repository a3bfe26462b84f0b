-- A work email address for the system's messages to staff (allocations, reminders, missed
-- deadlines). It names a person, so it is kept sealed under that person's own key (DESIGN D5):
-- {"subject_id": …, "email": {"$sealed": 1, …}}; forgetting the key erases it.
ALTER TABLE identity.accounts ADD COLUMN contact jsonb;
