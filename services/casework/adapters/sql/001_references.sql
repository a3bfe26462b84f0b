-- Human case references: RJ-<year>-<number>, one per case; a number taken by a case that was not
-- opened (another delivery of the same referral opened it first) is given back and used again.
CREATE SEQUENCE casework.reference_seq;

CREATE TABLE casework.returned_references (
    year    integer NOT NULL,
    number  bigint NOT NULL,
    PRIMARY KEY (year, number)
);
