-- Partner agencies and their API keys (stored only as SHA-256 of a 256-bit random key).
CREATE TABLE referral.agencies (
    agency_id    text PRIMARY KEY,
    name         text NOT NULL,
    scopes       text[] NOT NULL,
    key_hash     text NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz
);

-- A request's idempotency key (JSON API) or CloudEvent (source, id) and what it produced.
CREATE TABLE referral.idempotency (
    agency_id     text NOT NULL,
    key           text NOT NULL,
    request_hash  text NOT NULL,
    referral_id   uuid NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (agency_id, key)
);

-- Human references: REF-<year>-<number>, numbered per service, never reused.
CREATE SEQUENCE referral.reference_seq;

-- Where possible duplicates are looked for: crime reference and a keyed fingerprint of the victim.
-- Written at intake (not by a projection) so that two quick repeats still find each other.
CREATE TABLE referral.duplicate_index (
    referral_id         uuid PRIMARY KEY,
    crime_reference     text,
    victim_fingerprint  text NOT NULL,
    victim_subject      uuid NOT NULL,
    received_at         timestamptz NOT NULL
);
CREATE INDEX duplicate_lookup ON referral.duplicate_index (crime_reference, victim_fingerprint, received_at);
