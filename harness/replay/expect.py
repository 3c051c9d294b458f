"""What an answer must satisfy: status or ``catch``, shard failures, warnings, body.

Each check returns ``None`` or a ``Failure``; the runner decides what happens
next. Statuses follow the Elasticsearch runner (2xx unless caught) or the
page's documented status for cloud-style examples; a 5xx nobody asked for is
the target misbehaving (an error), any other surprise an assertion failure.
"""

from __future__ import annotations

import re
from typing import Any

from harness.model import BodyKind, ExpectedResponse, MatchPolicy, Span
from harness.replay import match
from harness.replay.catch import CATCH_STATUS, check_catch, java_string
from harness.parsers.locate import locate
from harness.parsers.repeated_keys import repeated_key_message
from harness.replay.plan import Step
from harness.replay.send import Reply
from harness.replay.stash import MISSING, StashMiss, lookup, resolve
from harness.results import Failure, FailureKind, Mismatch

__all__ = ["checked_as", "check_body", "value_counts", "check_shards", "check_status", "check_warnings", "excerpt",
           "status_rule"]

_WARNING = re.compile(r'^\d{3} \S+ "((?:\\.|[^"\\])*)"(?: "[^"]*")?\s*$')
_EXCERPT = 4000


def excerpt(text: str, limit: int = _EXCERPT) -> str:
    """A body cut to a readable size for failure messages."""
    return text if len(text) <= limit else text[:limit] + f"... ({len(text) - limit} more characters)"


def _span(step: Step) -> Span | None:
    return step.request.span


def _wanted(step: Step) -> tuple[int | None, tuple[int, ...]]:
    """The documented status (the last response's), else the page's table of success codes."""
    documented = [e.status for e in step.expected if e.status is not None]
    wanted = documented[-1] if documented else None
    return wanted, (step.statuses if wanted is None else ())


def status_rule(step: Step) -> str:
    """The rule a step's status is held to, in words: ``catch: missing``, ``200``, ``201 or 202``, or
    ``2xx`` (any success: the page documents no status); ``catch: request and 500`` when the page also
    documents a status its catch does not name."""
    wanted, listed = _wanted(step)
    if step.catch:
        also = wanted is not None and CATCH_STATUS.get(step.catch) != wanted
        return f"catch: {step.catch}" + (f" and {wanted}" if also else "")
    return str(wanted) if wanted is not None else " or ".join(map(str, listed)) if listed else "2xx"


def check_status(step: Step, reply: Reply, *, elasticsearch: bool = False) -> Failure | None:
    """The status against ``catch``, the documented status, or "2xx".

    :param elasticsearch: a ``catch:/regex/`` reads the body as that runner stashes it: an answer whose
        Content-Type is not JSON is text, which holds no ``error`` field (``Reply.stashed``).
    """
    status = reply.status
    if step.catch:
        reason = check_catch(step.catch, status, reply.body(elasticsearch=elasticsearch))
        if reason is not None and elasticsearch and reply.json_as_text():
            reason += (f" (the answer is JSON text with Content-Type {reply.content_type or 'none'}: Elasticsearch's "
                       "runner reads such a body as a string, which has no [error] field)")
        if reason is not None:
            return Failure(FailureKind.CATCH, reason, _span(step), expected=f"catch: {step.catch}",
                           actual=f"{status} {excerpt(reply.text, 500)}")
        # a cloud page's "Status code: NNN" above the response is a claim too: the catch alone passed a 400
        # under a documented 401 (found by benchmarks/live_campaign.py against a real Flink cluster)
        wanted = _wanted(step)[0]
        if wanted is None or wanted == status:
            return None
        return Failure(FailureKind.STATUS, f"the page documents status {wanted} but got {status} (which catch: "
                       f"{step.catch} accepts)", _span(step), expected=status_rule(step),
                       actual=f"{status} {excerpt(reply.text, 500)}")
    wanted, listed = _wanted(step)
    if wanted == status or (wanted is None and 200 <= status < 300 and (not listed or status in listed)):
        return None
    expected_text = status_rule(step)
    if status >= 500:
        return Failure(FailureKind.SERVER_ERROR, f"the target failed with {status} (expected {expected_text})",
                       _span(step), expected=expected_text, actual=f"{status} {excerpt(reply.text, 500)}")
    return Failure(FailureKind.STATUS, f"expected status {expected_text} but got {status}", _span(step),
                   expected=expected_text, actual=f"{status} {excerpt(reply.text, 500)}")


def check_shards(step: Step, reply: Reply) -> Failure | None:
    """``is_false: _shards.failures``: missing, null, false, "" or "0" passes."""
    body = reply.stashed()
    if body is MISSING or isinstance(body, str):
        return None  # a text body (any Content-Type but JSON) has no fields: the runner's is_false passes
    if isinstance(body, dict) and "_shards" not in body:
        return None  # the common case, without walking a path
    if isinstance(body, list):
        return Failure(FailureKind.SHARD_FAILURES, "the response is a JSON array, so _shards.failures cannot be "
                       "checked; add skip_shard_failures to the TEST directive", _span(step))
    value = lookup(body, "_shards.failures")
    if value is MISSING or value is None or java_string(value).lower() in ("", "false", "0"):
        return None
    return Failure(FailureKind.SHARD_FAILURES, "the response reports shard failures", _span(step),
                   expected="_shards.failures: absent or false", actual=excerpt(match.show(value), 1000))


def check_warnings(step: Step, reply: Reply, ignored: tuple[str, ...] = ()) -> Failure | None:
    """Every expected ``Warning`` header present and no other (reference spec §9.6).

    :param ignored: prefixes of warnings the runner leaves out (7.x: ``[types removal]``).
    """
    if reply.status >= 400:
        return None  # the runner checks warnings on successful answers only
    got: list[str] = []
    for header in reply.header_values("Warning"):
        found = _WARNING.match(header)
        if found is None:
            return Failure(FailureKind.WARNINGS, f"got unmatched warning header: {header}", _span(step))
        text = re.sub(r"\\(.)", r"\1", found.group(1))
        if not text.startswith(ignored):
            got.append(text)
    unexpected = [w for w in got if w not in step.warnings]
    missing = [w for w in step.warnings if w not in got]
    if not unexpected and not missing:
        return None
    message = ("got unexpected warning header" if unexpected else "did not get expected warning header") + \
        f"{'s' if len(unexpected or missing) > 1 else ''}: " + "; ".join(unexpected or missing)
    return Failure(FailureKind.WARNINGS, message, _span(step), expected="\n".join(step.warnings),
                   actual="\n".join(got))


def checked_as(expected: ExpectedResponse, policy: MatchPolicy) -> str:
    """How ``check_body`` compares this response: a ``MatchPolicy`` value, or ``"status"`` when
    it compares no body (reports and badges say so instead of "verified")."""
    if expected.skip is not None or expected.body is None:
        return "status"
    if policy is MatchPolicy.NON_JSON:
        return str(policy.value)
    if expected.body_kind in (BodyKind.TEXT, BodyKind.NDJSON, BodyKind.NONE):
        if policy in (MatchPolicy.SHAPE, MatchPolicy.SUBSET) and match.is_prefix(expected.body.strip()):
            return str(MatchPolicy.SUBSET.value)  # the documented start of the text, not all of it
        return "status" if policy is MatchPolicy.SHAPE else str(MatchPolicy.EXACT.value)
    return str(policy.value)


def value_counts(expected: ExpectedResponse, policy: MatchPolicy, volatile: tuple[str, ...] = (), *,
                 elasticsearch: bool = True) -> tuple[int, int]:
    """(documented, presence only) of a JSON body an ``exact`` or ``subset`` check compares (see
    ``match.count_values``); ``(0, 0)`` for any other check or a body that is not JSON."""
    how = checked_as(expected, policy)
    if how not in (MatchPolicy.EXACT.value, MatchPolicy.SUBSET.value) or expected.body is None:
        return 0, 0
    if expected.body_kind in (BodyKind.TEXT, BodyKind.NDJSON, BodyKind.NONE):
        return (1, 0) if how == MatchPolicy.SUBSET.value else (0, 0)  # the documented start of the text, compared
    try:
        return match.count_values(match.parse_expected(expected.body), match.Volatile(volatile),
                                  body_only=not elasticsearch)
    except ValueError:
        return 0, 0


def check_body(expected: ExpectedResponse, reply: Reply, policy: MatchPolicy,
               volatile: tuple[str, ...] = (), *, elasticsearch: bool = True) -> Failure | None:
    """The expected body against the answer, by policy; values at ``volatile`` paths are not compared.

    :param elasticsearch: the Elasticsearch family's conventions: ``/regex/`` strings are patterns and any
        ``$name`` a stash reference; else they are values compared as written, and only ``$body``
        references are read from the answer.
    """
    if expected.skip is not None or expected.body is None:
        return None
    if policy is MatchPolicy.NON_JSON:
        return _as_failure(match.match_non_json(expected.body, reply.text), expected, reply)
    if expected.body_kind in (BodyKind.TEXT, BodyKind.NDJSON, BodyKind.NONE):
        text = expected.body.strip()
        if policy in (MatchPolicy.SHAPE, MatchPolicy.SUBSET) and match.is_prefix(text):
            if reply.text.strip().startswith(text.removesuffix("...").removesuffix("\u2026")):
                return None
        elif policy is MatchPolicy.SHAPE or text == reply.text.strip():
            return None
        return _as_failure([Mismatch("$", match.show(expected.body.strip()), match.show(reply.text.strip()),
                                     "text differs")], expected, reply)
    try:
        wanted: Any = match.parse_expected(expected.body)
    except match.DuplicateKey as exc:  # never a pass: the page shows a value no check could compare
        return Failure(FailureKind.INVALID_EXAMPLE, repeated_key_message(exc.path, exc.key),
                       locate(expected.span, expected.source, f"{exc.path}.{exc.key}"), expected=expected.body)
    except ValueError as exc:
        return Failure(FailureKind.INVALID_EXAMPLE, f"the expected response is not JSON: {exc}", expected.span,
                       expected=expected.body)
    actual = reply.json()
    encoded = [e for e in reply.header_values("Content-Encoding") if e.strip().lower() not in ("", "identity")]
    if actual is MISSING and encoded:  # never compared as bytes: the request asked for identity
        return Failure(FailureKind.NOT_JSON, f"the target compressed the answer (Content-Encoding {encoded[0]}) "
                       "though the request asked for Accept-Encoding: identity; it cannot be compared",
                       expected.span, expected=expected.body, actual=excerpt(reply.text, 200))
    if actual is MISSING:
        return Failure(FailureKind.NOT_JSON, f"the page promises JSON but the answer is not JSON, or nested too "
                       f"deeply to read (Content-Type {reply.content_type or 'none'})", expected.span,
                       expected=expected.body,
                       actual=excerpt(reply.text, 1000))
    if elasticsearch and "json" not in reply.content_type:  # the runner's $body is then the text (spec §9.2)
        return Failure(FailureKind.NOT_JSON, f"the answer is JSON text with Content-Type "
                       f"{reply.content_type or 'none'}: Elasticsearch's runner reads such a body as a string, "
                       "which no JSON response matches", expected.span, expected=expected.body,
                       actual=excerpt(reply.text, 1000))
    twice = _repeated(expected, reply)
    if twice is not None:
        return twice
    try:
        if "$" in expected.body:  # only bodies with stash references need resolving
            wanted = resolve(wanted, actual, body_only=not elasticsearch)
    except StashMiss as miss:
        return _as_failure([Mismatch(miss.position, miss.reference, "<missing or null>",
                                     "the response holds no value here")], expected, reply)
    if policy is MatchPolicy.SHAPE:
        found = match.match_shape(wanted, actual, match.Volatile(volatile))
    else:
        matcher = match.match_subset if policy is MatchPolicy.SUBSET else match.match_exact
        found = matcher(wanted, actual, match.Volatile(volatile), patterns=elasticsearch)
    return _as_failure(found, expected, reply)


def _repeated(expected: ExpectedResponse, reply: Reply) -> Failure | None:
    """An answer giving a key twice in an object: readers differ on which value counts (the last here, the
    first elsewhere; Elasticsearch's runner rejects it), so the page's value at that key was never compared."""
    found = reply.repeated  # found in the one read of the answer that gave ``actual``
    if found is None:
        return None
    path, key = found
    return Failure(FailureKind.BODY, f"the answer gives the key {key!r} twice in the object at {path}: JSON readers "
                   "differ on which value counts, so it matches no documented value",
                   locate(expected.span, expected.source, f"{path}.{key}"),
                   expected=expected.body or "", actual=excerpt(reply.text, 1000),
                   diff=(Mismatch(f"{path}.{key}", "one value", "two values", "the key is given twice"),))


def _as_failure(mismatches: list[Mismatch] | None, expected: ExpectedResponse, reply: Reply) -> Failure | None:
    if not mismatches:
        return None
    count = len(mismatches)
    return Failure(FailureKind.BODY, f"the response differs from the page ({count} difference{'s' * (count > 1)})",
                   _locate(expected, mismatches[0]), expected=expected.body or "", actual=excerpt(reply.text),
                   diff=tuple(mismatches))


def _locate(expected: ExpectedResponse, mismatch: Mismatch) -> Span | None:
    """The line of the response block that holds the differing key (by its path), when it can be found."""
    return locate(expected.span, expected.source, mismatch.path)
