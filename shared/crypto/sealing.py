"""Sealing personal fields before an event reaches the store or the broker (DESIGN D5).

A sealed value is ``{"$sealed": 1, "subject": "<uuid>", "ct": "<base64>"}``. The ciphertext is
what the hash chain covers, so destroying a key later does not disturb the audit record.

A ciphertext is as long as what it hides, so the JSON is padded with spaces (which JSON ignores) to
a multiple of ``PAD`` bytes: otherwise "male" and "female", "yes" and "no", or a short and a long
name, could be told apart by length alone.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any, Protocol
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import BaseModel

from shared.contracts.base import ERASED, DataSubject, PersonalData

SEALED = "$sealed"
PAD = 32


class SealingKeys(Protocol):
    async def key_for_sealing(self, subject_id: UUID) -> bytes | None: ...


class OpeningKeys(Protocol):
    async def keys_for_opening(self, subject_ids: Any) -> dict[UUID, bytes]: ...


class DisposableKeys(SealingKeys, Protocol):
    async def discard(self, subject_ids: Any) -> None:
        """Remove keys made for subjects nothing was recorded about (not erasure: no trace kept)."""
        ...


def _is_personal(model: type[BaseModel], name: str) -> bool:
    return any(isinstance(m, PersonalData) for m in model.model_fields[name].metadata)


def _default_subject(event: BaseModel) -> UUID | None:
    """Whose are the personal fields outside any DataSubject: ``personal_data_of`` names the field
    holding that DataSubject, or holding the subject's id."""
    holder = getattr(type(event), "personal_data_of", None)
    owner = getattr(event, holder, None) if holder else None
    if isinstance(owner, UUID):
        return owner
    return owner.subject_id if isinstance(owner, DataSubject) else None


def _personal_paths(model: BaseModel, subject: UUID | None, path: tuple) -> list[tuple[tuple, UUID]]:
    """Where the personal values of ``model`` sit in its JSON dump, and whose they are."""
    if isinstance(model, DataSubject):
        subject = model.subject_id
    found: list[tuple[tuple, UUID]] = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        if value is None:
            continue
        if _is_personal(type(model), name):
            if subject is None:
                raise TypeError(f"{type(model).__name__}.{name} is personal but has no DataSubject around it")
            found.append(((*path, name), subject))
        elif isinstance(value, BaseModel):
            found += _personal_paths(value, subject, (*path, name))
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    found += _personal_paths(item, subject, (*path, name, index))
    return found


async def seal(event: BaseModel, keys: SealingKeys) -> dict[str, Any]:
    """The event's JSON form with every personal value encrypted under its subject's key."""
    data = event.model_dump(mode="json")
    cache: dict[UUID, bytes | None] = {}
    for path, subject in _personal_paths(event, _default_subject(event), ()):
        if subject not in cache:
            cache[subject] = await keys.key_for_sealing(subject)
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        key = cache[subject]
        # A subject already forgotten gets nothing new recorded about them.
        parent[path[-1]] = ERASED if key is None else _encrypt(key, subject, parent[path[-1]])
    return data


def _encrypt(key: bytes, subject: UUID, value: Any) -> dict[str, Any]:
    nonce = os.urandom(12)
    plain = json.dumps(value, separators=(",", ":")).encode()
    plain += b" " * (-len(plain) % PAD)
    ct = AESGCM(key).encrypt(nonce, plain, subject.bytes)
    return {SEALED: 1, "subject": str(subject), "ct": base64.b64encode(nonce + ct).decode()}


def _sealed_subjects(value: Any, into: set[UUID]) -> None:
    if isinstance(value, dict):
        if SEALED in value:
            into.add(UUID(value["subject"]))
            return
        for item in value.values():
            _sealed_subjects(item, into)
    elif isinstance(value, list):
        for item in value:
            _sealed_subjects(item, into)


def _open_value(value: Any, keys: dict[UUID, bytes]) -> Any:
    if isinstance(value, dict):
        if SEALED in value:
            key = keys.get(UUID(value["subject"]))
            if key is None:
                return ERASED
            raw = base64.b64decode(value["ct"])
            try:
                return json.loads(AESGCM(key).decrypt(raw[:12], raw[12:], UUID(value["subject"]).bytes))
            except InvalidTag:
                return ERASED
        return {k: _open_value(v, keys) for k, v in value.items()}
    if isinstance(value, list):
        return [_open_value(v, keys) for v in value]
    return value


async def open_sealed(data: dict[str, Any], keys: OpeningKeys | None) -> dict[str, Any]:
    """The payload with sealed values decrypted; ``ERASED`` where the key is gone or withheld."""
    subjects: set[UUID] = set()
    _sealed_subjects(data, subjects)
    available = await keys.keys_for_opening(subjects) if (keys is not None and subjects) else {}
    return _open_value(data, available)


def sealed_subjects(data: dict[str, Any]) -> set[UUID]:
    """The data subjects whose sealed values appear in a stored payload."""
    found: set[UUID] = set()
    _sealed_subjects(data, found)
    return found
