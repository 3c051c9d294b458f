"""harness.report.annotations: GitHub workflow commands (escaped by the runner's rules) and GitLab code quality."""

from __future__ import annotations

import json

from harness.model import Diagnostic, Level, Span
from harness.report.annotations import codequality_report, escape_data, escape_property, github_annotations
from harness.report.redact import Redactor
from harness.results import ExampleResult, Failure, FailureKind, Mismatch, Outcome, RunResult

PAGE = "docs/a, b: c.asciidoc"  # a path with the characters a property must escape


def run() -> RunResult:
    body = Failure(FailureKind.BODY, "100% wrong\r\nsecond line tok-123456", Span(PAGE, 27, 3, end_line=29),
                   diff=(Mismatch("$.ok", "true", "false", "values differ"),))
    return RunResult(results=(
        ExampleResult(PAGE, "line_1", Span(PAGE, 1), Outcome.PASSED),
        ExampleResult(PAGE, "line_18", Span(PAGE, 18), Outcome.FAILED, reason="differs", failures=(body,)),
        ExampleResult(PAGE, "line_33", Span(PAGE, 33), Outcome.SKIPPED, reason="todo"),
        ExampleResult(PAGE, "line_40", Span(PAGE, 40), Outcome.ERROR, reason="refused",
                      failures=(Failure(FailureKind.CONNECTION, "connection refused", None),)),
    ), diagnostics=(
        Diagnostic(Level.WARNING, "missing-language", "code block without a language", Span(PAGE, 5)),
        Diagnostic(Level.ERROR, "unpaired-directive", "TESTRESPONSE without a snippet", Span(PAGE, 50),
                   hint="move it under a snippet"),
    ))


def test_escaping_follows_the_runner_rules() -> None:
    assert escape_data("a%b\r\nc:d,e") == "a%25b%0D%0Ac:d,e"
    assert escape_property("a%b\r\nc:d,e") == "a%25b%0D%0Ac%3Ad%2Ce"


def test_one_error_command_per_failure_and_error_diagnostic() -> None:
    lines = github_annotations(run(), Redactor(["tok-123456"])).splitlines()
    assert len(lines) == 3  # the failure, the error, the error diagnostic; never passes, skips or warnings
    path = "docs/a%2C b%3A c.asciidoc"
    assert lines[0].startswith(f"::error file={path},line=27,col=3,endLine=29,title=docharness%3A Response body "
                               "differs from the page::")
    message = lines[0].split("::", 2)[2]
    assert message.startswith("docs/a, b: c.asciidoc::line_18: 100%25 wrong%0D%0Asecond line ***%0A")
    assert "at $.ok: values differ (expected true, actual false)" in message and "\n" not in message
    assert lines[1].startswith(f"::error file={path},line=40,title=docharness%3A Could not talk to the target::")
    assert lines[2] == (f"::error file={path},line=50,title=docharness%3A unpaired-directive::"
                        "TESTRESPONSE without a snippet%0Ahint: move it under a snippet")


def test_paths_under_the_workspace_become_repository_paths() -> None:
    result = RunResult(results=(ExampleResult("/ws/repo/docs/p.rst", "line_3", Span("/ws/repo/docs/p.rst", 3),
                                              Outcome.ERROR, reason="x"),))
    assert github_annotations(result, workspace="/ws/repo").startswith("::error file=docs/p.rst,line=3,")
    assert github_annotations(result, workspace="/elsewhere").startswith("::error file=/ws/repo/docs/p.rst,")


def test_nothing_to_say_prints_nothing() -> None:
    assert github_annotations(RunResult()) == ""
    assert json.loads(codequality_report(RunResult())) == []


def test_codequality_issues_are_located_stable_and_masked() -> None:
    issues = json.loads(codequality_report(run(), Redactor(["tok-123456"])))
    assert [(i["check_name"], i["severity"], i["location"]) for i in issues] == [
        ("docharness/body", "major", {"path": PAGE, "lines": {"begin": 27}}),
        ("docharness/connection", "critical", {"path": PAGE, "lines": {"begin": 40}}),
        ("docharness/unpaired-directive", "major", {"path": PAGE, "lines": {"begin": 50}}),
    ]
    assert all(set(i) >= {"description", "check_name", "fingerprint", "severity", "location"} for i in issues)
    assert len({i["fingerprint"] for i in issues}) == 3
    assert [i["fingerprint"] for i in json.loads(codequality_report(run(), Redactor(["tok-123456"])))] == [
        i["fingerprint"] for i in issues]
    assert "tok-123456" not in json.dumps(issues) and "second line ***" in issues[0]["description"]


def test_a_page_error_inside_an_example_is_told_once_with_its_hint() -> None:
    where = Span("p.asciidoc", 8)
    diagnostic = Diagnostic(Level.ERROR, "unpaired-directive", "TESTRESPONSE not paired with a snippet", where,
                            hint="remove the blank line 7")
    result = ExampleResult("p.asciidoc", "line_8", where, Outcome.ERROR, reason="unpaired", failures=(
        Failure(FailureKind.INVALID_EXAMPLE, "TESTRESPONSE not paired with a snippet", where),))
    lines = github_annotations(RunResult(results=(result,), diagnostics=(diagnostic,))).splitlines()
    assert len(lines) == 1 and lines[0].endswith("%0Ahint: remove the blank line 7")
    assert len(json.loads(codequality_report(RunResult(results=(result,), diagnostics=(diagnostic,))))) == 1
