-- People who sign in (DESIGN D10): local accounts and their web sessions.
-- Usernames keep the case they were given but are unique whatever the case.
CREATE SCHEMA IF NOT EXISTS identity;

CREATE TABLE identity.accounts (
    username       text PRIMARY KEY,
    display_name   text NOT NULL,
    role           text NOT NULL
                   CHECK (role IN ('facilitator', 'supervisor', 'auditor', 'commissioner', 'admin')),
    level          text CHECK (level IN ('foundation', 'intermediate', 'advanced')),
    password_hash  text NOT NULL,
    enabled        boolean NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now(),
    disabled_at    timestamptz,
    -- Practitioners have a level; nobody else does.
    CHECK ((role IN ('facilitator', 'supervisor')) = (level IS NOT NULL)),
    CHECK (enabled = (disabled_at IS NULL))
);
CREATE UNIQUE INDEX accounts_username_any_case ON identity.accounts (lower(username));

-- A session is found by the hash of its id, so a copy of this table opens no session.
CREATE TABLE identity.sessions (
    session_hash   bytea PRIMARY KEY,
    username       text NOT NULL REFERENCES identity.accounts (username),
    created_at     timestamptz NOT NULL,
    last_seen_at   timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL,
    revoked_at     timestamptz
);
CREATE INDEX sessions_live_by_username ON identity.sessions (username) WHERE revoked_at IS NULL;
