"""harness.report.junit: failures, errors and skips as JUnit elements, secrets masked, valid for CI schemas."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from junit_schemas import violations

from harness.model import Span
from harness.report.junit import junit_classname, junit_report, write_junit
from harness.report.redact import Redactor
from harness.results import ExampleResult, Failure, FailureKind, Outcome, RunResult


def run_with_every_outcome() -> RunResult:
    span = Span("docs/page.asciidoc", 3)
    return RunResult(results=(
        ExampleResult("docs/page.asciidoc", "line_1", span, Outcome.PASSED, duration_ms=5),
        ExampleResult("docs/page.asciidoc", "line_2", span, Outcome.FAILED, reason="expected status 2xx but got 404",
                      failures=(Failure(FailureKind.STATUS, "expected status 2xx but got 404 token-abcdef",
                                        Span("docs/page.asciidoc", 7, 3)),)),
        ExampleResult("docs/page.asciidoc", "line_3", span, Outcome.ERROR, reason="connection refused",
                      failures=(Failure(FailureKind.CONNECTION, "connection refused", span),)),
        ExampleResult("docs/page.asciidoc", "line_4", span, Outcome.SKIPPED, reason="todo"),
        ExampleResult("docs/other.rst", "line_9", span, Outcome.NOT_RUN, reason="not run: -x"),
    ), started="2026-01-01T00:00:00+00:00")


def test_outcomes_map_to_junit_elements() -> None:
    root = ET.fromstring(junit_report(run_with_every_outcome(), Redactor(["token-abcdef"])))
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("5", "1", "1")
    suites = root.findall("testsuite")
    assert [(s.get("name"), s.get("file"), s.get("skipped")) for s in suites] == [
        ("docs/page.asciidoc", "docs/page.asciidoc", "1"), ("docs/other.rst", "docs/other.rst", "1")]
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert list(cases["line_1"]) == []
    failure = cases["line_2"].find("failure")
    assert failure is not None and failure.get("type") == "status"
    assert failure.text is not None and "--> docs/page.asciidoc:7:3" in failure.text
    assert "token-abcdef" not in (failure.text or "") and "***" in (failure.text or "")
    error = cases["line_3"].find("error")
    assert error is not None and error.get("message") == "docs/page.asciidoc:3: connection refused"
    skipped = cases["line_4"].find("skipped")
    assert skipped is not None and skipped.get("message") == "todo"
    assert cases["line_9"].find("skipped") is not None


def test_one_identity_the_pytest_one_and_the_place_in_the_message() -> None:
    root = ET.fromstring(junit_report(run_with_every_outcome()))
    case = next(c for c in root.iter("testcase") if c.get("name") == "line_2")
    assert case.get("classname") == "docs.page.asciidoc" == junit_classname("docs/page.asciidoc")
    assert set(case.attrib) == {"classname", "name", "time"}  # no file/line: the schemas forbid them
    failure = case.find("failure")
    assert failure is not None and failure.get("message") == "docs/page.asciidoc:7: expected status 2xx but got 404"


def test_the_report_is_valid_for_jenkins_and_gitlab() -> None:
    assert violations(junit_report(run_with_every_outcome(), Redactor(["token-abcdef"]))) == {"jenkins": [],
                                                                                            "gitlab": []}
    empty = junit_report(RunResult())
    assert violations(empty) == {"jenkins": [], "gitlab": []}


def test_the_schemas_are_strict_where_the_old_report_was_not() -> None:
    """The report as written before (file/line on testcase, skipped on testsuites) fails both schemas."""
    old = ('<testsuites name="docharness" tests="1" failures="0" errors="0" skipped="0"><testsuite name="d" '
           'tests="1" failures="0" errors="0"><testcase classname="d" name="line_1" time="0.1" file="d" line="3"/>'
           '</testsuite></testsuites>')
    found = violations(old)
    assert any("'file'" in e for e in found["jenkins"]) and any("'skipped'" in e for e in found["jenkins"])
    assert any("'line'" in e for e in found["gitlab"])


def test_write_junit_creates_the_folder(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "junit.xml"
    write_junit(run_with_every_outcome(), target)
    assert ET.parse(target).getroot().tag == "testsuites"


def test_control_characters_from_an_answer_keep_the_xml_well_formed() -> None:
    span = Span("docs/page.asciidoc", 3)
    failure = Failure(FailureKind.NOT_JSON, "not JSON", span, actual="\x1b[31mhello\x00 \x07 world")
    run = RunResult(results=(ExampleResult("docs/page.asciidoc", "line_2", span, Outcome.ERROR, reason="not JSON",
                                           failures=(failure,)),))
    text = junit_report(run)
    root = ET.fromstring(text)  # raises on a character XML 1.0 forbids
    shown = "".join(root.itertext())
    assert "\\x1b[31mhello\\x00 \\x07 world" in shown
    assert violations(text) == {"jenkins": [], "gitlab": []}


def test_the_terminal_shows_a_target_s_control_characters_as_text() -> None:
    from harness.report.terminal import render_result

    span = Span("docs/page.asciidoc", 3)
    failure = Failure(FailureKind.NOT_JSON, "not JSON", span, actual="\x1b[2J\x1b[31mALL PASSED\x07")
    shown = render_result(ExampleResult("docs/page.asciidoc", "line_2", span, Outcome.ERROR, failures=(failure,)),
                          source_line=lambda path, line: "GET /x")
    assert "\x1b" not in shown and "\x07" not in shown and "\\x1b[2J\\x1b[31mALL PASSED\\x07" in shown
