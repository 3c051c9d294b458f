"""Matchers: an expected body against an actual one, returning ``None`` or mismatches.

Matchers never raise on a difference and never decide what happens next; the
runner owns control flow. Policies (design guide, "Matching"):

* ``exact`` — Elasticsearch's ``match: $body`` (reference spec §9.4): deep
  equality, key order ignored, extra fields fail, lists ordered, ``1`` and
  ``1.0`` differ inside structures (numbers compare as doubles only when the
  whole expected value is a number), an expected string ``/regex/`` matches by
  regex only when it is the whole expected value, as the runner does.
* ``subset`` — documented keys present and equal, extra keys allowed, ``/regex/``
  strings honoured at any depth.
* ``shape`` — same keys and JSON types, recursively; values not compared. A
  documented empty list matches only an empty list, a non-empty one needs a
  non-empty list whose items have the documented shape.
* ``non_json`` — the regex text the parser built, matched against the text body.

On pages without Elasticsearch's conventions (``patterns=False``), a value that is visibly a
placeholder is checked for presence and type only, never compared: ``"{job_id}"`` and ``"<job_id>"``
(any non-null value), ``"string"``, ``"xxxx"`` and ``"******"`` (any string), ``"/v1/{project_id}/jobs"`` (the text around the
placeholder compared, the placeholder any text) and, in a body written in that parameter-example style
(a ``"string"`` value in it), ``0`` (any number). ``count_values`` counts them as presence only.

In ``subset`` and ``shape`` a documented string ending in ``...`` (or ``…``) is a
prefix: the actual string must start with the text before it (a stack trace cut
short), and it is compared even in ``shape``. ``volatile`` paths
(``harness.parsers.json_paths``) are never compared, in any policy.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from harness.parsers.json_paths import compile_path
from harness.parsers.lenient_json import munge_response
from harness.parsers.substitutions import SubstitutionError, translate_pattern
from harness.parsers.user_regex import RegexError, RegexTimeout, compile_user, search
from harness.parsers.repeated_keys import DuplicateKey, repeated_key
from harness.replay.stash import is_body_reference, is_whole_value
from harness.results import Mismatch

if TYPE_CHECKING:
    from harness.parsers.user_regex import Pattern

__all__ = [
    "DuplicateKey",
    "MAX_MISMATCHES",
    "Volatile",
    "compile_regex",
    "count_values",
    "is_prefix",
    "is_regex",
    "match_exact",
    "match_non_json",
    "match_shape",
    "match_subset",
    "parse_expected",
    "repeated_key",
]

MAX_MISMATCHES = 20
_UNESCAPED_HASH = re.compile(r"(?<!\\)((?:\\\\)*)#")  # a '#' after an even number of backslashes
_ELLIPSES = ("...", "\u2026")


def parse_expected(text: str) -> Any:
    """The expected JSON value: JSON as written, else read as the build reads it (``munge_response``:
    ``$body`` tokens quoted, trailing commas tolerated); ``ValueError`` says why it is not JSON, and
    ``DuplicateKey`` (a ``ValueError``) when an object gives a key twice.

    Strict JSON is tried first: the build's quoting would break a ``$`` inside a string
    (``"lambda$handleRequest$0(X.java:128)"``), and valid JSON needs no munging.
    """
    try:
        try:
            value, read = json.loads(text), text
        except ValueError:
            read = _munged(text)
            value = json.loads(read)
    except RecursionError:  # a page's JSON nested deeper than Python can read
        raise ValueError("nested too deeply to read") from None
    repeated = _repeated_key(read)  # a page's body: read once per text
    if repeated is not None:
        raise DuplicateKey(*repeated)
    return value


# A body that is not strict JSON is read twice per result (its value counts, then its check), and
# munging costs more than reading: the munged text is kept (the value is parsed anew each time, so no
# caller shares a mutable one). Strict JSON, the common case, is read directly, once per reading.
_munged = functools.lru_cache(maxsize=1024)(munge_response)
# a page's body is read once per text for repeated keys (answers differ every time: read as they come)
_repeated_key = functools.lru_cache(maxsize=1024)(repeated_key)


class Volatile:
    """The JSON paths whose values are not compared (compiled once per body check).

    :param paths: volatile paths as written (``$.jobs[*].start-time``); invalid ones never match.
    """

    def __init__(self, paths: Iterable[str] = ()) -> None:
        self.patterns = [p for p in map(compile_path, dict.fromkeys(paths)) if p is not None]

    def __call__(self, path: str) -> bool:
        if not self.patterns:  # the common case: called for every compared value
            return False
        return any(p.fullmatch(path) for p in self.patterns)


_NOTHING_VOLATILE = Volatile()


def count_values(expected: Any, volatile: Volatile = _NOTHING_VOLATILE, *, body_only: bool = False) -> tuple[int, int]:
    """(documented, presence only): the scalars of an expected body, and how many of them a check only
    finds present without comparing: references to a whole value (``$body.x``, as ``stash.resolve`` reads
    them; only ``$body`` ones with ``body_only``) and values at volatile paths (a badge says so)."""
    documented = presence = 0
    level = placeholder_level(expected) if body_only else 0
    # a stack: pages nest deeper than recursion; a volatile "$" leaves the whole body uncompared
    pending: list[tuple[Any, str, bool]] = [(expected, "$", volatile("$"))]
    while pending:
        value, path, unchecked = pending.pop()
        unchecked = unchecked or (path != "$" and volatile(path))
        if isinstance(value, dict):
            pending.extend((v, f"{path}.{k}", unchecked) for k, v in value.items())
        elif isinstance(value, list):
            pending.extend((v, f"{path}[{i}]", unchecked) for i, v in enumerate(value))
        else:
            documented += 1
            presence += unchecked or is_whole_value(value) and (not body_only or is_body_reference(value)) \
                or placeholder_kind(value, level) is not None
    return documented, presence


_PLACEHOLDER = re.compile(r"\{[A-Za-z_][\w.-]*\}|<[A-Za-z_][\w .-]*>|string|x{3,}|X{3,}|\*{3,}")
_HOLE = re.compile(r"\{[A-Za-z_][\w.-]*\}|<[A-Za-z_][\w.-]*>")  # inside a longer string: /v1/{project_id}/jobs


def placeholder_level(expected: Any) -> int:
    """How a non-Elasticsearch page's body marks values it does not give: 2 in the parameter-example style
    (a ``"string"`` value somewhere: its ``0`` numbers stand for numbers too), else 1 (``{name}``, ``<name>``)."""
    pending = [expected]
    while pending:
        value = pending.pop()
        if value == "string":
            return 2
        pending.extend(value.values() if isinstance(value, dict) else value if isinstance(value, list) else ())
    return 1


def placeholder_kind(value: Any, level: int) -> str | None:
    """What a placeholder value stands for: ``"value"`` (any non-null), ``"string"``, ``"number"``; else ``None``."""
    if level and isinstance(value, str) and _PLACEHOLDER.fullmatch(value):
        return "value" if value[0] in "{<" else "string"  # "xxxx", "******" (a masked secret): some text
    if level and isinstance(value, str) and _HOLE.search(value):
        return "template"  # the text around its placeholders is compared, each placeholder stands for any text
    return "number" if level == 2 and type(value) is int and value == 0 else None


def _placeholder_finds(kind: str, expected: Any, actual: Any, path: str, out: list[Mismatch]) -> None:
    if kind == "template":
        if not isinstance(actual, str) or not _fits_template(_HOLE.split(expected), actual):
            out.append(Mismatch(path, show(expected), show(actual), "does not fit the documented text around its "
                                "placeholders"))
        return
    if actual is None or kind != "value" and _kind(actual) != kind:
        what = "a value" if kind == "value" else f"a {kind}"
        out.append(Mismatch(path, show(expected), show(actual), f"a placeholder for {what}, got {_kind(actual)}"))


def _fits_template(parts: list[str], actual: str) -> bool:
    """``actual`` is ``parts`` in order with at least one character between each two (a placeholder's
    text). One left-to-right scan: each text is placed as early as it fits, which leaves the most room
    for the rest; the regex ``part.+?part...`` said the same but backtracked polynomially on an answer
    that does not fit (4 holes, 400 characters: 11 s)."""
    first, *middle, last = parts
    end = len(actual) - len(last)  # where the last text must start
    if not actual.startswith(first) or not actual.endswith(last):
        return False
    position = len(first)
    for part in middle:
        found = actual.find(part, position + 1)
        if found < 0:
            return False
        position = found + len(part)
    return end - position >= 1


def is_prefix(value: Any) -> bool:
    """A documented string cut short with ``...``: a prefix in ``subset`` and ``shape`` matching."""
    return isinstance(value, str) and value.endswith(_ELLIPSES) and len(value.rstrip(".\u2026")) > 0


def _prefix_finds(expected: str, actual: Any, path: str, out: list[Mismatch]) -> None:
    prefix = expected.removesuffix("...").removesuffix("\u2026")
    if not isinstance(actual, str):
        out.append(Mismatch(path, show(expected), show(actual), f"expected string, got {_kind(actual)}"))
    elif not actual.startswith(prefix):
        out.append(Mismatch(path, show(expected), show(actual), "does not start with the documented text"))


def show(value: Any) -> str:
    """Compact JSON text of a value for a diff line."""
    if value is _ABSENT:
        return "<missing>"
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 200 else text[:197] + "..."


class _Absent:
    pass


_ABSENT: Any = _Absent()


def is_regex(value: Any) -> bool:
    """A ``/.../`` string longer than two characters (after trimming)."""
    return isinstance(value, str) and len(value.strip()) > 2 and value.strip().startswith("/") \
        and value.strip().endswith("/")


def compile_regex(value: str) -> Pattern[str]:
    """Java ``Pattern.COMMENTS`` semantics: whitespace ignored, ``#`` comments to end of line.

    A pattern with ``\\p{..}`` properties is translated by Java's rules
    (``harness.parsers.substitutions.translate_pattern``): ``\\p{Alpha}`` is ASCII-only there, and
    ``\\p{javaLowerCase}`` exists; an unknown name is a ``RegexError`` naming it.
    """
    text = value.strip()[1:-1]
    if "\\p" in text or "\\P" in text:
        try:
            return translate_pattern(text, verbose=True)
        except SubstitutionError as exc:
            raise RegexError(str(exc)) from None
    return compile_user(text, verbose=True)


def _regex_finds(pattern: str, actual: Any, path: str, out: list[Mismatch]) -> None:
    try:
        ok = isinstance(actual, str) and search(compile_regex(pattern), actual) is not None
    except (RegexError, OverflowError, RecursionError) as exc:
        out.append(Mismatch(path, pattern, show(actual), f"invalid regex: {exc}"))
        return
    except RegexTimeout as exc:  # the page's pattern backtracks catastrophically on this value
        out.append(Mismatch(path, pattern, show(actual), str(exc)))
        return
    if not ok:
        out.append(Mismatch(path, pattern, show(actual), "does not match the regex"))


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _same_scalar(expected: Any, actual: Any) -> bool:
    """Java ``equals`` on boxed values: ``1`` is not ``1.0``, ``true`` is not ``1``."""
    return type(expected) is type(actual) and expected == actual


def match_exact(expected: Any, actual: Any, volatile: Volatile = _NOTHING_VOLATILE, *,
                patterns: bool = True) -> list[Mismatch] | None:
    """Elasticsearch ``match``: ``None`` when equal, else what differs (``patterns``: see ``match_subset``)."""
    if volatile("$"):
        return None
    if patterns and is_regex(expected):
        out: list[Mismatch] = []
        _regex_finds(expected, actual, "$", out)
        return out or None
    if _kind(expected) == _kind(actual) == "number":
        equal = float(expected) == float(actual)
        return None if equal else [Mismatch("$", show(expected), show(actual), "numbers differ")]
    out = []
    _compare(expected, actual, "$", out, extra_fail=True, regex=False, volatile=volatile,
             placeholders=0 if patterns else placeholder_level(expected))
    return out or None


def match_subset(expected: Any, actual: Any, volatile: Volatile = _NOTHING_VOLATILE, *,
                 patterns: bool = True) -> list[Mismatch] | None:
    """Documented keys present and equal; extra keys allowed; ``/regex/`` strings anywhere.

    :param patterns: read ``/regex/`` strings as patterns (Elasticsearch's convention); ``False`` for pages
        without it, where ``"/data/wang/"`` is a path compared as written (as a pattern it was found in
        ``"/mnt/old/data/wang/backup"``, a pass for a value that differs).
    """
    out: list[Mismatch] = []
    if not volatile("$"):
        _compare(expected, actual, "$", out, extra_fail=False, regex=True, volatile=volatile, patterns=patterns,
                 placeholders=0 if patterns else placeholder_level(expected))
    return out or None


def _compare(expected: Any, actual: Any, path: str, out: list[Mismatch], *, extra_fail: bool, regex: bool,
             volatile: Volatile, patterns: bool = True, placeholders: int = 0) -> None:
    """``placeholders``: ``placeholder_level`` of the body (0: none are read)."""
    if len(out) >= MAX_MISMATCHES:
        return
    if placeholders and (kind := placeholder_kind(expected, placeholders)) is not None:
        _placeholder_finds(kind, expected, actual, path, out)
    elif regex and patterns and is_regex(expected):
        _regex_finds(expected, actual, path, out)
    elif regex and is_prefix(expected):  # regex marks subset: "..." strings are prefixes there
        _prefix_finds(expected, actual, path, out)
    elif isinstance(expected, dict) and isinstance(actual, dict):
        for key, value in expected.items():
            child = f"{path}.{key}"
            if key not in actual:
                out.append(Mismatch(child, show(value), "<missing>", "field missing from the response"))
            elif not volatile(child):
                _compare(value, actual[key], child, out, extra_fail=extra_fail, regex=regex, volatile=volatile,
                         patterns=patterns, placeholders=placeholders)
        if extra_fail:
            for key in actual.keys() - expected.keys():
                if not volatile(f"{path}.{key}"):
                    out.append(Mismatch(f"{path}.{key}", "<absent>", show(actual[key]),
                                        "unexpected field in the response"))
    elif isinstance(expected, list) and isinstance(actual, list):
        for index, (e, a) in enumerate(zip(expected, actual)):
            if not volatile(f"{path}[{index}]"):
                _compare(e, a, f"{path}[{index}]", out, extra_fail=extra_fail, regex=regex, volatile=volatile,
                         patterns=patterns, placeholders=placeholders)
        if len(expected) != len(actual):
            out.append(Mismatch(path, f"{len(expected)} items", f"{len(actual)} items", "list lengths differ"))
    elif not _same_scalar(expected, actual):
        message = "values differ" if _kind(expected) == _kind(actual) else f"expected {_kind(expected)}, got {_kind(actual)}"
        out.append(Mismatch(path, show(expected), show(actual), message))


def match_shape(expected: Any, actual: Any, volatile: Volatile = _NOTHING_VOLATILE) -> list[Mismatch] | None:
    """Same keys and JSON types, recursively; list items checked against the documented items."""
    out: list[Mismatch] = []
    if not volatile("$"):
        _shape(expected, actual, "$", out, volatile)
    return out or None


def _shape(expected: Any, actual: Any, path: str, out: list[Mismatch], volatile: Volatile) -> None:
    if len(out) >= MAX_MISMATCHES:
        return
    if placeholder_kind(expected, 1) == "value":  # "{job_id}": any value, of whatever type the service gives it
        _placeholder_finds("value", expected, actual, path, out)
    elif _kind(expected) != _kind(actual):
        out.append(Mismatch(path, _kind(expected), _kind(actual), f"expected {_kind(expected)}, got {_kind(actual)}"))
    elif is_prefix(expected):
        _prefix_finds(expected, actual, path, out)
    elif isinstance(expected, dict):
        for key in expected.keys() - actual.keys():
            out.append(Mismatch(f"{path}.{key}", show(expected[key]), "<missing>", "field missing from the response"))
        for key in actual.keys() - expected.keys():
            if not volatile(f"{path}.{key}"):
                out.append(Mismatch(f"{path}.{key}", "<absent>", show(actual[key]), "unexpected field in the response"))
        for key in expected.keys() & actual.keys():
            if not volatile(f"{path}.{key}"):
                _shape(expected[key], actual[key], f"{path}.{key}", out, volatile)
    elif isinstance(expected, list):
        if bool(expected) != bool(actual):  # [] documents "none"; [x] documents "some, like x"
            out.append(Mismatch(path, f"{len(expected)} items", f"{len(actual)} items",
                                "expected an empty list" if not expected else "expected a non-empty list"))
            return
        # a live list may be longer or shorter than the documented one; each item must
        # look like the documented item at its place (the last one beyond the end)
        for index, item in enumerate(actual):
            if not volatile(f"{path}[{index}]"):
                _shape(expected[min(index, len(expected) - 1)], item, f"{path}[{index}]", out, volatile)


def match_non_json(regex_text: str, actual: str) -> list[Mismatch] | None:
    """A ``TESTRESPONSE[non_json]`` regex against a text body, as the YAML runner sees it.

    The YAML plain scalar the framework emits is folded (newlines become spaces), then
    the runner strips the slashes and searches with ``COMMENTS``.
    """
    folded = " ".join(line.strip() for line in regex_text.strip().splitlines())
    if not is_regex(folded):
        return None if folded == actual else [Mismatch("$", show(folded), show(actual), "text differs")]
    out: list[Mismatch] = []
    # a '#' of the page is text: in COMMENTS mode it would end the folded pattern, and every line after it
    # would pass unread (the build's YAML breaks on it, or keeps only the text before it)
    _regex_finds(_UNESCAPED_HASH.sub(r"\1\\#", folded), actual, "$", out)
    return out or None
