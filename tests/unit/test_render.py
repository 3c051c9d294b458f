"""The Hurl-style renderer: layout, carets, context, hint, colour."""

from __future__ import annotations

from harness.model import Diagnostic, Level, Span
from harness.report.render import render_diagnostic, render_diagnostics, render_snippet


def test_snippet_layout_with_context_and_hint() -> None:
    text = render_snippet("error: Assert status code", Span("stop-job.asciidoc", 61, 6, 61, 8), "POST _x/_stop",
                          context="POST _xpack/rollup/job/sensor/_stop", hint="expected 404")
    assert text.split("\n") == [
        "error: Assert status code",
        "  --> stop-job.asciidoc:61:6",
        "   |",
        "   | POST _xpack/rollup/job/sensor/_stop",
        "61 | POST _x/_stop",
        "   |      ^^^",
        "   |",
        "   = hint: expected 404",
    ]


def test_carets_run_to_the_end_of_the_line_when_no_end_column() -> None:
    text = render_diagnostic(Diagnostic(Level.WARNING, "w", "m", Span("p", 3, 4), source_line="// TEST [x]  "))
    assert text.split("\n")[4] == "  |    ^^^^^^^^"


def test_no_carets_without_a_source_line_and_tabs_are_one_cell() -> None:
    assert "^" not in render_diagnostic(Diagnostic(Level.ERROR, "e", "m", Span("p", 1)))
    text = render_snippet("error: x", Span("p", 2, 2, 2, 2), "\tab")
    assert text.split("\n")[-3:] == ["2 |  ab", "  |  ^", "  |"]


def test_colour_only_when_asked() -> None:
    d = Diagnostic(Level.ERROR, "e", "boom", Span("p", 1), "fix", "line")
    assert "\x1b[" not in render_diagnostic(d)
    coloured = render_diagnostic(d, color=True)
    assert coloured.startswith("\x1b[1;31merror[e]\x1b[0m: boom")
    assert coloured.replace("\x1b[1;31m", "").replace("\x1b[1;34m", "").replace("\x1b[1m", "").replace(
        "\x1b[0m", "") == render_diagnostic(d)


def test_render_diagnostics_filters_by_level() -> None:
    ds = [Diagnostic(Level.WARNING, "w", "warned", Span("p", 1)), Diagnostic(Level.ERROR, "e", "failed", Span("p", 2))]
    assert "warned" not in render_diagnostics(ds, minimum=Level.ERROR)
    assert render_diagnostics(ds).count("-->") == 2
