"""JUnit XML: assertion failures as ``<failure>``, errors as ``<error>``, skips as ``<skipped>``.

One ``<testsuite>`` per document, one ``<testcase>`` per test item
(``classname`` the document path, ``name`` the example name). Failure text is
the same Hurl-style rendering the terminal shows, without colour and with
secrets masked.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from itertools import groupby
from pathlib import Path

from harness.report.atomic import write_atomically
from harness.report.redact import Redactor
from harness.report.terminal import render_result
from harness.results import ExampleResult, Outcome, RunResult

__all__ = ["junit_report", "write_junit"]


def _case(result: ExampleResult, source_line: Callable[[str, int], str]) -> ET.Element:
    case = ET.Element("testcase", classname=result.document, name=result.name,
                      time=f"{result.duration_ms / 1000:.3f}", file=result.document, line=str(result.span.line))
    if result.outcome in (Outcome.FAILED, Outcome.ERROR):
        tag = "failure" if result.outcome is Outcome.FAILED else "error"
        kind = result.failures[0].kind.value if result.failures else "error"
        node = ET.SubElement(case, tag, message=result.reason, type=kind)
        node.text = render_result(result, source_line=source_line)
    elif result.outcome in (Outcome.SKIPPED, Outcome.NOT_RUN):
        ET.SubElement(case, "skipped", message=result.reason or result.outcome.value)
    return case


def junit_report(run: RunResult, redactor: Redactor | None = None,
                 source_line: Callable[[str, int], str] | None = None) -> str:
    """The JUnit XML text of a run."""
    from harness.report.terminal import read_source_line

    lines = source_line or read_source_line
    if redactor is not None:
        run = redactor.data(run)
    root = ET.Element("testsuites", name="docharness")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for document, group in groupby(run.results, key=lambda r: r.document):
        results = list(group)
        suite = ET.SubElement(root, "testsuite", name=document, timestamp=run.started)
        counts = {"tests": len(results),
                  "failures": sum(r.outcome is Outcome.FAILED for r in results),
                  "errors": sum(r.outcome is Outcome.ERROR for r in results),
                  "skipped": sum(r.outcome in (Outcome.SKIPPED, Outcome.NOT_RUN) for r in results)}
        suite.set("time", f"{sum(r.duration_ms for r in results) / 1000:.3f}")
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.extend(_case(r, lines) for r in results)
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode", xml_declaration=True)
    return redactor.text(text) if redactor is not None else text


def write_junit(run: RunResult, path: Path, redactor: Redactor | None = None) -> None:
    """Write the JUnit XML file atomically."""
    write_atomically(path, junit_report(run, redactor) + "\n")
