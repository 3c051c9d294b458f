"""The verification badge of one published example, read from a run's results.

A badge says, in one line, what the last replay found and how much that
means: "verified (exact match) against <target> on <date>" only when values
were compared; "shape-checked (keys and types only; values not compared)" and
"status-checked (status 200 only; no body compared)" otherwise, as the result
records the check replay really made (a status-only badge names the status rule: a
documented code, ``any 2xx status`` when the page gives none, or a ``catch``). Values a check only found present (``$body``
references, volatile paths, placeholders) are counted on the badge, and a body made only of them
is "presence-checked", never "verified", and a subset check of a body holding no value
(``{}``: any object contains it) is "subset-checked". Documented response headers are listed
by what was checked of them ("headers: Content-Type compared; Location only checked present; Date
not compared"). The built-in reference server is named as
the built-in reference implementation, never as a real service. In a sequence
(``TEST[continued]``) the test's check is its responses'; a snippet of it that shows no
response of its own is "status-checked". A failure shows
its diff; "skipped: <reason>" and "not run" say why. Badges only read
``RunResult`` data; a missing results file means every example is "not run".
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from harness.model import Document, Example, Role
from harness.results import PRESENCE_ONLY_SOURCES, ExampleResult, Failure, Outcome, RunResult

__all__ = ["BadgeState", "Badge", "ResultIndex", "REFERENCE_TARGET", "index_results", "badge_for", "failure_lines",
           "summarise", "target_name", "badge_result"]


class BadgeState(str, enum.Enum):
    """What a badge shows; the value is also its CSS class suffix."""

    VERIFIED = "verified"
    SHAPE_CHECKED = "shape-checked"
    STATUS_CHECKED = "status-checked"
    PASSED = "passed"  # passed, but the results do not say how it was checked
    FAILED = "failed"
    ERROR = "error"
    SKIPPED = "skipped"
    NOT_RUN = "not-run"
    NOT_A_TEST = "not-a-test"


@dataclass(frozen=True, slots=True)
class Badge:
    """One example's verification badge.

    :param state: which kind of badge.
    :param text: the one-line text shown (``verified against reference on 2026-11-22``).
    :param details: failure lines (message, then ``path: expected ... got ...``), secrets already
        redacted by replay; empty unless failed or error.
    """

    state: BadgeState
    text: str
    details: tuple[str, ...] = ()


ResultIndex = Mapping[tuple[str, str], ExampleResult]


def index_results(run: RunResult | None) -> dict[tuple[str, str], ExampleResult]:
    """Results keyed by (document path, example name); the last one wins if a name repeats."""
    return {} if run is None else {(r.document, r.name): r for r in run.results}


REFERENCE_TARGET = "the built-in reference implementation (not a real service)"
# how each check reads on a badge that passed: (state, what was checked)
_PASSED = {
    "exact": (BadgeState.VERIFIED, "verified (exact match)"),
    "non_json": (BadgeState.VERIFIED, "verified (text lines matched)"),
    "subset": (BadgeState.VERIFIED, "verified (subset: documented fields present and equal)"),
    "shape": (BadgeState.SHAPE_CHECKED, "shape-checked (keys and types only; values not compared)"),
    "status": (BadgeState.STATUS_CHECKED, "status-checked ({status} only; no body compared)"),
}


def target_name(result: ExampleResult) -> str:
    """Who answered: the reference implementation, or the configured target's name (no port: noise);
    ``""`` when the result does not say."""
    if result.reference_server:
        return REFERENCE_TARGET
    name, _, url = result.target.partition("=")
    return name or url


def _scrub(text: str, url: str, name: str) -> str:
    """``text`` with the target's URL, then its bare host:port, written as ``<name>``."""
    for token in (url.rstrip("/"), urlsplit(url).netloc if url else ""):
        if token and token in text:
            text = text.replace(token, f"<{name}>")
    return text


def badge_result(result: ExampleResult) -> ExampleResult:
    """The part of a result a badge reads, without what changes from run to run.

    Page sources keep only this: no exchanges, timings or start time (the date stays), and the
    target's URL — a one-off port for the embedded server — replaced by its name in messages,
    so an unchanged rerun leaves every page source, and so every HTML page, as it was.
    """
    name, _, url = result.target.partition("=")
    name = name or "target"
    failures = tuple(replace(f, message=_scrub(f.message, url, name), expected=_scrub(f.expected, url, name),
                             actual=_scrub(f.actual, url, name),
                             diff=tuple(replace(m, expected=_scrub(m.expected, url, name),
                                                actual=_scrub(m.actual, url, name)) for m in f.diff))
                     for f in result.failures)
    return replace(result, reason=_scrub(result.reason, url, name), failures=failures, exchanges=(),
                   target=name if result.target else "", started=result.started[:10], duration_ms=0.0)


def failure_lines(failure: Failure) -> list[str]:
    """A failure as plain lines: the message, where, then one line per JSON difference."""
    lines = [f"{failure.kind.value}: {failure.message}"]
    if failure.span is not None:
        lines.append(f"  at {failure.span.path}:{failure.span.line}")
    for mismatch in failure.diff:
        lines.append(f"  {mismatch.path}: expected {mismatch.expected}, got {mismatch.actual}"
                     + (f" ({mismatch.message})" if mismatch.message else ""))
    if not failure.diff and (failure.expected or failure.actual):
        lines.append(f"  expected: {failure.expected}")
        lines.append(f"  actual:   {failure.actual}")
    return lines


def _from_result(result: ExampleResult) -> Badge:
    name = target_name(result)
    where = f" against {name}" if name else ""
    if result.outcome is Outcome.PASSED:
        state, how = _PASSED.get(result.checked, (BadgeState.PASSED, "passed (how it was checked is not recorded)"))
        how = how.format(status=result.status_words)  # which status: 200, any 2xx, a catch
        when = f" on {result.started[:10] or 'an unknown date'}"
        when += f"; headers: {result.header_words}" if result.header_words else ""  # what of them was checked
        missing = result.values_not_compared
        if missing == "empty":  # "{}": any object is a superset
            return Badge(BadgeState.SHAPE_CHECKED, f"subset-checked (the documented body holds no value to compare; "
                         f"only its keys and containers were checked){where}{when}")
        if missing == "all":  # no value was compared
            return Badge(BadgeState.SHAPE_CHECKED, f"presence-checked (all {result.documented_values} documented "
                         f"values taken from the response; none compared){where}{when}")
        if missing == "some":
            return Badge(state, f"{how}{where}{when}; {result.presence_only} of {result.documented_values} "
                         f"documented values only checked present ({PRESENCE_ONLY_SOURCES})")
        return Badge(state, f"{how}{where}{when}")
    if result.outcome is Outcome.SKIPPED:
        return Badge(BadgeState.SKIPPED, f"skipped: {result.reason or 'no reason given'}")
    if result.outcome is Outcome.NOT_RUN:
        return Badge(BadgeState.NOT_RUN, "not run" + (f": {result.reason}" if result.reason else ""))
    details = tuple(line for failure in result.failures for line in failure_lines(failure))
    state = BadgeState.FAILED if result.outcome is Outcome.FAILED else BadgeState.ERROR
    label = f"failed{where}" if state is BadgeState.FAILED else f"error{where}"
    return Badge(state, f"{label}: {result.reason}" if result.reason else label, details)


def _owner(document: Document, example: Example) -> Example:
    """The test an example belongs to: a ``continued`` example runs as part of the one before it."""
    owner = example
    for candidate in document.examples:
        if candidate is example or candidate == example:
            break
        if candidate.role is Role.TEST and not candidate.continued:
            owner = candidate
    return owner if example.continued else example


def badge_for(document: Document, example: Example, results: ResultIndex, *, have_results: bool) -> Badge:
    """The badge of ``example``: from its result (or its owning test's), else from the page alone."""
    if example.role is Role.SETUP:
        return Badge(BadgeState.NOT_A_TEST, "setup: runs before every test of this page")
    if example.role is Role.TEARDOWN:
        return Badge(BadgeState.NOT_A_TEST, "teardown: runs after every test of this page")
    owner = _owner(document, example)
    result = results.get((document.path, owner.name))
    if result is not None:
        if result.outcome is Outcome.PASSED and result.checked not in ("", "status") and not any(
                e.body and e.skip is None for e in example.expected):
            # a sequence's response is another snippet's: this one's own request was checked for its status only
            result = replace(result, checked="status", documented_values=0, presence_only=0, headers_checked=())
        # a sequence: this snippet's own values, as every report counts them (ExampleResult.per_example)
        result = next((own for own in result.per_example() if own.name == example.name), result)
        badge = _from_result(result)
        if owner is not example:
            return Badge(badge.state, f"{badge.text} (as part of {owner.name})", badge.details)
        return badge
    if example.skip is not None:
        return Badge(BadgeState.SKIPPED, f"skipped: {example.skip or 'no reason given'}")
    if not example.requests:
        return Badge(BadgeState.NOT_A_TEST, "not run: no request to replay")
    return Badge(BadgeState.NOT_RUN, "not run" if have_results else "not run: no results file")


def summarise(badges: Iterable[Badge]) -> dict[str, int]:
    """How many badges of each state (every state present), for page and index summaries."""
    tally = {state.value: 0 for state in BadgeState}
    for badge in badges:
        tally[badge.state.value] += 1
    return tally
