"""``CAPTURE[...]`` and ``RETRY[...]``: the directive items for stateful workflows on live clusters.

Both sit after a request block like the other directives (``// CAPTURE[...]`` in
AsciiDoc, ``.. CAPTURE[...]`` in RST, ``<!-- CAPTURE[...] -->`` in HTML) and
apply to the block's last request:

* ``CAPTURE[job_id=$body.jobid jar=$body.files.0.id loc=$header.Location]`` binds
  values of that request's answer; later requests of the same document (teardowns
  included) use them as ``{job_id}`` in path, query, headers and body.
  ``jar=$body.filename~[^/]+$`` keeps the part a regex matches (its first group if it has one).
* ``RETRY[until:$body.status.id=COMPLETED every:500ms timeout:30s]`` (or
  ``until:status=200``; several ``until:`` items must all hold) re-sends the
  request until the condition holds, then checks its expected response.

Items are separated by spaces, as in ``TEST[...]``. A malformed item is an error
diagnostic at its column, so the example becomes an error item instead of
running without the capture or retry it was written with.
"""

from __future__ import annotations

import re

from harness.model import Capture, Diagnostic, Level, Retry, Span

__all__ = ["DEFAULT_EVERY", "DEFAULT_TIMEOUT", "parse_capture_args", "parse_duration", "parse_retry_args",
           "valid_source"]

DEFAULT_EVERY = 0.5
DEFAULT_TIMEOUT = 30.0
_ITEM = re.compile(r"\S+")
_CAPTURE_ITEM = re.compile(r"(?P<name>[A-Za-z_][\w\-]*)=(?P<source>\S+)")
_SOURCE = re.compile(r"\$body(?:\.\S+)?|\$header\.[A-Za-z0-9!#$%&'*+\-.^_`|~]+")
_RETRY_ITEM = re.compile(r"(?P<key>until|every|timeout):(?P<value>\S+)")
_CONDITION = re.compile(r"(?P<subject>status|\$body(?:\.[^=\s]+)?|\$header\.[^=\s]+)=(?P<value>\S*)")
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m)")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0}
_MIN_EVERY, _MAX_WAIT = 0.01, 3600.0  # no busy loop against a target, no endless wait from a page


def valid_source(source: str) -> bool:
    """Whether ``source`` names a value of an answer: ``$body``, ``$body.a.0.b`` or ``$header.Name``,
    optionally followed by ``~REGEX`` (the value is then the regex's first group, or its match)."""
    where, tilde, pattern = source.partition("~")
    if _SOURCE.fullmatch(where) is None:
        return False
    if tilde:
        try:
            re.compile(pattern)
        except re.error:
            return False
    return not tilde or bool(pattern)


def parse_duration(text: str) -> float | None:
    """``500ms`` / ``2s`` / ``1.5m`` in seconds, ``None`` when it is not a duration."""
    found = _DURATION.fullmatch(text)
    return float(found[1]) * _UNITS[found[2]] if found else None


def _problem(message: str, hint: str, path: str, line: int, column: int, found: re.Match[str]) -> Diagnostic:
    return Diagnostic(Level.ERROR, "bad-directive-args", message,
                      Span(path, line, column + found.start(), line, column + found.end() - 1), hint)


def parse_capture_args(args: str, path: str, line: int, column: int) -> tuple[tuple[Capture, ...], list[Diagnostic]]:
    """The captures of a ``CAPTURE[...]`` line; ``column`` is where ``args`` starts on ``line``."""
    captures: list[Capture] = []
    problems: list[Diagnostic] = []
    for item in _ITEM.finditer(args):
        found = _CAPTURE_ITEM.fullmatch(item.group())
        if found is None or not valid_source(found["source"]):
            problems.append(_problem(
                f"CAPTURE item {item.group()!r} is not NAME=$body.path or NAME=$header.Name (optionally ~REGEX)",
                "write CAPTURE[job_id=$body.jobid] (list positions are numbers: $body.files.0.id)",
                path, line, column, item))
            continue
        where = Span(path, line, column + item.start(), line, column + item.end() - 1)
        captures.append(Capture(found["name"], found["source"], where))
    if not captures and not problems:
        problems.append(Diagnostic(Level.ERROR, "bad-directive-args", "CAPTURE names nothing to capture",
                                   Span(path, line, max(column - 1, 1)), "write CAPTURE[name=$body.path]"))
    return tuple(captures), problems


def parse_retry_args(args: str, path: str, line: int, column: int) -> tuple[Retry | None, list[Diagnostic]]:
    """The retry of a ``RETRY[...]`` line (``None`` when it has problems, reported as errors)."""
    conditions: list[tuple[str, str]] = []
    every, timeout = DEFAULT_EVERY, DEFAULT_TIMEOUT
    problems: list[Diagnostic] = []
    for item in _ITEM.finditer(args):
        found = _RETRY_ITEM.fullmatch(item.group())
        if found is None:
            problems.append(_problem(f"RETRY item {item.group()!r} is not until:, every: or timeout:",
                                     "write RETRY[until:$body.status=COMPLETED every:500ms timeout:30s]",
                                     path, line, column, item))
        elif found["key"] == "until":
            condition = _CONDITION.fullmatch(found["value"])
            if condition is None:
                problems.append(_problem(f"RETRY condition {found['value']!r} is not SUBJECT=VALUE",
                                         "the subject is status, $body.path or $header.Name: until:status=200",
                                         path, line, column, item))
            else:
                conditions.append((condition["subject"], condition["value"]))
        else:
            seconds = parse_duration(found["value"])
            if seconds is None or not _MIN_EVERY <= seconds <= _MAX_WAIT:
                problems.append(_problem(f"RETRY {found['key']}:{found['value']} is not a duration from 10ms to 1h",
                                         f"write {found['key']}:500ms, {found['key']}:2s or {found['key']}:1m",
                                         path, line, column, item))
            elif found["key"] == "every":
                every = seconds
            else:
                timeout = seconds
    if not conditions and not problems:
        problems.append(Diagnostic(Level.ERROR, "bad-directive-args", "RETRY has no until: condition",
                                   Span(path, line, max(column - 1, 1)),
                                   "write RETRY[until:$body.status=COMPLETED] or RETRY[until:status=200]"))
    if problems:
        return None, problems
    return Retry(tuple(conditions), every, timeout, Span(path, line, max(column - 1, 1))), []
