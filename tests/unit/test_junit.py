"""harness.report.junit: failures, errors and skips as JUnit elements, secrets masked."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from harness.model import Span
from harness.report.junit import junit_report, write_junit
from harness.report.redact import Redactor
from harness.results import ExampleResult, Failure, FailureKind, Outcome, RunResult


def run_with_every_outcome() -> RunResult:
    span = Span("docs/page.asciidoc", 3)
    return RunResult(results=(
        ExampleResult("docs/page.asciidoc", "line_1", span, Outcome.PASSED, duration_ms=5),
        ExampleResult("docs/page.asciidoc", "line_2", span, Outcome.FAILED, reason="expected status 2xx but got 404",
                      failures=(Failure(FailureKind.STATUS, "expected status 2xx but got 404 token-abcdef", span),)),
        ExampleResult("docs/page.asciidoc", "line_3", span, Outcome.ERROR, reason="connection refused",
                      failures=(Failure(FailureKind.CONNECTION, "connection refused", span),)),
        ExampleResult("docs/page.asciidoc", "line_4", span, Outcome.SKIPPED, reason="todo"),
        ExampleResult("docs/other.rst", "line_9", span, Outcome.NOT_RUN, reason="not run: -x"),
    ), started="2026-01-01T00:00:00+00:00")


def test_outcomes_map_to_junit_elements() -> None:
    root = ET.fromstring(junit_report(run_with_every_outcome(), Redactor(["token-abcdef"])))
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == ("5", "1", "1", "2")
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["docs/page.asciidoc", "docs/other.rst"]
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert list(cases["line_1"]) == []
    failure = cases["line_2"].find("failure")
    assert failure is not None and failure.get("type") == "status"
    assert failure.text is not None and "--> docs/page.asciidoc:3:1" in failure.text
    assert "token-abcdef" not in (failure.text or "") and "***" in (failure.text or "")
    error = cases["line_3"].find("error")
    assert error is not None and error.get("message") == "connection refused"
    skipped = cases["line_4"].find("skipped")
    assert skipped is not None and skipped.get("message") == "todo"
    assert cases["line_9"].find("skipped") is not None


def test_write_junit_creates_the_folder(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "junit.xml"
    write_junit(run_with_every_outcome(), target)
    assert ET.parse(target).getroot().tag == "testsuites"
