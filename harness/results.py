"""What a replay found, as plain frozen data: the ``RunResult`` reports and publish read.

Replay builds these; reports (terminal, JSON, JUnit) and the publisher only read
them, and can do so from a saved ``results.json`` (``from_json(RunResult, text)``
from ``harness.model``). Assertion failures (the server answered differently from
the page) are kept apart from errors (the snippet is broken or the target
misbehaved): JUnit writes the first as ``<failure>``, the second as ``<error>``.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from harness.model import Diagnostic, ExpectedResponse, Request, Span

__all__ = [
    "Outcome",
    "FailureKind",
    "Mismatch",
    "Failure",
    "Exchange",
    "ExampleResult",
    "RunResult",
    "RESULTS_SCHEMA_VERSION",
    "CHECKS",
    "examples_digest",
    "PRESENCE_ONLY_SOURCES",
]

RESULTS_SCHEMA_VERSION = 1


def examples_digest(parts: Iterable[tuple[Request, Sequence[ExpectedResponse]]]) -> str:
    """A digest of a test item's requests as the page writes them, each with the responses matched
    against its answer (``ExampleResult.examples_digest``): replay and publish compute it alike."""
    shown = [[r.method.upper(), r.path, r.body, [[e.body, e.status, e.match.value if e.match else None, e.skip]
                                                  for e in expected]] for r, expected in parts]
    return hashlib.sha256(json.dumps(shown, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]
# how an example's response was checked, strongest first: a MatchPolicy value, or "status"
# when no body was compared (none documented, skip:, or text under the shape policy)
CHECKS = ("exact", "non_json", "subset", "shape", "status")
# what makes a documented value "only checked present" (match.count_values), as every report names it
PRESENCE_ONLY_SOURCES = "$body references, volatile paths, placeholders"
_HEADER_WORDS = (("compared", "compared"), ("present", "only checked present"), ("ignored", "not compared"))


class Outcome(str, enum.Enum):
    """How one example ended."""

    PASSED = "passed"
    FAILED = "failed"  # the target answered, and not as the page says
    ERROR = "error"  # the snippet is broken, or the target misbehaved
    SKIPPED = "skipped"  # the page (or live-cluster safety) says not to run it
    NOT_RUN = "not_run"  # the run ended (interrupt, -x) before it


class FailureKind(str, enum.Enum):
    """Why an example did not pass. Titles and hints live in one table (``harness.report.kinds``)."""

    # assertions: the target answered, differently from the page
    STATUS = "status"
    BODY = "body"
    CATCH = "catch"
    WARNINGS = "warnings"
    SHARD_FAILURES = "shard_failures"
    HEADERS = "headers"  # a response header the page documents is missing or names another media type
    # errors: the example or the target is broken
    INVALID_EXAMPLE = "invalid_example"
    UNKNOWN_SETUP = "unknown_setup"
    MISSING_VARIABLE = "missing_variable"
    CONNECTION = "connection"
    TIMEOUT = "timeout"
    PROTOCOL = "protocol"
    NOT_JSON = "not_json"
    TOO_LARGE = "too_large"
    REDIRECT = "redirect"
    SERVER_ERROR = "server_error"
    SETUP_FAILED = "setup_failed"
    CAPTURE = "capture"  # a CAPTURE path the answer does not hold
    RETRY = "retry"  # a RETRY condition that never held

    @property
    def is_assertion(self) -> bool:
        return self in _ASSERTIONS


_ASSERTIONS = frozenset(
    {FailureKind.STATUS, FailureKind.BODY, FailureKind.CATCH, FailureKind.WARNINGS, FailureKind.SHARD_FAILURES,
     FailureKind.HEADERS, FailureKind.CAPTURE, FailureKind.RETRY}
)


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One difference between expected and actual JSON.

    :param path: where, as a JSON path (``$.error.root_cause[0].reason``).
    :param expected: the expected value, as compact JSON text (or a description).
    :param actual: the actual value, as compact JSON text, or ``<missing>``.
    :param message: what differs, in words.
    """

    path: str
    expected: str
    actual: str
    message: str = ""


@dataclass(frozen=True, slots=True)
class Failure:
    """Why an example did not pass: data, rendered by the report layer.

    :param kind: the failure kind; its ``is_assertion`` decides JUnit failure vs error.
    :param message: one line saying what happened.
    :param span: the source place to point at (the request line or the response block).
    :param expected: what the page expects, as text (may be empty).
    :param actual: what came back, as text (may be empty; secrets redacted).
    :param diff: JSON differences, when the body was compared.
    """

    kind: FailureKind
    message: str
    span: Span | None = None
    expected: str = ""
    actual: str = ""
    diff: tuple[Mismatch, ...] = ()

    @property
    def is_assertion(self) -> bool:
        return self.kind.is_assertion


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request sent and what came back, secrets already redacted.

    :param phase: ``setup``, ``test``, ``teardown`` or ``reset``.
    :param method: HTTP method sent.
    :param url: the full URL sent.
    :param request_headers: headers sent (redacted).
    :param request_body: body sent, possibly truncated.
    :param status: response status, or ``None`` when no response came.
    :param response_headers: selected response headers.
    :param response_body: response body, possibly truncated.
    :param elapsed_ms: wall time of the exchange.
    :param span: the source line of the request, if it came from a page.
    :param redirected_to: the URL whose answer this is when the target redirected the request (same
        method; the status and body are that URL's), else ``""``.
    """

    phase: str
    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...] = ()
    request_body: str | None = None
    status: int | None = None
    response_headers: tuple[tuple[str, str], ...] = ()
    response_body: str | None = None
    elapsed_ms: float = 0.0
    span: Span | None = None
    redirected_to: str = ""


@dataclass(frozen=True, slots=True)
class ExampleResult:
    """The outcome of one test item.

    :param document: the source path of the example's document.
    :param name: the example's name (``line_41``); ``document::name`` is its node id.
    :param span: the example's code block.
    :param outcome: passed, failed, error, skipped or not run.
    :param reason: the skip reason, or a one-line summary of the failure.
    :param failures: the failures, first one first.
    :param exchanges: every request sent for this item, setups and teardowns included.
    :param target: the target's name and URL it ran against.
    :param started: ISO-8601 UTC time the item started.
    :param duration_ms: wall time of the item.
    :param captures: the values this item captured (``CAPTURE[...]``), name and value, secrets masked.
    :param checked: how the answer was checked: ``exact``, ``subset``, ``shape`` (keys and types only),
        ``non_json``, or ``status`` when no body was compared; ``""`` when nothing was checked.
    :param polled_ms: time spent waiting between ``RETRY`` tries.
    :param reference_server: the target was docharness's built-in reference server.
    :param documented_values: the values (JSON scalars) of the bodies an ``exact`` or ``subset`` check
        compared; ``0`` for other checks.
    :param presence_only: how many of those were only checked present, not compared: ``$body``
        references (``$body.$_path``, ``$body.took``) and values at volatile paths.
    :param status_rule: the status the test's answers were held to: ``200``, ``201 or 202`` (the page's
        status table), ``2xx`` (any success: the page documents none) or ``catch: missing``; the rules of
        several requests joined with ``; `` in order, each once; ``""`` when not recorded.
    :param examples_digest: ``examples_digest`` of the requests and responses the item replayed, so a
        publish of this result can tell that the page's example has changed since (``""``: unknown).
    :param example_values: ``(example name, documented values, presence only)`` for each example of the
        item whose responses hold values (a ``continued`` sequence has several), so the badge of one snippet
        counts its own values; ``()`` when the result does not record them.
    :param headers_checked: each response header the page documents and how it was checked: ``compared``
        (the ``Content-Type`` media type), ``present`` (found, value not compared) or ``ignored`` (``Date``,
        ``Content-Length``, request ids: not compared); empty when the page documents none.
    """

    document: str
    name: str
    span: Span
    outcome: Outcome
    reason: str = ""
    failures: tuple[Failure, ...] = ()
    exchanges: tuple[Exchange, ...] = ()
    target: str = ""
    started: str = ""
    duration_ms: float = 0.0
    captures: tuple[tuple[str, str], ...] = ()
    checked: str = ""
    polled_ms: float = 0.0
    reference_server: bool = False
    documented_values: int = 0
    presence_only: int = 0
    status_rule: str = ""
    examples_digest: str = ""
    example_values: tuple[tuple[str, int, int], ...] = ()
    headers_checked: tuple[tuple[str, str], ...] = ()

    @property
    def node_id(self) -> str:
        return f"{self.document}::{self.name}"

    @property
    def status_words(self) -> str:
        """The status rule in the words a status-only pass is reported with: ``status 200``, ``any 2xx
        status``, ``catch: missing``; ``status code`` when the result does not record it."""
        words = ["any 2xx status" if rule == "2xx" else rule if rule.startswith("catch:") else f"status {rule}"
                 for rule in self.status_rule.split("; ") if rule]
        return " then ".join(words) or "status code"

    @property
    def header_words(self) -> str:
        """What was checked of the documented response headers, for badges and reports (``""``: none
        documented): ``headers: Content-Type compared; Location only checked present; Date not compared``."""
        parts = [(how, ", ".join(n for n, h in self.headers_checked if h == how)) for how, _ in _HEADER_WORDS]
        return "; ".join(f"{names} {dict(_HEADER_WORDS)[how]}" for how, names in parts if names)

    def per_example(self) -> tuple[ExampleResult, ...]:
        """The result as each example of the item reports it: for a ``continued`` sequence whose examples hold
        values, one result per such example (named after it) counting its own values, as its badge does; else
        the result itself. Every report counts values per example through this."""
        if len(self.example_values) < 2:
            return (self,)
        return tuple(replace(self, name=name, documented_values=documented, presence_only=presence)
                     for name, documented, presence in self.example_values)

    @property
    def values_not_compared(self) -> str | None:
        """Where a body check compared fewer documented values than it shows: ``"empty"`` (a subset of a
        body holding no value: any object contains it), ``"all"`` (every value only checked present),
        ``"some"`` (some of them), else ``None``. Badges and reports read this one rule."""
        if self.checked == "subset" and not self.documented_values:
            return "empty"
        if self.presence_only:
            return "all" if self.presence_only >= self.documented_values else "some"
        return None


@dataclass(frozen=True, slots=True)
class RunResult:
    """A whole replay: every example's result, and whether the run finished.

    :param results: one entry per test item, in run order.
    :param targets: the targets used, ``name=url`` each, secrets never included.
    :param started: ISO-8601 UTC start time.
    :param finished: ISO-8601 UTC end time ("" while running).
    :param complete: ``False`` when the run was interrupted; the report is then partial.
    :param schema: the results schema version.
    :param tool_version: the docharness version that ran.
    :param shard: ``K/N`` when this run was one shard of a split (``--shard``), else ``""``.
    :param diagnostics: what the parsers found wrong (warnings and errors) in the replayed
        documents, then the run's own notices (reset steps not sent, ...), in that order.
    """

    results: tuple[ExampleResult, ...] = ()
    targets: tuple[str, ...] = ()
    started: str = ""
    finished: str = ""
    complete: bool = True
    schema: int = RESULTS_SCHEMA_VERSION
    tool_version: str = ""
    diagnostics: tuple[Diagnostic, ...] = ()
    shard: str = ""

    def counts(self) -> dict[str, int]:
        """Number of results per outcome value, every outcome present."""
        tally = {o.value: 0 for o in Outcome}
        for r in self.results:
            tally[r.outcome.value] += 1
        return tally

    @property
    def ok(self) -> bool:
        return self.complete and not any(r.outcome in (Outcome.FAILED, Outcome.ERROR) for r in self.results)
