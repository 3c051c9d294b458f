"""Every example's badge says what the last run found, or that it was not run."""

from __future__ import annotations

from harness.model import BodyKind, Document, Example, ExpectedResponse, Format, Request, Role, Span
from harness.publish.badges import BadgeState, badge_for, index_results, summarise
from harness.results import ExampleResult, Failure, FailureKind, Mismatch, Outcome, RunResult

PATH = "elasticsearch/rollup/stop-job.asciidoc"


def example(line: int, **kw: object) -> Example:
    return Example(name=f"line_{line}", span=Span(PATH, line), requests=(Request("POST", "_x"),), **kw)  # type: ignore[arg-type]


def result(line: int, outcome: Outcome, **kw: object) -> ExampleResult:
    return ExampleResult(document=PATH, name=f"line_{line}", span=Span(PATH, line), outcome=outcome, **kw)  # type: ignore[arg-type]


SHOWN = (ExpectedResponse('{"stopped": true}', '{"stopped": true}', BodyKind.JSON),)  # a response the page shows
DOC = Document(PATH, Format.ASCIIDOC, examples=(
    example(10, role=Role.SETUP), example(20, expected=SHOWN), example(30, continued=True, expected=SHOWN),
    example(40), example(50),
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
        result(20, Outcome.PASSED, target="staging=http://10.1.2.3:9200", started="2026-11-22T18:00:01Z",
               checked="exact"),
        result(40, Outcome.FAILED, reason="body differs", failures=(failure,)),
        result(50, Outcome.ERROR, reason="connection refused",
               failures=(Failure(FailureKind.CONNECTION, "connection refused"),)),
        result(60, Outcome.SKIPPED, reason="live cluster: writes disabled"),
    ))
    shown = badges(run)
    assert shown[1] == (BadgeState.VERIFIED, "verified (exact match) against staging on 2026-11-22")
    assert shown[2] == (BadgeState.VERIFIED,
                        "verified (exact match) against staging on 2026-11-22 (as part of line_20)")
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


def passed(checked: str, **kw: object) -> tuple[BadgeState, str]:
    run = RunResult(results=(result(20, Outcome.PASSED, target="reference=http://127.0.0.1:39999",
                                    started="2026-11-22T18:00:01Z", checked=checked, **kw),))
    return badges(run)[1]


def test_each_badge_says_how_the_example_was_checked() -> None:
    assert passed("exact")[1].startswith("verified (exact match) against reference")
    assert passed("subset", documented_values=3) == (
        BadgeState.VERIFIED, "verified (subset: documented fields present and equal) against reference on 2026-11-22")
    # a subset of a body holding no value ("{}") compared nothing: every object contains it
    assert passed("subset") == (BadgeState.SHAPE_CHECKED, "subset-checked (the documented body holds no value to "
                                "compare; only its keys and containers were checked) against reference on 2026-11-22")
    assert passed("shape") == (BadgeState.SHAPE_CHECKED, "shape-checked (keys and types only; values not compared) "
                                                         "against reference on 2026-11-22")
    assert passed("status") == (BadgeState.STATUS_CHECKED, "status-checked (status code only; no body compared) "
                                                           "against reference on 2026-11-22")  # rule not recorded
    # a status-only badge names the rule the status was held to
    assert passed("status", status_rule="2xx")[1].startswith("status-checked (any 2xx status only; no body compared)")
    assert passed("status", status_rule="202")[1].startswith("status-checked (status 202 only; no body compared)")
    assert passed("status", status_rule="catch: missing")[1].startswith("status-checked (catch: missing only;")
    assert passed("status", status_rule="2xx; 201 or 202")[1].startswith(
        "status-checked (any 2xx status then status 201 or 202 only;")
    # results that do not record the check never read as verified
    assert passed("") == (BadgeState.PASSED, "passed (how it was checked is not recorded) against reference "
                                             "on 2026-11-22")


def test_the_reference_server_is_named_as_the_reference_implementation() -> None:
    state, text = passed("shape", reference_server=True)
    assert state is BadgeState.SHAPE_CHECKED
    assert text.endswith("against the built-in reference implementation (not a real service) on 2026-11-22")
    assert "127.0.0.1" not in text and "verified" not in text
    failed = RunResult(results=(result(40, Outcome.FAILED, reason="body differs", reference_server=True),))
    assert badges(failed)[3] == (BadgeState.FAILED, "failed against the built-in reference implementation "
                                                    "(not a real service): body differs")


def test_a_snippet_of_a_sequence_without_its_own_response_is_status_checked() -> None:
    # line_20 (PUT, no response) then line_30 (continued, the response): the test's check is line_30's
    doc = Document(PATH, Format.ASCIIDOC, examples=(example(20), example(30, continued=True, expected=SHOWN)))
    run = RunResult(results=(result(20, Outcome.PASSED, checked="exact", documented_values=1,
                                    target="reference=http://127.0.0.1:1", started="2026-11-22T18:00:01Z"),))
    shown = [badge_for(doc, e, index_results(run), have_results=True) for e in doc.examples]
    assert (shown[0].state, shown[0].text) == (BadgeState.STATUS_CHECKED, "status-checked (status code only; no body "
                                               "compared) against reference on 2026-11-22")
    assert (shown[1].state, shown[1].text) == (BadgeState.VERIFIED, "verified (exact match) against reference on "
                                               "2026-11-22 (as part of line_20)")
