"""Keys given twice in one JSON object: a reader keeps the last value, another may keep the first.

A documented response that repeats a key shows a value no check compares; an answer that repeats one
holds no value that can be said to match (Elasticsearch's runner rejects both). ``repeated_key`` finds
the first such object, in page order, with its path.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["DuplicateKey", "repeated_key"]


class DuplicateKey(ValueError):
    """An expected body that gives one key twice in an object: a JSON reader keeps the last value only,
    so the other, shown on the page, would never be compared.

    :param path: the object's JSON path (``$.job``).
    :param key: the repeated key.
    """

    def __init__(self, path: str, key: str) -> None:
        super().__init__(f"the key {key!r} appears twice in the object at {path}")
        self.path, self.key = path, key


class _Repeats(dict[str, Any]):
    """An object whose pairs gave a key twice (``repeated`` is that key)."""

    repeated = ""


def repeated_key(text: str) -> tuple[str, str] | None:
    """(object path, key) of the first object of a JSON text that gives a key twice, else ``None`` (also for
    text that is not JSON). A reader keeps the last value, another may keep the first: such a body holds
    no value that can be said to match. Walked only when an object repeats a key (else one hooked read)."""
    marked: list[_Repeats] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        found = dict(items)
        if len(found) == len(items):
            return found
        repeats, seen = _Repeats(items), set()
        for key, _ in items:
            if key in seen:
                repeats.repeated = key
                break
            seen.add(key)
        marked.append(repeats)
        return repeats

    try:
        pending: list[tuple[Any, str]] = [(json.loads(text, object_pairs_hook=pairs), "$")]
    except (ValueError, RecursionError):
        return None
    while marked and pending:  # the path of the first object (in page order) that repeats a key
        value, path = pending.pop()
        if isinstance(value, _Repeats):
            return path, value.repeated
        if isinstance(value, dict):
            pending.extend((v, f"{path}.{k}") for k, v in reversed(value.items()))
        elif isinstance(value, list):
            pending.extend((v, f"{path}[{i}]") for i, v in reversed(list(enumerate(value))))
    return None
