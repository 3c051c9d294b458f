"""Request bodies read as JSON the way Elasticsearch's Jackson reader would accept them.

Bad input is a 400, never a 500: malformed JSON and invalid UTF-8 (``ValueError``),
``NaN`` / ``Infinity`` (not JSON; Jackson refuses them by default), a number too
large for a double (``1e400``), an integer of thousands of digits, and nesting
deeper than ``MAX_DEPTH`` (Python's reader would otherwise hit its recursion
limit, and a stored document that deep could not be written back out).
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["MAX_DEPTH", "JsonBodyError", "parse_json"]

MAX_DEPTH = 100


class JsonBodyError(ValueError):
    """A body that is not acceptable JSON; ``str()`` says why."""


def _constant(name: str) -> Any:
    raise JsonBodyError(f"Non-standard token '{name}': NaN and Infinity are not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise JsonBodyError(f"Numeric value ({text[:40]}) out of range of double")
    return value


def parse_json(raw: bytes | str) -> Any:
    """The parsed body.

    :raises ValueError: (``JsonBodyError``, ``json.JSONDecodeError`` or ``UnicodeDecodeError``) when the
        body is not acceptable JSON.
    """
    try:
        value = json.loads(raw, parse_constant=_constant, parse_float=_finite)
    except RecursionError:
        raise JsonBodyError(f"the JSON nests deeper than {MAX_DEPTH} levels") from None
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise JsonBodyError(f"the JSON nests deeper than {MAX_DEPTH} levels")
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return value
