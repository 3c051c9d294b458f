"""Values read from answers: ``CAPTURE[...]`` bindings and ``RETRY[...]`` conditions.

A capture binds a value of one answer for the later requests of the same document
(``{name}`` in path, query, headers and body, teardowns included). Within the
document a bound capture takes precedence over a configured variable of the same
name; a name that is captured somewhere in the document but not bound yet (its
request failed, or comes later) is never sent as written. A value whose name says
it is a secret (``token``, ``password``, ...) is masked in every output.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from harness.model import Capture, Document, Retry
from harness.replay.catch import java_string
from harness.replay.send import Reply
from harness.replay.stash import MISSING, lookup
from harness.replay.variables import normalize

__all__ = ["Captured", "capture_value", "declared_names", "holds", "is_secret_name", "read", "shown", "unread_body"]

_SECRET = re.compile(r"token|secret|passw(or)?d|credential|api_?key|auth(?!or)|cookie|session", re.I)


def is_secret_name(name: str) -> bool:
    """Whether a capture's name says its value is a secret (masked in every output)."""
    return _SECRET.search(name) is not None


def read(source: str, reply: Reply, *, elasticsearch: bool = False) -> Any:
    """The value ``source`` names in ``reply`` (``$body``, ``$body.a.0.b``, ``$header.Name``, ``status``),
    ``MISSING`` when absent or null.

    :param elasticsearch: ``$body`` is the answer as that runner stashes it (``Reply.stashed``): JSON only
        under a JSON media type, else the text, whose paths hold nothing; as the page's body match reads it.
    """
    if source == "status":
        return reply.status
    if source.startswith("$header."):
        values = reply.header_values(source[len("$header."):])
        return values[0] if values else MISSING
    body = reply.body(elasticsearch=elasticsearch)
    if body is MISSING or source == "$body":
        return body if body is not None else MISSING
    value = lookup(body, source[len("$body."):])
    return MISSING if value is None else value


def unread_body(source: str, reply: Reply, *, elasticsearch: bool = False) -> str:
    """Why ``$body`` paths of ``reply`` hold nothing when its body is not JSON by the page's rule (for a
    failure's message), ``""`` when it is JSON or ``source`` reads no body path."""
    if not source.startswith("$body.") or isinstance(reply.body(elasticsearch=elasticsearch), (dict, list)):
        return ""
    kind = reply.content_type or "none"
    if elasticsearch and reply.json_as_text():
        return (f" (the answer is JSON text with Content-Type {kind}: Elasticsearch's runner reads such a body as "
                "a string, not JSON, so its paths hold nothing)")
    return f" (the answer is not JSON: Content-Type {kind})"


def capture_value(source: str, reply: Reply, *, elasticsearch: bool = False) -> str | None:
    """The text a capture binds (``$body.filename~[^/]+$``: the regex's first group or match), ``None``
    when the answer holds no value there or the regex does not match."""
    where, tilde, pattern = source.partition("~")
    value = read(where, reply, elasticsearch=elasticsearch)
    if value is MISSING:
        return None
    text = shown(value)
    if not tilde:
        return text
    found = re.search(pattern, text)
    if found is None:
        return None
    return found.group(1) if found.re.groups and found.group(1) is not None else found.group(0)


def shown(value: Any) -> str:
    """A value as text: strings as they are, numbers and booleans as JSON writes them."""
    if value is MISSING:
        return "<missing>"
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return java_string(value)


def holds(retry: Retry, reply: Reply, *, elasticsearch: bool = False) -> tuple[bool, str]:
    """Whether every condition of ``retry`` holds for ``reply``, and the values seen (for the failure, with
    why the body's paths hold nothing when it is not JSON by the page's rule)."""
    seen = []
    ok = True
    for subject, wanted in retry.conditions:
        value = shown(read(subject, reply, elasticsearch=elasticsearch))
        seen.append(f"{subject}={value}")
        ok = ok and value == wanted
    why = next((w for subject, _ in retry.conditions if (w := unread_body(subject, reply, elasticsearch=elasticsearch))),
               "")
    return ok, ", ".join(seen) + why


def declared_names(document: Document, extra: Iterable[Capture] = ()) -> frozenset[str]:
    """The normalised names a document's CAPTUREs (and its named setups' captures) bind."""
    return frozenset(normalize(c.name) for e in document.examples for c in e.captures) | frozenset(
        normalize(c.name) for c in extra)


class Captured:
    """The values one document has captured so far, by normalised name (the last binding wins).

    :param declared: every name the document may capture (normalised).
    """

    def __init__(self, declared: frozenset[str] = frozenset()) -> None:
        self.declared = declared
        self.values: dict[str, str] = {}
        self.version = 0  # how many bindings were made: what was prepared before may change with it

    def bind(self, name: str, value: str) -> None:
        """Bind ``{name}`` for the document's later requests."""
        self.values[normalize(name)] = value
        self.version += 1
