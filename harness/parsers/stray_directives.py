"""Directive comments of cloud-style pages: a block's own, and those no block owns, said, never silently dropped.

In RST and HTML a directive comment belongs to the code block right before it
(``.. TEST[...]``, ``<!-- CAPTURE[...] -->``). One anywhere else — after a
paragraph, in the URI section, before the first block — would be ignored; this
check turns each such line, and each directive-looking line no block reads, into
a warning at its line.
"""

from __future__ import annotations

from collections.abc import Iterable

from harness.model import Diagnostic, Directive, Example, Level, Role, Span
from harness.parsers.directives import match_directive, near_miss
from harness.parsers.page import Block, Comment

__all__ = ["continuing_nothing", "directives_after", "stray_directives"]


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


def directives_after(blocks: list[Block], index: int, path: str) -> tuple[list[Directive], set[int], list[Diagnostic]]:
    """The directive comments right after ``blocks[index]`` (the block's own), the first lines of the
    comments read for them (``stray_directives`` leaves those alone), and a warning for each near miss."""
    found: list[Directive] = []
    read: set[int] = set()
    problems: list[Diagnostic] = []
    for block in blocks[index + 1:]:
        if not isinstance(block, Comment):
            break
        read.add(block.span.line)
        for offset, line in enumerate(block.text.split("\n")):
            span = Span(path, block.span.line + offset, block.span.column if offset == 0 else 1)
            text = line.strip()
            named = match_directive(text)
            if named is not None:
                found.append(Directive(named[0], named[1], span))
            elif (miss := near_miss(text, span)) is not None:
                problems.append(miss)
    return found, read, problems


def continuing_nothing(examples: list[Example]) -> list[Diagnostic]:
    """The build's placement errors of ``TEST[continued]`` (reference §5.3): a continued example with no test
    before it, or right after the page's TESTSETUP or TEARDOWN, continues nothing (the plan runs it in no
    test, so without the error it would vanish unsaid)."""
    out: list[Diagnostic] = []
    previous: Example | None = None
    for example in examples:
        if example.role is Role.TEST and example.continued and (previous is None or previous.role is not Role.TEST):
            after = "cannot be on the first example of a page" if previous is None else \
                f"cannot immediately follow the {'TESTSETUP' if previous.role is Role.SETUP else 'TEARDOWN'} example"
            out.append(Diagnostic(Level.ERROR, "continued-first", f"TEST[continued] {after}: it continues no test, "
                                  "so it would never run", example.span,
                                  "remove continued, or move this example after the test it continues"))
        previous = example
    return out
