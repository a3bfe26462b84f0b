"""Event contracts, one module per producing service (DESIGN D4).

Importing this package registers every contract, so a reader can parse any stored event.
"""

from shared.contracts import casework, notifications, referral, reporting
from shared.contracts.base import ERASED, Contract, DataSubject, DomainEvent, Personal
from shared.contracts.registry import contract_for, known_contracts, parse, upcast

__all__ = [
    "ERASED",
    "Contract",
    "DataSubject",
    "DomainEvent",
    "Personal",
    "casework",
    "contract_for",
    "known_contracts",
    "notifications",
    "parse",
    "referral",
    "reporting",
    "upcast",
]
