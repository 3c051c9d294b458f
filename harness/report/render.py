"""The one Hurl-style renderer for everything a user must fix: diagnostics and failures.

Shape (without colour)::

    error[missing-language]: Snippet missing a language
      --> docs/stop-job.asciidoc:12:1
       |
       | POST _xpack/rollup/job/sensor/_stop
    12 | ----
       | ^^^^
       |
       = hint: add [source,js] on the line above the opening fence

A title; ``--> path:line:col``; a gutter; an optional context line (the
example's request line); the offending line; carets under the span; a hint.
Reports (terminal, JUnit, JSON, HTML) all use this text, colour removed.
"""

from __future__ import annotations

from harness.model import Diagnostic, Level, Span

__all__ = ["render_diagnostic", "render_diagnostics", "render_snippet"]

_RESET = "\x1b[0m"
_COLOURS = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "info": "\x1b[1;36m", "gutter": "\x1b[1;34m",
            "caret": "\x1b[1;31m", "hint": "\x1b[1m"}


def _paint(text: str, what: str, color: bool) -> str:
    return f"{_COLOURS[what]}{text}{_RESET}" if color and text else text


def render_snippet(title: str, span: Span, source_line: str, *, context: str = "", hint: str = "",
                   color: bool = False) -> str:
    """Render one located problem Hurl-style.

    :param title: the first line, e.g. ``error[code]: message`` (its first word picks the colour).
    :param span: where; columns ``column..end_column`` of the first line are underlined
        (``end_column`` 0: to the end of the line).
    :param source_line: the text of line ``span.line`` (may be empty when unknown).
    :param context: an optional line shown above, such as the example's request line.
    :param hint: one line saying what to do.
    :param color: add ANSI colours (terminal only).
    """
    number = str(span.line)
    pad = " " * len(number)
    bar = _paint("|", "gutter", color)
    head = title.split(":", 1)[0].split("[", 1)[0].strip().lower()
    level = head if head in ("error", "warning", "info") else "error"
    word, colon, rest = title.partition(":")
    lines = [_paint(word, level, color) + colon + rest, f"{pad}{_paint('-->', 'gutter', color)} {span}", f"{pad} {bar}"]
    if context:
        lines.append(f"{pad} {bar} {_visible(context)}")
    shown = _visible(source_line)
    lines.append(f"{_paint(number, 'gutter', color)} {bar} {shown}".rstrip())
    if shown.strip():
        lines.append(f"{pad} {bar} {_carets(span, shown, color)}")
    lines.append(f"{pad} {bar}")
    if hint:
        lines.append(f"{pad} {_paint('=', 'gutter', color)} {_paint('hint:', 'hint', color)} {hint}")
    return "\n".join(lines)


def _visible(line: str) -> str:
    """One display cell per character: tabs and control characters become spaces."""
    return "".join(" " if (c < " " or c == "\x7f") else c for c in line.rstrip("\r\n"))


def _carets(span: Span, shown: str, color: bool) -> str:
    width = len(shown.rstrip())
    start = min(max(span.column, 1), max(width, 1))
    if span.end_column and span.last_line == span.line:
        end = max(min(span.end_column, width), start)
    else:
        end = max(width, start)
    return " " * (start - 1) + _paint("^" * (end - start + 1), "caret", color)


def render_diagnostic(d: Diagnostic, *, color: bool = False) -> str:
    """Render a parser ``Diagnostic`` with its level, code, place, line and hint."""
    title = f"{d.level.value}[{d.code}]: {d.message}"
    return render_snippet(title, d.span, d.source_line, hint=d.hint, color=color)


def render_diagnostics(diagnostics: tuple[Diagnostic, ...] | list[Diagnostic], *, color: bool = False,
                       minimum: Level = Level.INFO) -> str:
    """Render several diagnostics, blank-line separated, keeping those at ``minimum`` or worse."""
    order = {Level.ERROR: 2, Level.WARNING: 1, Level.INFO: 0}
    kept = [d for d in diagnostics if order[d.level] >= order[minimum]]
    return "\n\n".join(render_diagnostic(d, color=color) for d in kept)
