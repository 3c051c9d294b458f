"""The ``catch`` table of the Elasticsearch YAML runner (reference spec §9.3).

``check_catch`` returns ``None`` when the response is what the catch expects,
else a one-line reason. Unknown values are rejected before anything is sent.
"""

from __future__ import annotations

from typing import Any

from harness.parsers.directives import CATCH_STATUS, is_catch_regex, is_known_catch
from harness.parsers.directives import CATCH_VALUES as CATCH_NAMES
from harness.parsers.user_regex import RegexError, RegexTimeout, compile_user, search

__all__ = ["CATCH_NAMES", "CATCH_STATUS", "NOT_SENT", "check_catch", "is_known_catch", "java_string"]

# catch: request means "some other error": these statuses have names of their own
_NAMED = frozenset(CATCH_STATUS.values()) - {503}
NOT_SENT = "param"
# the table itself (CATCH_STATUS, CATCH_NAMES, is_known_catch) is the directive language's, so the
# parser's unknown-catch warning and the runner's check cannot drift apart


def java_string(value: Any) -> str:
    """``toString()`` of the Java value a JSON value parses to (``{k=v, ...}``, ``[a, b]``)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={java_string(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(java_string(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


def check_catch(value: str, status: int, body: Any) -> str | None:
    """``None`` when ``status``/``body`` satisfy ``catch: value``, else why not."""
    if value in CATCH_STATUS:
        wanted = CATCH_STATUS[value]
        return None if status == wanted else f"expected [{wanted}] status code ({value}) but got [{status}]"
    if value == "request":
        if status >= 400 and status not in _NAMED:
            return None
        return f"expected an error status other than 400/401/403/404/408/409 (request) but got [{status}]"
    if is_catch_regex(value):
        if status < 400:
            return f"expected an error response matching {value} but got [{status}]"
        if not isinstance(body, dict) or "error" not in body:
            return f"expected an error response with an [error] field matching {value}"
        text = java_string(body["error"])
        try:
            found = search(compile_user(value[1:-1]), text)
        except (RegexError, OverflowError, RecursionError) as exc:
            return f"catch regex {value} is invalid: {exc}"
        except RegexTimeout as exc:  # the page's pattern backtracks catastrophically on this error text
            return f"catch {value}: {exc}"
        if found is None:
            return f"the [error] field does not match {value}: {text[:200]}"
        return None
    return f"catch value [{value}] not supported"
