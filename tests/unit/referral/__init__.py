"""Fast unit tests of the referral service's rules and use cases, on the in-memory store and fakes."""
