"""Tamper evidence against someone with the database: a running hash over the whole store in
commit order, and checkpoints of its head signed with a key the database never holds (ADR 0005)."""
