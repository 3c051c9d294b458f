"""Every example's badge says what the last run found, or that it was not run."""

from __future__ import annotations

from harness.model import Document, Example, Format, Request, Role, Span
from harness.publish.badges import BadgeState, badge_for, index_results, summarise
from harness.results import ExampleResult, Failure, FailureKind, Mismatch, Outcome, RunResult

PATH = "elasticsearch/rollup/stop-job.asciidoc"


def example(line: int, **kw: object) -> Example:
    return Example(name=f"line_{line}", span=Span(PATH, line), requests=(Request("POST", "_x"),), **kw)  # type: ignore[arg-type]


def result(line: int, outcome: Outcome, **kw: object) -> ExampleResult:
    return ExampleResult(document=PATH, name=f"line_{line}", span=Span(PATH, line), outcome=outcome, **kw)  # type: ignore[arg-type]


DOC = Document(PATH, Format.ASCIIDOC, examples=(
    example(10, role=Role.SETUP), example(20), example(30, continued=True), example(40), example(50),
    example(60, skip="needs a live cluster"), example(70)))


def badges(run: RunResult | None) -> list[tuple[BadgeState, str]]:
    indexed = index_results(run)
    return [(b.state, b.text) for b in (badge_for(DOC, e, indexed, have_results=run is not None) for e in DOC.examples)]


def test_without_results_every_test_is_not_run_and_page_skips_show() -> None:
    assert badges(None) == [
        (BadgeState.NOT_A_TEST, "setup: runs before every test of this page"),
        (BadgeState.NOT_RUN, "not run: no results file"),
        (BadgeState.NOT_RUN, "not run: no results file"),
        (BadgeState.NOT_RUN, "not run: no results file"),
        (BadgeState.NOT_RUN, "not run: no results file"),
        (BadgeState.SKIPPED, "skipped: needs a live cluster"),
        (BadgeState.NOT_RUN, "not run: no results file"),
    ]


def test_outcomes_become_badges_with_target_date_and_diff() -> None:
    failure = Failure(FailureKind.BODY, "the body differs", Span(PATH, 52),
                      diff=(Mismatch("$.stopped", "true", "false"),))
    run = RunResult(results=(
        result(20, Outcome.PASSED, target="reference=http://127.0.0.1:39999", started="2026-11-22T18:00:01Z"),
        result(40, Outcome.FAILED, reason="body differs", failures=(failure,)),
        result(50, Outcome.ERROR, reason="connection refused",
               failures=(Failure(FailureKind.CONNECTION, "connection refused"),)),
        result(60, Outcome.SKIPPED, reason="live cluster: writes disabled"),
    ))
    shown = badges(run)
    assert shown[1] == (BadgeState.VERIFIED, "verified against reference on 2026-11-22")
    assert shown[2] == (BadgeState.VERIFIED, "verified against reference on 2026-11-22 (as part of line_20)")
    assert shown[3] == (BadgeState.FAILED, "failed: body differs")
    assert shown[4] == (BadgeState.ERROR, "error: connection refused")
    assert shown[5] == (BadgeState.SKIPPED, "skipped: live cluster: writes disabled")
    assert shown[6] == (BadgeState.NOT_RUN, "not run")
    details = badge_for(DOC, DOC.examples[3], index_results(run), have_results=True).details
    assert details == ("body: the body differs", f"  at {PATH}:52", "  $.stopped: expected true, got false")


def test_summary_counts_every_state() -> None:
    indexed = index_results(None)
    tally = summarise(badge_for(DOC, e, indexed, have_results=False) for e in DOC.examples)
    assert tally["not-run"] == 5 and tally["skipped"] == 1 and tally["not-a-test"] == 1 and tally["verified"] == 0


def test_a_shape_match_is_shape_checked_never_plainly_verified() -> None:
    run = RunResult(results=(
        result(20, Outcome.PASSED, target="live=http://127.0.0.1:8081", started="2026-12-03T07:00:00Z", checked="shape"),
        result(40, Outcome.PASSED, target="live=http://127.0.0.1:8081", started="2026-12-03T07:00:00Z", checked="exact"),
    ))
    shown = badges(run)
    assert shown[1] == (BadgeState.VERIFIED, "shape-checked against live on 2026-12-03 "
                                             "(keys and types only, values not compared)")
    assert shown[3] == (BadgeState.VERIFIED, "verified against live on 2026-12-03")
