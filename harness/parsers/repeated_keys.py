"""Keys given twice in one JSON object: a reader keeps the last value, another may keep the first.

A documented response that repeats a key shows a value no check compares; an answer that repeats one
holds no value that can be said to match (Elasticsearch's runner rejects both). ``repeated_key`` finds
the first such object, in page order, with its path. ``extract`` warns about a documented one
(``repeated_key_warnings``) at the line and in the words replay reports it with (``repeated_key_message``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from harness.model import BodyKind, Diagnostic, Example, Level
from harness.parsers.lenient_json import munge_response
from harness.parsers.locate import locate

__all__ = ["DuplicateKey", "loads_with_repeats", "repeated_key", "repeated_key_message", "repeated_key_warnings"]

# a key as JSON writes it (the text after it a colon): a body repeats a key only if some such text appears twice.
# The string's body is written as runs of plain characters between escapes (the same strings as
# (?:[^"\\\n]|\\.)*, which stepped through an alternation once a character: twice the regex's cost)
_KEY = re.compile(r'"([^"\\\n]*(?:\\.[^"\\\n]*)*)"\s*:')


def repeated_key_message(path: str, key: str) -> str:
    """What replay and ``extract`` say of a documented response that gives ``key`` twice in the object at ``path``."""
    return (f"the expected response gives the key {key!r} twice in the object at {path}: a JSON reader keeps only "
            "the last value, so the other would never be compared; remove one of them")


def repeated_key_warnings(examples: Iterable[Example]) -> list[Diagnostic]:
    """A warning for each documented JSON response that gives a key twice in an object, at the line of its first
    value (the one nothing would compare): replay reports such an example invalid, in the same words."""
    found: list[Diagnostic] = []
    for example in examples:
        for expected in example.expected:
            body = expected.body
            if body is None or expected.body_kind is not BodyKind.JSON or expected.skip is not None:
                continue
            keys = _KEY.findall(body)
            if len(keys) == len(set(keys)):
                continue  # no key written twice anywhere: no object repeats one (the common case, one regex pass)
            try:
                json.loads(body)
            except (ValueError, RecursionError):
                body = munge_response(body)  # as replay reads a body that is not strict JSON
            repeated = repeated_key(body)
            if repeated is not None:
                path, key = repeated
                where = locate(expected.span, expected.source, f"{path}.{key}") or example.span
                found.append(Diagnostic(Level.WARNING, "repeated-key", repeated_key_message(path, key), where,
                                        hint="keep the value the target answers and remove the other"))
    return found


class DuplicateKey(ValueError):
    """An expected body that gives one key twice in an object: a JSON reader keeps the last value only,
    so the other, shown on the page, would never be compared.

    :param path: the object's JSON path (``$.job``).
    :param key: the repeated key.
    """

    def __init__(self, path: str, key: str) -> None:
        super().__init__(f"the key {key!r} appears twice in the object at {path}")
        self.path, self.key = path, key


def loads_with_repeats(text: str) -> tuple[Any, tuple[str, str] | None]:
    """The JSON value of ``text`` (plain dicts and lists, the last value of a repeated key, as ``json.loads``
    gives) and the (object path, key) of its first object, in page order, that gives a key twice (else
    ``None``): one read finds both. ``ValueError`` or ``RecursionError`` when the text is not JSON."""
    # id of an object whose pairs repeat a key -> (the object, that key): held, so that an object a repeated key
    # dropped from its parent keeps its id, which no object of the value can then take
    marked: dict[int, tuple[dict[str, Any], str]] = {}

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        found = dict(items)
        if len(found) != len(items):
            marked[id(found)] = (found, _first_repeat(items))
        return found

    value = json.loads(text, object_pairs_hook=pairs)
    pending: list[tuple[Any, str]] = [(value, "$")]
    while marked and pending:  # the path of the first object (in page order) that repeats a key
        item, path = pending.pop()
        if isinstance(item, dict):
            if id(item) in marked:
                return value, (path, marked[id(item)][1])
            pending.extend((v, f"{path}.{k}") for k, v in reversed(item.items()))
        elif isinstance(item, list):
            pending.extend((v, f"{path}[{i}]") for i, v in reversed(list(enumerate(item))))
    return value, None


def _first_repeat(items: list[tuple[str, Any]]) -> str:
    seen: set[str] = set()
    for key, _ in items:
        if key in seen:
            return key
        seen.add(key)
    return ""


def repeated_key(text: str) -> tuple[str, str] | None:
    """(object path, key) of the first object of a JSON text that gives a key twice, else ``None`` (also for
    text that is not JSON). A reader keeps the last value, another may keep the first: such a body holds
    no value that can be said to match. Walked only when an object repeats a key (else one hooked read)."""
    try:
        return loads_with_repeats(text)[1]
    except (ValueError, RecursionError):
        return None
