"""Case references: ``RJ-<year>-<number>`` (shared numbering; numbers not used are given back)."""

from __future__ import annotations

from typing import Protocol

import asyncpg

from shared.numbering import PostgresNumbering


class CaseReferences(Protocol):
    async def next(self, year: int) -> str:
        """A reference no opened case has."""
        ...

    async def release(self, reference: str) -> None:
        """Give back a reference whose case was not opened."""
        ...


def postgres_case_references(pool: asyncpg.Pool) -> CaseReferences:
    return PostgresNumbering(pool, "casework", "RJ")
