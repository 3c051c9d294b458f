"""The verification badge of one published example, read from a run's results.

A badge says, in one line, what the last replay found: "verified against
<target> on <date>", "failed" (with the failure and its JSON diff), "error",
"skipped: <reason>" or "not run". Badges only read ``RunResult`` data; a
missing results file means every example is "not run".
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from harness.model import Document, Example, Role
from harness.results import ExampleResult, Failure, Outcome, RunResult

__all__ = ["BadgeState", "Badge", "ResultIndex", "index_results", "badge_for", "failure_lines", "summarise"]


class BadgeState(str, enum.Enum):
    """What a badge shows; the value is also its CSS class suffix."""

    VERIFIED = "verified"
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


def _target_name(target: str) -> str:
    """``reference=http://127.0.0.1:41234`` -> ``reference``: the port of a one-off server is noise."""
    name, _, url = target.partition("=")
    return name or url or "the target"


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
    if result.outcome is Outcome.PASSED:
        date = result.started[:10] or "an unknown date"
        if result.checked == "shape":  # values were not compared: never plain "verified"
            return Badge(BadgeState.VERIFIED, f"shape-checked against {_target_name(result.target)} on {date} "
                         "(keys and types only, values not compared)")
        return Badge(BadgeState.VERIFIED, f"verified against {_target_name(result.target)} on {date}")
    if result.outcome is Outcome.SKIPPED:
        return Badge(BadgeState.SKIPPED, f"skipped: {result.reason or 'no reason given'}")
    if result.outcome is Outcome.NOT_RUN:
        return Badge(BadgeState.NOT_RUN, "not run" + (f": {result.reason}" if result.reason else ""))
    details = tuple(line for failure in result.failures for line in failure_lines(failure))
    state = BadgeState.FAILED if result.outcome is Outcome.FAILED else BadgeState.ERROR
    label = "failed" if state is BadgeState.FAILED else "error"
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
