"""JSON text read back from the database, decoded with orjson (several times faster than the
standard library), falling back to the standard library for what orjson refuses and PostgreSQL
allows (integers beyond 64 bits, numbers beyond a double)."""

from __future__ import annotations

import json
from typing import Any

import orjson


def loads(text: str | bytes) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


class DecodedOnRead:
    """A dataclass field that may be given as JSON text and is decoded on first read (then kept):
    a reader that only passes events on, or counts them, never pays for decoding their data."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._slot = f"_{name}"

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            raise AttributeError(self._slot)  # no default: the dataclass field stays required
        value = instance.__dict__[self._slot]
        if isinstance(value, str):
            value = instance.__dict__[self._slot] = loads(value)
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self._slot] = value
