"""What a person sees: progress while a run goes, failures Hurl-style, a summary.

Every failure is rendered by the one renderer (``harness.report.render``): the
title, ``--> file:line:col``, the example's request line as context, the
offending source line with carets, then the JSON differences and a hint from
the kinds table. The same text (without colour) goes into JUnit. Secrets are
masked by value before anything is written.
"""

from __future__ import annotations

import os
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import TextIO

from harness.model import Diagnostic, Document, Level
from harness.report import kinds
from harness.report.checks import passed_notes
from harness.report.redact import Redactor
from harness.report.render import render_diagnostic, render_snippet
from harness.results import ExampleResult, Failure, Outcome, RunResult
from harness.sourcefiles import is_page_name, read_source, source_lines

__all__ = ["NOTES_SHOWN", "TerminalReporter", "read_source_line", "render_failure", "render_notes", "render_result",
           "summary_line"]

# more document diagnostics than this are summed up in one line (docharness extract shows them all)
NOTES_SHOWN = 5
_MARKS = {Outcome.PASSED: ".", Outcome.FAILED: "F", Outcome.ERROR: "E", Outcome.SKIPPED: "s", Outcome.NOT_RUN: "-"}


@lru_cache(maxsize=256)
def _file_lines(path: str, root: str, version: tuple[int, int]) -> tuple[str, ...]:
    # a file named as a page is shown only when it is a page of the tree (the loader's rule); the
    # configuration a diagnostic may name is no page
    page = is_page_name(os.path.basename(path))
    try:
        text = read_source(path, root, page=page).decode("utf-8", errors="replace").removeprefix("\ufeff")
        return tuple(source_lines(path, text))  # the lines its spans count (a form feed ends none in AsciiDoc)
    except OSError:  # refused by the path policy (outside the docs tree, not a regular file) or unreadable
        return ()


def read_source_line(path: str, line: int) -> str:
    """The text of a 1-based line of a source file, ``""`` when unavailable.

    The loader's path policy holds here too, with the file's own folder as the root: a page
    symlinked to a file elsewhere is never shown (the loader refused it already).
    """
    where = os.path.abspath(path)
    root = os.path.dirname(where)
    try:
        status = os.stat(where)
        version = (status.st_mtime_ns, status.st_size)  # an edited page is read again
    except OSError:
        return ""
    lines = _file_lines(where, root, version)
    return lines[line - 1] if 0 < line <= len(lines) else ""


def render_failure(result: ExampleResult, failure: Failure, *, source_line: Callable[[str, int], str] = read_source_line,
                   color: bool = False) -> str:
    """One failure, Hurl-style, with its diff and hint."""
    word = "failure" if failure.is_assertion else "error"
    title = f"{word}[{failure.kind.value}]: {kinds.title(failure.kind)}"
    span = failure.span or result.span
    context = ""
    requests = [e for e in result.exchanges if e.phase == "test" and e.span is not None]
    if requests and requests[-1].span is not None and requests[-1].span.line != span.line:
        context = source_line(requests[-1].span.path, requests[-1].span.line)
    text = render_snippet(title, span, source_line(span.path, span.line), context=context,
                          hint=kinds.hint(failure.kind), color=color)
    extra = [f"  {failure.message}"]
    for mismatch in failure.diff:
        extra.append(f"  at {mismatch.path}: {mismatch.message}")
        extra.append(f"    expected: {mismatch.expected}")
        extra.append(f"    actual:   {mismatch.actual}")
    if not failure.diff and failure.actual:
        if failure.expected:
            extra.append(f"  expected: {_one_line(failure.expected)}")
        extra.append(f"  actual:   {_one_line(failure.actual)}")
    return text + "\n" + visible("\n".join(extra))


# control characters a target's answer may carry (ESC starts a terminal escape that could rewrite the log)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """``text`` with control characters shown as ``\\xNN``: what a target sent never drives the terminal."""
    return _CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


def _one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def render_result(result: ExampleResult, *, source_line: Callable[[str, int], str] = read_source_line,
                  color: bool = False) -> str:
    """Every failure of one result, or its reason when it has none."""
    captured = visible(f"\n  captured: {', '.join(f'{k}={v}' for k, v in result.captures)}") if result.captures else ""
    if not result.failures:
        return visible(result.reason) + captured
    return "\n\n".join(render_failure(result, f, source_line=source_line, color=color)
                       for f in result.failures) + captured


def summary_line(run: RunResult, seconds: float | None = None) -> str:
    """``3 passed, 1 failed, 0 error, 1 skipped in 0.42s``: every count, always, for CI to read.

    ``, N not run`` is added when a run stopped early (``-x``, Ctrl-C), and
    `` (interrupted: partial results)`` when it did not finish.
    """
    counts = run.counts()
    parts = [f"{counts[name]} {name}" for name in ("passed", "failed", "error", "skipped")]
    if counts["not_run"]:
        parts.append(f"{counts['not_run']} not run")
    if seconds is None:
        seconds = sum(r.duration_ms for r in run.results) / 1000
    state = "" if run.complete else " (interrupted: partial results)"
    return f"{', '.join(parts)} in {seconds:.2f}s{state}"


def render_notes(diagnostics: tuple[Diagnostic, ...], notices: tuple[Diagnostic, ...] = (), *,
                 color: bool = False) -> str:
    """What the parsers (``diagnostics``) and the run (``notices``) found, shown before progress.

    Up to ``NOTES_SHOWN`` document diagnostics are rendered in full, more as one summary line;
    notices are always rendered. ``""`` when there is nothing to say.
    """
    diagnostics, notices = _with_lines(diagnostics), _with_lines(notices)
    if len(diagnostics) > NOTES_SHOWN:
        warnings = sum(d.level is Level.WARNING for d in diagnostics)
        errors = len(diagnostics) - warnings
        documents = len({d.span.path for d in diagnostics})
        counted = " and ".join(f"{n} {word}{'s' * (n != 1)}" for n, word in ((warnings, "warning"), (errors, "error"))
                               if n)
        parts = [f"{counted} in {documents} document{'s' * (documents != 1)}; see docharness extract"]
    else:
        parts = [render_diagnostic(d, color=color) for d in diagnostics]
    parts += [render_diagnostic(d, color=color) for d in notices]
    return "\n\n".join(parts)


def _with_lines(diagnostics: tuple[Diagnostic, ...]) -> tuple[Diagnostic, ...]:
    """Fill in the offending line of diagnostics made without it (the run's notices)."""
    return tuple(d if d.source_line else replace(d, source_line=read_source_line(d.span.path, d.span.line))
                 for d in diagnostics)


class TerminalReporter:
    """Progress (one line per document) and the end-of-run report on one stream.

    :param stream: where to write (the command line passes ``sys.stdout``).
    :param redactor: the run's secrets.
    :param color: add ANSI colours.
    :param total: the number of tests the run will replay; each progress line then starts with
        ``[done/total]`` and ends with the running count.
    """

    def __init__(self, stream: TextIO, redactor: Redactor, *, color: bool = False, total: int | None = None) -> None:
        self.stream, self.redactor, self.color = stream, redactor, color
        self.started = time.perf_counter()
        self.total, self.done, self.tally = total, 0, {o: 0 for o in Outcome}

    def write(self, text: str) -> None:
        """Write text with secrets masked, flushed at once."""
        self.stream.write(self.redactor.text(text))
        self.stream.flush()

    def notes(self, diagnostics: tuple[Diagnostic, ...], notices: tuple[Diagnostic, ...] = ()) -> None:
        """Diagnostics and notices before the progress lines (nothing when there are none)."""
        text = render_notes(diagnostics, notices, color=self.color)
        if text:
            self.write(text + "\n\n")

    def document_done(self, document: Document, results: list[ExampleResult]) -> None:
        """One progress line: the document and a mark per test."""
        marks = "".join(_MARKS[r.outcome] for r in results)
        if self.total is None:
            self.write(f"{document.path} {marks}\n")
            return
        self.done += len(results)
        for result in results:
            self.tally[result.outcome] += 1
        counts = ", ".join(f"{n} {o.value.replace('_', ' ')}" for o, n in self.tally.items() if n)
        total = max(self.total, self.done)
        self.write(f"[{self.done:>{len(str(total))}}/{total}] {document.path} {marks}  ({counts})\n")

    def finish(self, run: RunResult, *, totals: bool = True, notices: tuple[Diagnostic, ...] = ()) -> None:
        """Failures and errors in full, skips with their reasons, the run's ``notices`` (a teardown that did not
        succeed), then the totals (unless ``totals`` is false)."""
        bad = [r for r in run.results if r.outcome in (Outcome.FAILED, Outcome.ERROR)]
        if bad:
            self.write("\n" + "=" * 30 + " failures " + "=" * 30 + "\n")
        for result in bad:
            self.write(f"\n{result.node_id} ({result.outcome.value})\n{render_result(result, color=self.color)}\n")
        skipped = [r for r in run.results if r.outcome is Outcome.SKIPPED]
        if skipped:
            self.write("\n" + "\n".join(f"SKIPPED {r.node_id}: {r.reason}" for r in skipped) + "\n")
        notes = passed_notes(run)  # a pass means only what was compared: say which passes compared less
        if notes:
            self.write("\n" + "\n".join(notes) + "\n")
        # tests not run, once per reason (a target without a URL, -x, Ctrl-C): not one line per test
        reasons = Counter(r.reason for r in run.results if r.outcome is Outcome.NOT_RUN and r.reason)
        if reasons:
            self.write("\n" + "\n".join(f"NOT RUN {count} test{'s' * (count != 1)}: {reason}"
                                         for reason, count in reasons.items()) + "\n")
        if notices:
            self.write("\n" + render_notes((), notices, color=self.color) + "\n")
        if totals:
            self.write("\n")
            self.summary(run)

    def summary(self, run: RunResult) -> None:
        """The totals line, which a command writes last."""
        self.write(f"{summary_line(run, time.perf_counter() - self.started)}\n")
