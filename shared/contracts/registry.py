"""Contracts by event type, and upcasting of older stored payloads on read (DESIGN D4)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared.contracts.base import DomainEvent

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]

_CONTRACTS: dict[str, type[DomainEvent]] = {}
_UPCASTERS: dict[tuple[str, int], Upcaster] = {}


class UnknownEventType(LookupError):
    """An event type no contract is registered for."""


def contract(cls: type[DomainEvent]) -> type[DomainEvent]:
    """Class decorator: register an event contract under its ``event_type``."""
    if cls.event_type in _CONTRACTS and _CONTRACTS[cls.event_type] is not cls:
        raise ValueError(f"event type {cls.event_type!r} is registered twice")
    _CONTRACTS[cls.event_type] = cls
    return cls


def upcaster(event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Decorator: a step that turns a ``from_version`` payload into ``from_version + 1``."""

    def register(step: Upcaster) -> Upcaster:
        _UPCASTERS[(event_type, from_version)] = step
        return step

    return register


def contract_for(event_type: str) -> type[DomainEvent]:
    """The registered contract for ``event_type``."""
    try:
        return _CONTRACTS[event_type]
    except KeyError:
        raise UnknownEventType(f"no contract is registered for event type {event_type!r}") from None


def known_contracts() -> dict[str, type[DomainEvent]]:
    """Every registered contract by event type."""
    return dict(_CONTRACTS)


def upcast(event_type: str, schema_version: int, data: dict[str, Any]) -> dict[str, Any]:
    """Run the chain of upcasters from the stored version up to the contract's current one."""
    target = contract_for(event_type).schema_version
    version = schema_version
    while version < target:
        step = _UPCASTERS.get((event_type, version))
        if step is None:
            raise LookupError(f"{event_type}: no upcaster from schema version {version}")
        data = step(data)
        version += 1
    return data


def parse(event_type: str, schema_version: int, data: dict[str, Any]) -> DomainEvent:
    """A stored (and already opened) payload as its current contract."""
    return contract_for(event_type).model_validate(upcast(event_type, schema_version, data))
