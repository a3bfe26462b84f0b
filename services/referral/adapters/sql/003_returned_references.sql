-- A reference taken by a request that then recorded nothing is given back here, and handed out
-- again before the sequence moves on, so failed requests leave no gaps in the numbering.
CREATE TABLE referral.returned_references (
    year    integer NOT NULL,
    number  bigint NOT NULL,
    PRIMARY KEY (year, number)
);

-- The referral's own event now carries the digest of the request that made it (ReferralReceived
-- .request_digest), so an idempotency key is judged against what was recorded: nothing is claimed
-- before the append, and a failed request cannot burn its key.
DROP TABLE referral.idempotency;
