"""JUnit XML: assertion failures as ``<failure>``, errors as ``<error>``, skips as ``<skipped>``.

One ``<testsuite>`` per document (its ``file`` the document path), one
``<testcase>`` per test item. A test has one identity in every report: the
pytest plugin's. ``classname`` is the document path with ``/`` read as ``.``
(``docs_src.elasticsearch.rollup.stop-job.asciidoc``, as pytest's ``--junitxml``
writes it) and ``name`` the example name (``line_61``). The file validates
against the schema the Jenkins xUnit plugin uses and the subset GitLab reads, so
a testcase carries no ``file``/``line`` attributes: the place is the start of
the failure ``message`` (``path:line: reason``) and the ``-->`` line of its text.
The text is the same Hurl-style rendering the terminal shows, without colour
and with secrets masked. A passed testcase's ``<system-out>`` says what its check
compared (``checked: any 2xx status only: no body compared``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from itertools import groupby
from pathlib import Path

from harness.report.atomic import write_atomically
from harness.report.checks import check_words
from harness.report.redact import Redactor
from harness.report.terminal import render_result
from harness.results import ExampleResult, Outcome, RunResult

__all__ = ["junit_classname", "junit_report", "write_junit"]

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def junit_classname(document: str) -> str:
    """The ``classname`` of a document's tests: its path with ``/`` as ``.``, as pytest names it."""
    return document.replace("\\", "/").replace("/", ".")


def _case(result: ExampleResult, source_line: Callable[[str, int], str]) -> ET.Element:
    case = ET.Element("testcase", classname=junit_classname(result.document), name=result.name,
                      time=f"{result.duration_ms / 1000:.3f}")
    if result.outcome in (Outcome.FAILED, Outcome.ERROR):
        tag = "failure" if result.outcome is Outcome.FAILED else "error"
        first = result.failures[0] if result.failures else None
        kind = first.kind.value if first is not None else "error"
        where = first.span if first is not None and first.span is not None else result.span
        node = ET.SubElement(case, tag, message=f"{where.path}:{where.line}: {result.reason}", type=kind)
        node.text = render_result(result, source_line=source_line)
    elif result.outcome in (Outcome.SKIPPED, Outcome.NOT_RUN):
        ET.SubElement(case, "skipped", message=result.reason or result.outcome.value)
    elif words := check_words(result):  # a pass says what it compared: a status-only pass is not a verified one
        ET.SubElement(case, "system-out").text = words
    return case


def junit_report(run: RunResult, redactor: Redactor | None = None,
                 source_line: Callable[[str, int], str] | None = None) -> str:
    """The JUnit XML text of a run."""
    from harness.report.terminal import read_source_line

    lines = source_line or read_source_line
    if redactor is not None:
        run = redactor.data(run)
    root = ET.Element("testsuites", name="docharness")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for document, group in groupby(run.results, key=lambda r: r.document):
        results = list(group)
        suite = ET.SubElement(root, "testsuite", name=document, file=document, timestamp=run.started)
        counts = {"tests": len(results),
                  "failures": sum(r.outcome is Outcome.FAILED for r in results),
                  "errors": sum(r.outcome is Outcome.ERROR for r in results),
                  "skipped": sum(r.outcome in (Outcome.SKIPPED, Outcome.NOT_RUN) for r in results)}
        suite.set("time", f"{sum(r.duration_ms for r in results) / 1000:.3f}")
        for key, value in counts.items():
            suite.set(key, str(value))
            if key in totals:  # the schemas define no "skipped" on <testsuites>
                totals[key] += value
        suite.extend(_case(r, lines) for r in results)
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", f"{sum(r.duration_ms for r in run.results) / 1000:.3f}")
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode", xml_declaration=True)
    # a target's answer may hold characters XML 1.0 forbids (ESC, NUL, BEL): CI systems reject the whole file
    text = _NOT_XML.sub(lambda found: f"\\x{ord(found.group()):02x}", text)
    return redactor.text(text) if redactor is not None else text


def write_junit(run: RunResult, path: Path, redactor: Redactor | None = None) -> None:
    """Write the JUnit XML file atomically."""
    write_atomically(path, junit_report(run, redactor) + "\n")
