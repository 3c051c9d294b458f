"""A page's diagnostics with the source lines the renderer shows in its gutter.

Kept apart from ``harness.parsers.snippets`` (Elasticsearch's emit rules, which load the
substitution machinery and the ``regex`` package) so that a front-end that only needs this,
the cloud pages' and ``extract``'s project checks, does not load those.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from harness.model import Diagnostic

__all__ = ["attach_source_lines"]


def attach_source_lines(diagnostics: Sequence[Diagnostic], lines: Sequence[str]) -> tuple[Diagnostic, ...]:
    """A page's diagnostics in page order, each with its ``source_line`` filled from the page's
    lines (for the renderer's gutter); every format's front-end finishes with this."""
    out: list[Diagnostic] = []
    for d in sorted(diagnostics, key=lambda d: (d.span.line, d.span.column)):
        if not d.source_line and 1 <= d.span.line <= len(lines):
            d = dataclasses.replace(d, source_line=lines[d.span.line - 1])
        out.append(d)
    return tuple(out)
