-- Duplicates are matched on the crime reference whatever its case: index what the query compares.
DROP INDEX referral.duplicate_lookup;
CREATE INDEX duplicate_lookup ON referral.duplicate_index (upper(crime_reference), victim_fingerprint, received_at);
