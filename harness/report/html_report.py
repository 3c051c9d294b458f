"""The HTML run report: one self-contained file a CI artefact store can serve as is.

It shows the counts, a filter by outcome (links to ``#outcome=failed`` and so on,
so a filtered view can be shared), one row per example, and for each failed or
errored example its source ``file:line``, the requests as sent, the expected and
the actual response, the JSON differences and a line diff, and the same
Hurl-style text the terminal shows. Everything taken from a page or a response
is escaped text, secrets are masked by value before escaping, and the
Content-Security-Policy admits only the report's own style and script.
"""

from __future__ import annotations

import difflib
import html
import json
from collections.abc import Callable
from pathlib import Path

from harness.model import Level
from harness.report.atomic import write_atomically
from harness.report.checks import check_words, passed_notes
from harness.report.html_assets import CONTENT_SECURITY_POLICY, SCRIPT, STYLE
from harness.report.redact import Redactor
from harness.report.render import render_diagnostic
from harness.report.terminal import read_source_line, render_result, summary_line
from harness.results import Exchange, ExampleResult, Failure, Outcome, RunResult

__all__ = ["html_report", "write_html_report"]

LABELS = {Outcome.PASSED: "passed", Outcome.FAILED: "failed", Outcome.ERROR: "error", Outcome.SKIPPED: "skipped",
          Outcome.NOT_RUN: "not run"}
_BODY_LIMIT = 64_000  # characters of one body shown; the JSON results file has them all


class _Page:
    """Builds the report text; every dynamic string goes through ``text`` (masked, then escaped)."""

    def __init__(self, run: RunResult, redactor: Redactor, source_line: Callable[[str, int], str]) -> None:
        self.run, self.redactor, self.source_line = run, redactor, source_line
        self.anchors = {index: f"example-{index}" for index, r in enumerate(run.results)
                        if r.outcome in (Outcome.FAILED, Outcome.ERROR)}

    def text(self, value: object) -> str:
        return html.escape(self.redactor.text(str(value)), quote=True)

    def masked_line(self, path: str, line: int) -> str:
        return self.redactor.text(self.source_line(path, line))

    def build(self) -> str:
        run = self.run
        parts = ["<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">",
                 f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_SECURITY_POLICY}\">",
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
                 "<title>docharness run report</title>", f"<style>{STYLE}</style>\n</head>",
                 "<body data-filter=\"all\">", self.header(), "<main>", self.diagnostics(), self.table(),
                 "<section id=\"details\">"]
        parts += [self.example(run.results[index], anchor) for index, anchor in self.anchors.items()]
        parts += ["</section>", "</main>", f"<script>{SCRIPT}</script>", "</body>", "</html>"]
        return "\n".join(p for p in parts if p)

    def header(self) -> str:
        run, counts = self.run, self.run.counts()
        state = "complete" if run.complete else "interrupted: partial results"
        meta = (f"against {self.text(', '.join(run.targets) or 'no target')} · started {self.text(run.started)}"
                f" · finished {self.text(run.finished or '-')} · docharness {self.text(run.tool_version or '?')}"
                f" · {state}")
        links = [f"<a href=\"#outcome=all\" data-filter=\"all\" id=\"count-all\">all <b>{len(run.results)}</b></a>"]
        links += [f"<a href=\"#outcome={o.value}\" data-filter=\"{o.value}\" id=\"count-{o.value}\">{LABELS[o]} "
                  f"<b>{counts[o.value]}</b></a>" for o in Outcome]
        return (f"<header>\n<h1>docharness run report</h1>\n<p class=\"meta\">{meta}</p>\n"
                f"<p id=\"summary\">{self.text(summary_line(run))}</p>\n"
                + "".join(f"<p class=\"checks\">{self.text(note)}</p>\n" for note in passed_notes(run)) +
                f"<nav class=\"filter\" aria-label=\"filter by outcome\">{''.join(links)}</nav>\n"
                f"<p id=\"shown\">Showing {len(run.results)} of {len(run.results)} examples</p>\n</header>")

    def diagnostics(self) -> str:
        shown = [d for d in self.run.diagnostics if d.level is not Level.INFO]
        if not shown:
            return ""
        errors = sum(d.level is Level.ERROR for d in shown)
        rendered = "\n\n".join(render_diagnostic(d) for d in shown)
        return (f"<details id=\"diagnostics\"{' open' if errors else ''}><summary>{len(shown)} page diagnostic"
                f"{'s' * (len(shown) != 1)} ({errors} error{'s' * (errors != 1)})</summary>"
                f"<pre>{self.text(rendered)}</pre></details>")

    def table(self) -> str:
        rows = []
        for index, result in enumerate(self.run.results):
            node = self.text(result.node_id)
            node_cell = f"<a href=\"#{self.anchors[index]}\">{node}</a>" if index in self.anchors else node
            rows.append(f"<tr class=\"result outcome-{result.outcome.value}\" data-outcome=\"{result.outcome.value}\">"
                        f"<td class=\"outcome\">{LABELS[result.outcome]}</td><td class=\"node\">{node_cell}</td>"
                        f"<td class=\"where\">{self.text(result.document)}:{result.span.line}</td>"
                        f"<td>{result.duration_ms:.0f} ms</td><td>{self.text(_reason(result))}</td></tr>")
        return ("<table id=\"results\"><thead><tr><th>outcome</th><th>example</th><th>source</th><th>time</th>"
                "<th>reason</th></tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table>")

    def example(self, result: ExampleResult, anchor: str) -> str:
        sections = [f"<h2><span class=\"outcome\">{LABELS[result.outcome]}</span> {self.text(result.node_id)}</h2>",
                    f"<p class=\"where\">source: <code>{self.text(result.document)}:{result.span.line}</code>"
                    f" · target: {self.text(result.target or '-')}</p>"]
        tests = [e for e in result.exchanges if e.phase == "test"]
        others = [e for e in result.exchanges if e.phase != "test"]
        sections.append("<h3>Request as sent</h3>" + (
            "\n".join(f"<pre class=\"request\">{self.text(_request_text(e))}</pre>" for e in tests)
            or "<p>No request was sent.</p>"))
        for failure in result.failures:
            sections.append(self.failure(failure, tests[-1] if tests else None))
        rendered = render_result(result, source_line=self.masked_line)
        sections.append(f"<h3>Report</h3><pre class=\"rendered\">{self.text(rendered)}</pre>")
        if others:
            sections.append(f"<details><summary>Setup, teardown and reset requests ({len(others)})</summary>"
                            + "\n".join(f"<pre>{self.text(_request_text(e))}\n\n{self.text(_response_text(e))}</pre>"
                                        for e in others) + "</details>")
        return (f"<article class=\"example outcome-{result.outcome.value}\" data-outcome=\"{result.outcome.value}\""
                f" id=\"{anchor}\">\n" + "\n".join(sections) + "\n</article>")

    def failure(self, failure: Failure, exchange: Exchange | None) -> str:
        where = failure.span
        head = f"<h3>{self.text(failure.kind.value)}: {self.text(failure.message)}</h3>"
        if where is not None:
            head += f"<p class=\"where\">at <code>{self.text(where)}</code></p>"
        actual = _response_text(exchange) if exchange is not None else failure.actual  # status, headers and body
        pair = (f"<div class=\"pair\"><div><h3>Expected response</h3><pre class=\"expected\">"
                f"{self.text(_clip(failure.expected) or '(not documented)')}</pre></div>"
                f"<div><h3>Actual response</h3><pre class=\"actual\">{self.text(_clip(actual) or '(none)')}</pre>"
                "</div></div>")
        parts = [head, pair]
        if failure.diff:
            rows = "".join(f"<tr><td class=\"where\">{self.text(m.path)}</td><td>{self.text(m.message)}</td>"
                           f"<td><code>{self.text(m.expected)}</code></td>"
                           f"<td><code>{self.text(m.actual)}</code></td></tr>"
                           for m in failure.diff)
            parts.append("<h3>Differences</h3><table class=\"mismatches\"><thead><tr><th>path</th><th>what</th>"
                         f"<th>expected</th><th>actual</th></tr></thead><tbody>{rows}</tbody></table>")
        if failure.expected and failure.actual:
            parts.append(f"<h3>Diff</h3><pre class=\"diff\">{self.diff(failure.expected, failure.actual)}</pre>")
        return "\n".join(parts)

    def diff(self, expected: str, actual: str) -> str:
        lines = difflib.unified_diff(_pretty(expected), _pretty(actual), "expected", "actual", lineterm="")
        classes = {"+": "add", "-": "del", "@": "hunk"}
        out = []
        for line in lines:  # one block per line: the pre's own newlines would double them
            kind = "" if line.startswith(("+++", "---")) else classes.get(line[:1], "")
            out.append(f"<span class=\"line {kind}\">{self.text(line) or ' '}</span>")
        return "".join(out)


def _reason(result: ExampleResult) -> str:
    """The reason column: why it did not pass, or for a pass what its check compared."""
    return check_words(result) if result.outcome is Outcome.PASSED else result.reason


def _request_text(exchange: Exchange) -> str:
    lines = [f"{exchange.method} {exchange.url}"] + [f"{name}: {value}" for name, value in exchange.request_headers]
    if exchange.request_body:
        lines += ["", _clip(exchange.request_body)]
    if exchange.redirected_to:  # what was checked is another URL's answer
        lines += ["", f"(redirected: the status and body checked are those of {exchange.redirected_to})"]
    return "\n".join(lines)


def _response_text(exchange: Exchange) -> str:
    status = "no response" if exchange.status is None else f"HTTP {exchange.status}"
    if exchange.redirected_to:  # the body below is another URL's
        status += f" (the answer of {exchange.redirected_to}, where the target redirected the request)"
    lines = [status] + [f"{name}: {value}" for name, value in exchange.response_headers]
    if exchange.response_body:
        lines += ["", _clip(exchange.response_body)]
    return "\n".join(lines)


def _clip(text: str) -> str:
    if len(text) <= _BODY_LIMIT:
        return text
    return text[:_BODY_LIMIT] + f"\n... ({len(text) - _BODY_LIMIT} more characters)"


def _pretty(text: str) -> list[str]:
    """JSON re-indented with sorted keys (so the diff shows values, not layout), else the text's lines."""
    try:
        return json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False).splitlines()
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python can read
        return text.splitlines()


def html_report(run: RunResult, redactor: Redactor | None = None,
                source_line: Callable[[str, int], str] | None = None) -> str:
    """The report's HTML text."""
    redactor = redactor or Redactor()
    page = _Page(redactor.data(run), redactor, source_line or read_source_line)
    return page.build() + "\n"


def write_html_report(run: RunResult, path: Path, redactor: Redactor | None = None) -> None:
    """Write the report to ``path`` atomically."""
    write_atomically(path, html_report(run, redactor))

