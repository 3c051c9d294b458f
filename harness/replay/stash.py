"""``$body`` references in an expected response, resolved from the actual one.

Elasticsearch runner semantics (reference spec §9.5): ``$body.a.b`` reads path
``a.b`` of the last response; ``$body.$_path`` first replaces ``$_path`` with the
position of the value inside the expected structure, so it means "whatever the
actual response holds at this same place". Dots inside keys are escaped ``\\.``,
list positions are numbers. A missing or null value cannot be resolved.

Request bodies are stash-resolved too (spec §9.2: "string values inside bodies are
stash-resolved"): ``{"cursor": "$body.cursor"}`` sends the cursor the previous
answer of the same test held (``resolve_request_body``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from harness.replay.catch import java_string

__all__ = ["MISSING", "StashMiss", "is_body_reference", "is_reference", "is_whole_value", "lookup", "resolve", "resolve_request_body",
           "split_path"]


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()


class StashMiss(Exception):
    """A ``$body`` reference whose value is missing or null in the actual response.

    :param reference: the reference as written (``$body.$_path`` resolved to its path).
    :param position: the JSON path of the expected value that held it.
    """

    def __init__(self, reference: str, position: str) -> None:
        self.reference, self.position = reference, position
        super().__init__(f"stashed value not found for key [{reference}]")


def is_reference(value: Any) -> bool:
    """A stash reference: a string starting with ``$`` or holding ``${...}``."""
    return isinstance(value, str) and (value.startswith("$") or "${" in value)


def is_whole_value(value: Any) -> bool:
    """A reference that stands for the whole value (``$body.took``, ``$body.$_path``): the value comes
    from the response, where ``"job ${body.id}"`` keeps the text around it to compare."""
    return isinstance(value, str) and value.startswith("$") and not value.startswith("${")


def split_path(path: str) -> list[str]:
    """Split a dotted path on unescaped dots, unescaping ``\\.``."""
    return [part.replace("\\.", ".") for part in re.split(r"(?<!\\)\.", path) if part != ""]


def lookup(body: Any, path: str) -> Any:
    """The value at a dotted path of ``body`` (``MISSING`` when absent)."""
    value = body
    for part in split_path(path):
        if isinstance(value, dict):
            value = value.get(part, MISSING)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return MISSING
        if value is MISSING:
            return MISSING
    return value


def _stash_value(reference: str, body: Any, position: str) -> Any:
    """``$body.x`` -> the value; only the ``body`` stash key exists during doc tests."""
    name, _, rest = reference[1:].partition(".")
    value = lookup(body, rest) if name == "body" else MISSING
    if value is MISSING or value is None:
        raise StashMiss(reference, position)
    return value


def is_body_reference(value: Any) -> bool:
    """A reference to the last answer (``$body...``, ``${body...}``): the only stash key of a docs test."""
    return isinstance(value, str) and (value.startswith("$body") or "${body" in value)


def resolve(expected: Any, body: Any, trail: tuple[str, ...] = (), *, body_only: bool = False) -> Any:
    """``expected`` with every stash reference replaced by the actual value it names.

    :param body_only: only ``$body`` references are references (pages without the Elasticsearch
        runner's stash, where ``"$LATEST"`` or ``"echo ${HOME}"`` is a value to compare).
    """
    reference = is_body_reference if body_only else is_reference
    if isinstance(expected, dict):
        resolved: dict[Any, Any] = {}
        for key, value in expected.items():
            new_key = key
            if reference(key):
                new_key = str(resolve(key, body, trail, body_only=body_only))
            resolved[new_key] = resolve(value, body, (*trail, key.replace(".", "\\.")), body_only=body_only)
        return resolved
    if isinstance(expected, list):
        return [resolve(v, body, (*trail, str(i)), body_only=body_only) for i, v in enumerate(expected)]
    if not reference(expected):
        return expected
    text: str = expected
    position = json_path(trail)
    if "$_path" in text:
        text = text.replace("$_path", ".".join(trail))
    if is_whole_value(text):
        return _stash_value(text, body, position)
    return re.sub(r"\$\{([^}]+)\}", lambda m: java_string(_stash_value("$" + m.group(1), body, position)), text)


def json_path(trail: tuple[str, ...]) -> str:
    """A ``$.a.b[0]`` path for messages, from a stash trail."""
    out = "$"
    for part in trail:
        out += f"[{part}]" if part.isdigit() else f".{part.replace(chr(92) + '.', '.')}"
    return out



def _body_references(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_body_references(v) or _body_references(k) for k, v in value.items())
    if isinstance(value, list):
        return any(_body_references(v) for v in value)
    return isinstance(value, str) and (value.startswith("$body") or "${body" in value)


def _resolve_body_strings(value: Any, body: Any, trail: tuple[str, ...] = ()) -> Any:
    """``resolve`` for the ``$body`` references of a request: other ``$`` text is sent as written."""
    if isinstance(value, dict):
        return {_resolve_body_strings(k, body, trail): _resolve_body_strings(v, body, (*trail, str(k)))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_body_strings(v, body, (*trail, str(i))) for i, v in enumerate(value)]
    if isinstance(value, str) and (value.startswith("$body") or "${body" in value):
        return resolve(value, body, trail)
    return value


def resolve_request_body(text: str, body: Any) -> str | None:
    """A request body (JSON, or NDJSON lines) with its ``$body`` references read from ``body``, the
    previous answer; ``None`` when it holds none (it is then sent as written). ``StashMiss`` when
    the previous answer holds no value for one."""
    lines = [text] if not text.lstrip().startswith("{") or "\n" not in text.strip() else text.strip().split("\n")
    try:
        values = [json.loads(line) for line in lines if line.strip()]
    except ValueError:
        try:
            values, lines = [json.loads(text)], [text]
        except ValueError:
            return None
    if not any(_body_references(v) for v in values):
        return None
    resolved = [json.dumps(_resolve_body_strings(v, body)) for v in values]
    return resolved[0] if len(lines) == 1 else "\n".join(resolved) + "\n"
