"""Request-body checks: required fields, JSON types and unknown fields, per family.

A body spec maps a field name to ``(types, required)``. ``check_es`` raises
Elasticsearch's ``x_content_parse_exception`` / ``action_request_validation_exception``
the way its object parsers do; ``check_cloud`` raises the cloud family's 400.
"""

from __future__ import annotations

from typing import Any

from harness.server.errors import CloudError, EsError

__all__ = ["Spec", "check_cloud", "check_es", "type_name"]

Spec = dict[str, tuple[tuple[type, ...], bool]]

_NAMES = {str: "string", int: "number", float: "number", bool: "boolean", list: "array", dict: "object"}


def type_name(types: tuple[type, ...]) -> str:
    """The JSON name of the accepted types (``string or array``)."""
    names: list[str] = []
    for t in types:
        if _NAMES[t] not in names:
            names.append(_NAMES[t])
    return " or ".join(names)


def _wrong_type(value: Any, types: tuple[type, ...]) -> bool:
    if isinstance(value, bool) and bool not in types:
        return True  # JSON true is not a number, whatever Python thinks
    return not isinstance(value, types)


def problems(body: Any, spec: Spec, *, allow_unknown: bool = False) -> list[str]:
    """Every way ``body`` departs from ``spec``, in field order, as short sentences."""
    if not isinstance(body, dict):
        return ["the body must be a JSON object"]
    found: list[str] = []
    for name, (types, required) in spec.items():
        if name not in body or body[name] is None:
            if required:
                found.append(f"[{name}] is required")
        elif _wrong_type(body[name], types):
            found.append(f"[{name}] must be of type {type_name(types)}")
    if not allow_unknown:
        found.extend(f"unknown field [{name}]" for name in body if name not in spec)
    return found


def check_es(body: Any, spec: Spec, parser: str, *, allow_unknown: bool = False) -> dict[str, Any]:
    """``body`` as a dict if it fits ``spec``; else Elasticsearch's 400 naming the first problem."""
    found = problems(body, spec, allow_unknown=allow_unknown)
    if not found:
        return dict(body)
    first = found[0]
    if first.startswith(("unknown field", "the body")) or "must be of type" in first:
        raise EsError(400, "x_content_parse_exception", f"[{parser}] {first}")
    reasons = "".join(f"{i}: {text};" for i, text in enumerate(found, 1))
    raise EsError(400, "action_request_validation_exception", f"Validation Failed: {reasons}")


def check_cloud(body: Any, spec: Spec, code: str, *, allow_unknown: bool = True) -> dict[str, Any]:
    """``body`` as a dict if it fits ``spec``; else the cloud family's 400 with ``code``."""
    found = problems(body, spec, allow_unknown=allow_unknown)
    if found:
        raise CloudError(400, code, "Invalid request body: " + "; ".join(found) + ".")
    return dict(body)
