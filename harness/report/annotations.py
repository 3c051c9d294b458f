"""CI annotations: a run's failures on the source lines of a pull or merge request.

Two formats, both read only a ``RunResult``:

* GitHub Actions workflow commands, one line each, printed on stdout::

      ::error file=docs/stop-job.asciidoc,line=52,col=3,title=docharness%3A Response body differs::message

  one per failure of a failed or errored example, and one per error-level
  diagnostic. Values are escaped by the runner's rules (``actions/toolkit``
  ``command.ts``): ``%``, CR and LF in the message; those and ``:`` and ``,`` in
  properties.
* A GitLab code-quality report (``artifacts:reports:codequality``): a JSON list
  of issues with ``description``, ``check_name``, ``fingerprint``, ``severity``
  and ``location.path`` / ``location.lines.begin``.

Secrets are masked by value in both, as in every other report.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from harness.model import Diagnostic, Level, Span
from harness.report import kinds
from harness.report.atomic import write_atomically
from harness.report.redact import Redactor
from harness.results import ExampleResult, Failure, Outcome, RunResult

__all__ = ["Annotation", "problems", "codequality_report", "escape_data", "escape_property",
           "github_annotations", "write_codequality"]


@dataclass(frozen=True, slots=True)
class Annotation:
    """One problem to show on a source line.

    :param span: where (path, 1-based line and column).
    :param title: a short title (the failure kind's, or the diagnostic's code).
    :param message: what happened and what to do, possibly several lines.
    :param check: a stable check name (``docharness/body``, ``docharness/missing-language``).
    :param severity: ``major`` (an assertion failure or a page error) or ``critical`` (an error).
    :param identity: what stays the same for this problem from one run to the next.
    """

    span: Span
    title: str
    message: str
    check: str
    severity: str
    identity: str


def problems(run: RunResult) -> Iterator[Annotation]:
    """Every failure of a failed or errored example, then every error-level diagnostic not told already.

    A page error inside an example is both a diagnostic and that example's error item: it is
    told once, on the item, with the diagnostic's own hint.
    """
    errors = [d for d in run.diagnostics if d.level is Level.ERROR]
    told: set[int] = set()
    for result in run.results:
        if result.outcome in (Outcome.FAILED, Outcome.ERROR):
            yield from _result_annotations(result, errors, told)
    for diagnostic in errors:
        if id(diagnostic) not in told:
            yield _diagnostic_annotation(diagnostic)


def _result_annotations(result: ExampleResult, errors: list[Diagnostic], told: set[int]) -> Iterator[Annotation]:
    if not result.failures:  # an error with only a reason
        yield Annotation(result.span, "docharness: error", f"{result.node_id}: {result.reason}", "docharness/error",
                         "critical", f"{result.node_id}|error")
    for index, failure in enumerate(result.failures):
        span = failure.span or result.span
        same = next((d for d in errors if (d.span.path, d.span.line) == (span.path, span.line)
                     and d.message in failure.message), None)
        if same is not None:
            told.add(id(same))
        hint = same.hint if same is not None and same.hint else kinds.hint(failure.kind)
        yield Annotation(span, f"docharness: {kinds.title(failure.kind)}", _failure_message(result, failure, hint),
                         f"docharness/{failure.kind.value}", "major" if failure.is_assertion else "critical",
                         f"{result.node_id}|{failure.kind.value}|{index}")


def _failure_message(result: ExampleResult, failure: Failure, hint: str) -> str:
    lines = [f"{result.node_id}: {failure.message}"]
    for mismatch in failure.diff[:10]:
        lines.append(f"at {mismatch.path}: {mismatch.message} (expected {mismatch.expected}, actual {mismatch.actual})")
    if len(failure.diff) > 10:
        lines.append(f"... and {len(failure.diff) - 10} more differences")
    lines.append(f"hint: {hint}")
    return "\n".join(lines)


def _diagnostic_annotation(d: Diagnostic) -> Annotation:
    message = d.message + (f"\nhint: {d.hint}" if d.hint else "")
    return Annotation(d.span, f"docharness: {d.code}", message, f"docharness/{d.code}", "major",
                      f"{d.span.path}|{d.code}|{d.message}")


def escape_data(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF percent-encoded."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: as ``escape_data``, and ``:`` and ``,`` too."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(run: RunResult, redactor: Redactor | None = None, workspace: str | None = None) -> str:
    """The ``::error`` workflow commands of a run, one per line (``""`` when there is nothing to say).

    :param workspace: the checkout (``$GITHUB_WORKSPACE``): absolute paths under it are made
        relative, as GitHub places an annotation by its path in the repository.
    """
    mask = redactor.text if redactor is not None else (lambda text: text)
    lines = []
    for note in problems(run):
        span = note.span
        props = [("file", _repository_path(span.path, workspace)), ("line", str(span.line))]
        if span.column > 1:
            props.append(("col", str(span.column)))
        if span.last_line > span.line:
            props.append(("endLine", str(span.last_line)))
        props.append(("title", note.title))
        head = ",".join(f"{name}={escape_property(mask(value))}" for name, value in props)
        lines.append(f"::error {head}::{escape_data(mask(note.message))}")
    return "".join(line + "\n" for line in lines)


def _repository_path(path: str, workspace: str | None) -> str:
    where = PurePosixPath(path)
    if workspace and where.is_absolute() and where.is_relative_to(workspace):
        return where.relative_to(workspace).as_posix()
    return path


def codequality_report(run: RunResult, redactor: Redactor | None = None) -> str:
    """The GitLab code-quality JSON text of a run (an empty list when all is well)."""
    mask = redactor.text if redactor is not None else (lambda text: text)
    issues = []
    for note in problems(run):
        fingerprint = hashlib.sha256(f"{note.check}|{mask(note.identity)}".encode()).hexdigest()
        issues.append({
            "type": "issue",
            "description": mask(f"{note.title.removeprefix('docharness: ')}: {note.message}"),
            "check_name": note.check,
            "fingerprint": fingerprint,
            "severity": note.severity,
            "categories": ["Bug Risk"],
            "location": {"path": mask(note.span.path), "lines": {"begin": note.span.line}},
        })
    return json.dumps(issues, indent=2, ensure_ascii=False)


def write_codequality(run: RunResult, path: Path, redactor: Redactor | None = None) -> None:
    """Write the code-quality report atomically."""
    write_atomically(path, codequality_report(run, redactor) + "\n")
