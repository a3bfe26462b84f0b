"""Embedded PostgreSQL and NATS servers from pip wheels, for `rj up` and the tests."""
