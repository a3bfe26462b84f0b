"""Who acts on a case, as the rules need to know them, and the context a command is decided in."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Literal
from uuid import UUID, uuid4

Role = Literal["facilitator", "supervisor", "auditor", "commissioner", "admin", "system"]


@dataclass(frozen=True)
class Person:
    username: str
    role: Role
    level: Literal["foundation", "intermediate", "advanced"] | None = None

    @property
    def supervises(self) -> bool:
        return self.role == "supervisor"

    @property
    def practises(self) -> bool:
        """Can be allocated to a case: a facilitator, or a supervisor who also facilitates."""
        return self.role in ("facilitator", "supervisor") and self.level is not None


SYSTEM = Person("system", "system")
"""The service itself, reacting to another service's event."""


@dataclass(frozen=True)
class Context:
    """Who is acting, when, the staff the command names (looked up by the handler), and where
    new ids come from (so that a retried request can decide the same ids again)."""

    by: Person
    now: datetime
    staff: Mapping[str, Person] = field(default_factory=lambda: MappingProxyType({}))
    new_id: Callable[[], UUID] = uuid4
