"""The response headers a page documents, against the answer's (Dredd's Gavel rules).

A page that shows ``HTTP/1.1 201 Created`` with ``Content-Type`` and ``Location`` lines, or a
"Response header" block (``X-Subject-Token: ...``), documents those headers. Each must be in
the answer (names compared case-insensitively). The media type of ``Content-Type`` is compared
(its parameters, such as ``charset``, are not); any other header's value is an example (a job's
``Location``, a token), so it is only checked present, as is a header a "Response header parameters"
table names (the parser adds it to the page's success responses with an empty value). Headers the connection or the deployment
sets (``Date``, ``Content-Length``, ``Server``, request ids, CORS and rate-limit headers ...) are not
compared at all.
``header_checks`` says which was done for each, so reports never claim more.
"""

from __future__ import annotations

import re

from harness.model import ExpectedResponse, Span
from harness.replay.send import Reply
from harness.results import Failure, FailureKind

__all__ = ["COMPARED", "IGNORED", "PRESENT", "check_headers", "header_checks"]

COMPARED, PRESENT, IGNORED = "compared", "present", "ignored"
_VALUE_COMPARED = frozenset({"content-type"})
# set by the connection, the server software or the deployment, not by the API the page documents
_NOT_COMPARED = frozenset({"date", "content-length", "transfer-encoding", "connection", "keep-alive", "server",
                           "via", "age", "vary", "x-powered-by", "strict-transport-security", "x-frame-options",
                           "x-content-type-options", "x-xss-protection", "x-download-options",
                           "content-security-policy"})
# request ids and tracing, CORS (it answers the request's Origin), rate limits: the deployment's, not the API's
_DEPLOYMENT = re.compile(r"(^|-)(request|trace|correlation|span)-?id$|^access-control-|^(x-)?ratelimit-", re.I)


def _how(name: str, value: str) -> str:
    lowered = name.lower()
    if lowered in _NOT_COMPARED or _DEPLOYMENT.search(lowered):
        return IGNORED
    return COMPARED if lowered in _VALUE_COMPARED and value.strip() else PRESENT  # "": a table names it only


def header_checks(expected: ExpectedResponse) -> tuple[tuple[str, str], ...]:
    """Each documented header of ``expected`` (once, as written) and how it is checked: compared, present or
    ignored; none when the response is not compared (``TESTRESPONSE[skip]``)."""
    if expected.skip is not None:
        return ()
    seen: dict[str, tuple[str, str]] = {}
    for name, value in expected.headers:
        seen.setdefault(name.lower(), (name, _how(name, value)))
    return tuple(seen.values())


def _media_type(value: str) -> str:
    return value.split(";")[0].strip().lower()


def check_headers(expected: ExpectedResponse, reply: Reply) -> Failure | None:
    """``None`` when every documented header is there (and ``Content-Type`` names the same media type)."""
    problems: list[str] = []
    wanted: list[str] = []
    got: list[str] = []
    where: Span | None = None
    for name, how in header_checks(expected):
        if how == IGNORED:
            continue
        documented = next(v for k, v in expected.headers if k.lower() == name.lower())
        values = reply.header_values(name)
        if not values:
            problems.append(f"{name} is missing")
        elif how == COMPARED and _media_type(values[0]) != _media_type(documented):
            problems.append(f"{name} is {_media_type(values[0]) or 'empty'}, not {_media_type(documented)}")
        else:
            continue
        wanted.append(f"{name}: {documented}")
        got.append(f"{name}: {values[0]}" if values else f"{name}: <missing>")
        where = where or _line_of(expected, name)
    if not problems:
        return None
    return Failure(FailureKind.HEADERS, "the response headers differ from the page: " + "; ".join(problems),
                   where or expected.span, expected="\n".join(wanted), actual="\n".join(got))


def _line_of(expected: ExpectedResponse, name: str) -> Span | None:
    """Where the page documents header ``name`` (its first mention), ``None`` when not known (a table names it)."""
    if expected.span is None or len(expected.header_lines) != len(expected.headers):
        return None
    line = next((n for (k, _), n in zip(expected.headers, expected.header_lines) if k.lower() == name.lower()), 0)
    return Span(expected.span.path, line) if line else None
