"""harness.report: the kinds table, the terminal rendering and the JSON results file."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from harness.model import Span, from_json
from harness.report.json_report import json_report, write_json_report
from harness.report.kinds import KINDS, hint, title
from harness.report.redact import Redactor
from harness.report.terminal import TerminalReporter, render_result, summary_line
from harness.results import (
    ExampleResult,
    Exchange,
    Failure,
    FailureKind,
    Mismatch,
    Outcome,
    RunResult,
)

PAGE = "[source,js]\n----\nPOST _xpack/rollup/job/sensor/_stop\n----\n// CONSOLE\n\n[source,js]\n----\n{\n  \"stopped\": true\n}\n----\n// TESTRESPONSE\n"


def failed_run(page: Path) -> RunResult:
    path = page.as_posix()
    failure = Failure(FailureKind.BODY, "the response differs from the page (1 difference)", Span(path, 9, end_line=11),
                      expected='{"stopped": true}', actual='{"stopped": false}',
                      diff=(Mismatch("$.stopped", "true", "false", "values differ"),))
    exchange = Exchange(phase="test", method="POST", url="http://127.0.0.1:1/_xpack/rollup/job/sensor/_stop",
                        status=200, span=Span(path, 3))
    results = (
        ExampleResult(document=path, name="line_2", span=Span(path, 2, end_line=4), outcome=Outcome.FAILED,
                      reason=failure.message, failures=(failure,), exchanges=(exchange,), duration_ms=12.0),
        ExampleResult(document=path, name="line_20", span=Span(path, 20), outcome=Outcome.SKIPPED, reason="todo"),
        ExampleResult(document=path, name="line_30", span=Span(path, 30), outcome=Outcome.ERROR,
                      reason="connection refused",
                      failures=(Failure(FailureKind.CONNECTION, "connection refused", Span(path, 3)),)),
    )
    return RunResult(results=results, targets=("reference=http://127.0.0.1:1",), started="s", finished="f")


def test_every_failure_kind_has_a_title_and_a_hint() -> None:
    assert set(KINDS) == set(FailureKind)
    for kind in FailureKind:
        assert title(kind) and hint(kind) and title(kind) != hint(kind)


def test_a_failure_renders_hurl_style_with_the_diff(tmp_path: Path) -> None:
    page = tmp_path / "page.asciidoc"
    page.write_text(PAGE, encoding="utf-8")
    text = render_result(failed_run(page).results[0])
    lines = text.splitlines()
    assert lines[0] == "failure[body]: Response body differs from the page"
    assert lines[1].strip() == f"--> {page.as_posix()}:9:1"
    assert "POST _xpack/rollup/job/sensor/_stop" in text  # the example's request line as context
    assert "9 | {" in text and "^" in text
    assert "= hint: " in text
    assert "  the response differs from the page (1 difference)\n  at $.stopped: values differ\n    expected: true\n    actual:   false" in text


def test_the_reporter_prints_progress_failures_skips_and_totals(tmp_path: Path) -> None:
    page = tmp_path / "page.asciidoc"
    page.write_text(PAGE, encoding="utf-8")
    run = failed_run(page)
    stream = io.StringIO()
    reporter = TerminalReporter(stream, Redactor(["127.0.0.1:1"]))
    reporter.finish(run)
    out = stream.getvalue()
    assert "::line_2 (failed)" in out and "::line_30 (error)" in out
    assert "SKIPPED " in out and ": todo" in out
    assert out.rstrip().splitlines()[-1].startswith("0 passed, 1 failed, 1 error, 1 skipped in ")
    assert summary_line(run).startswith("0 passed, 1 failed, 1 error, 1 skipped in ")
    assert "127.0.0.1:1" not in out  # redacted at the boundary


def test_the_json_report_round_trips_and_counts(tmp_path: Path) -> None:
    run = failed_run(tmp_path / "p.asciidoc")
    target = tmp_path / "out" / "results.json"
    write_json_report(run, target)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["counts"] == {"passed": 0, "failed": 1, "error": 1, "skipped": 1, "not_run": 0}
    assert data["results"][0]["failures"][0]["diff"][0]["path"] == "$.stopped"
    assert from_json(RunResult, target.read_text(encoding="utf-8")) == run
    assert [p.name for p in target.parent.iterdir()] == ["results.json"]  # no temporary file left


def test_the_json_report_is_replaced_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "results.json"
    write_json_report(RunResult(complete=False), target)
    assert json.loads(target.read_text(encoding="utf-8"))["complete"] is False

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_json_report(failed_run(tmp_path / "p"), target)
    # the old, valid (partial) file is still there, and no temporary file is left behind
    assert json.loads(target.read_text(encoding="utf-8"))["complete"] is False
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


def test_secrets_are_masked_in_the_json_report() -> None:
    run = failed_run(Path("p"))
    assert "127.0.0.1:1" not in json_report(run, Redactor(["127.0.0.1:1"]))


def test_notes_render_diagnostics_or_sum_them_up(tmp_path: Path) -> None:
    from harness.model import Diagnostic, Level
    from harness.report.terminal import NOTES_SHOWN, render_notes

    config = tmp_path / "docharness.toml"
    config.write_text("[targets.live]\nurl = 'http://10.0.0.1'\nreset = 'POST /wipe'\n", encoding="utf-8")
    notice = Diagnostic(Level.WARNING, "reset-not-sent", "the reset steps were not sent", Span(str(config), 3),
                        "pass --allow-writes")
    few = tuple(Diagnostic(Level.WARNING, "w", f"warning {n}", Span(f"p{n}.adoc", 2), source_line="----")
                for n in range(NOTES_SHOWN))
    text = render_notes(few, (notice,))
    assert text.count("warning[w]: warning") == NOTES_SHOWN
    # a notice made without its line gets it from the file
    assert "3 | reset = 'POST /wipe'" in text and "= hint: pass --allow-writes" in text
    many = few + (Diagnostic(Level.ERROR, "e", "broken", Span("p0.adoc", 9)),)
    summed = render_notes(many, (notice,))
    assert summed.startswith(f"{NOTES_SHOWN} warnings and 1 error in {NOTES_SHOWN} documents; see docharness extract")
    assert "warning[w]" not in summed and "warning[reset-not-sent]" in summed
    assert render_notes(()) == ""


def test_the_json_report_round_trips_diagnostics() -> None:
    from harness.model import Diagnostic, Level

    run = RunResult(diagnostics=(Diagnostic(Level.WARNING, "missing-language", "no language", Span("a.adoc", 4)),))
    assert from_json(RunResult, json.dumps({k: v for k, v in json.loads(json_report(run)).items()
                                            if k != "counts"})) == run


def test_the_terminal_says_how_many_passed_examples_were_shape_checked() -> None:
    from harness.report.terminal import TerminalReporter
    from harness.results import ExampleResult, Outcome, RunResult

    def passed(name: str, checked: str) -> ExampleResult:
        return ExampleResult(document="d.rst", name=name, span=Span("d.rst", 1), outcome=Outcome.PASSED,
                             checked=checked)

    out = io.StringIO()
    TerminalReporter(out, Redactor()).finish(RunResult(results=(passed("a", "shape"), passed("b", "exact"))))
    lines = out.getvalue().strip().splitlines()
    assert "1 of the passed examples was shape-checked (keys and JSON types only, values not compared)" in lines
    assert lines[-1].startswith("2 passed, 0 failed")  # the summary stays the last line


def test_an_expected_error_pass_is_not_counted_as_a_status_only_pass() -> None:
    from harness.report.checks import check_words, passed_notes
    from harness.results import Exchange, ExampleResult, Outcome, RunResult

    def passed(name: str, status: int) -> ExampleResult:
        return ExampleResult(document="d.adoc", name=name, span=Span("d.adoc", 1), outcome=Outcome.PASSED,
                             checked="status", exchanges=(Exchange("test", "GET", "http://t/x", status=status),))

    run = RunResult(results=(passed("caught", 404), passed("plain", 200), passed("created", 201)))
    assert passed_notes(run) == ["2 of the passed examples were checked by status code only (no body compared)"]
    assert check_words(run.results[0]) == "checked: status code only: no body compared"  # its own line says so
