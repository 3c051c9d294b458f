"""Directive comments of cloud-style pages that no code block owns: said, never silently dropped.

In RST and HTML a directive comment belongs to the code block right before it
(``.. TEST[...]``, ``<!-- CAPTURE[...] -->``). One anywhere else — after a
paragraph, in the URI section, before the first block — would be ignored; this
check turns each such line, and each directive-looking line no block reads, into
a warning at its line.
"""

from __future__ import annotations

from collections.abc import Iterable

from harness.model import Diagnostic, Level, Span
from harness.parsers.directives import match_directive, near_miss
from harness.parsers.page import Block, Comment

__all__ = ["stray_directives"]


def stray_directives(blocks: Iterable[Block], read: set[int], path: str) -> list[Diagnostic]:
    """Warnings for the directive lines of comments whose first line is not in ``read``."""
    out: list[Diagnostic] = []
    for block in blocks:
        if not isinstance(block, Comment) or block.span.line in read:
            continue
        for offset, line in enumerate(block.text.split("\n")):
            span = Span(path, block.span.line + offset, block.span.column if offset == 0 else 1)
            text = line.strip()
            named = match_directive(text)
            if named is not None:
                out.append(Diagnostic(
                    Level.WARNING, "unpaired-directive",
                    f"{named[0]} is not right after an example's code block, so it is ignored", span,
                    "put the comment right after the code block of an Example Request or Example Response"))
            elif (miss := near_miss(text, span)) is not None:
                out.append(miss)
    return out
