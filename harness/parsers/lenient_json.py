"""The leniency of the JSON reader Elasticsearch's build checks documented responses with.

The build parses every ``// TESTRESPONSE`` of a ``js`` snippet with Groovy's
``JsonSlurper`` (reference §2.2 step 4), which reads more than strict JSON:
trailing commas, numbers written with leading zeros (``00``) and backslash
escapes JSON does not define (``ml\\.machine_memory``, which a page's own
substitution often produces for an escaped dot in a ``$body`` path). A tree
the build accepts must not fail here, so these are rewritten into strict JSON
with the same meaning — an unknown escape keeps its backslash, as the YAML the
runner reads does — and each leniency used is named with the text that needed
it, for a warning. Before any of it, the build quotes the ``$body...`` stash tokens of the
response (``quote_stash_tokens``); ``munge_response`` does both.
"""

from __future__ import annotations

import json
import re

__all__ = ["Leniency", "lenient_json_error", "lenient_json_text", "munge_response", "quote_stash_tokens",
           "response_json_error"]

Leniency = tuple[str, str]  # the text that needed it (``\\.``, ``00``, ``,``), and what it is

# a string (its escapes checked), a run of leading zeros before a digit, or a trailing comma
# (an unterminated string runs to the end, kept: otherwise every later quote rescans the rest, quadratic)
_DIGITS = re.compile(r"\d+")
_TOKEN = re.compile(r'"(?:\\.|[^"\\])*+(?:"|\\?\Z)|(?<![\w.+\-])(-?)0+(?=\d)|,(\s*+[}\]])', re.ASCII)
_QUOTE_VALUES = re.compile(r"([:,])\s*(\$[^ ,\n}]+)")
# the build's pattern with the key bounded (no real key is longer): unbounded, a line of '$' is quadratic
_QUOTE_KEYS = re.compile(r"(\$[^ ,\n}]{1,512})\s*:")
_ESCAPE = re.compile(r'\\(?:u[0-9a-fA-F]{4}|["\\/bfnrt])|\\(.)', re.DOTALL)


def lenient_json_text(text: str) -> tuple[str, tuple[Leniency, ...]]:
    """``text`` as strict JSON text, and the leniencies it needed (empty when it was strict already)."""
    used: dict[Leniency, None] = {}

    def escape(found: re.Match[str]) -> str:
        if found.group(1) is None:
            return found.group(0)
        used[found.group(0), f"the escape {found.group(0)} is not JSON (read as a backslash and {found.group(1)!r})"] \
            = None
        return "\\\\" + found.group(1)

    def token(found: re.Match[str]) -> str:
        whole = found.group(0)
        if whole.startswith('"'):
            return _ESCAPE.sub(escape, whole) if "\\" in whole else whole
        if found.group(2) is not None:
            used[",", "a trailing comma"] = None
            return found.group(2)
        digits = _DIGITS.match(text, found.end())  # no copy of the rest: linear in the text
        number = whole.lstrip("-") + (digits.group(0) if digits else "")
        used[number, f"the number {number} has a leading zero"] = None
        return found.group(1)

    return _TOKEN.sub(token, text), tuple(used)


def lenient_json_error(text: str) -> tuple[ValueError | None, tuple[Leniency, ...]]:
    """Why ``text`` is not JSON even to the build's lenient reader (or ``None``), and the leniencies used."""
    strict, used = lenient_json_text(text)
    try:
        json.loads(strict)
    except ValueError as exc:
        return exc, used
    except RecursionError:
        return ValueError("the JSON is nested deeper than can be read"), used
    return None, used


def quote_stash_tokens(contents: str) -> str:
    """The build's munging: quote ``$body...`` values and keys (reference §2.2 step 4)."""
    if "$" not in contents:
        return contents
    # functions, not r'\1 "\2"' templates: in Python 3.11 each sub with a template runs re's Python code
    # to look it up and then to expand it at every match, twice the cost of a response's whole munging
    quoted = _QUOTE_VALUES.sub(lambda found: f'{found[1]} "{found[2]}"', contents)
    return _QUOTE_KEYS.sub(lambda found: f'"{found[1]}":', quoted)


def munge_response(contents: str) -> str:
    """Expected-response text as strict JSON text, the way the build reads it.

    The build quotes ``$body...`` values and keys before parsing, and its JSON
    reader is lenient (trailing commas, numbers such as ``00``, escapes such as
    ``\\.``), so documented responses may rely on all of these; replay can parse
    what this returns with ``json.loads``.
    """
    munged = quote_stash_tokens(contents)
    try:
        json.loads(munged)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the JSON reader goes
        return lenient_json_text(munged)[0]
    return munged


def response_json_error(contents: str) -> tuple[ValueError | None, tuple[Leniency, ...]]:
    """Why the munged response is not JSON even to the build's lenient reader (or ``None``), and the
    leniencies it needed; one parse when valid."""
    munged = quote_stash_tokens(contents)
    try:
        json.loads(munged)
    except (ValueError, RecursionError):
        return lenient_json_error(munged)
    return None, ()
