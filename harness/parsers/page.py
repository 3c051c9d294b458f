"""The outline of a cloud-style page, as the RST and HTML front-ends find it.

A format module only finds headings, paragraphs, tables, code blocks and comments
and lists them here in page order with their lines; ``harness.parsers.cloud``
turns that outline into the shared model. Keeping this small neutral layer in
between is what lets one set of rules (sections, tables, example pairing) serve
every markup language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from harness.model import Diagnostic, Span


@dataclass(frozen=True, slots=True)
class Heading:
    """A section heading.

    :param title: the heading text, plain.
    :param level: nesting depth, 1 for the page title.
    :param span: the heading line.
    """

    title: str
    level: int
    span: Span


@dataclass(frozen=True, slots=True)
class Text:
    """A paragraph or list-item text, plain.

    :param text: the text with markup removed, whitespace kept.
    :param span: its first line.
    :param strong: the whole text is bold (``**Status code: 200**``), the way pages
        write sub-headings without heading markup.
    """

    text: str
    span: Span
    strong: bool = False


class Cell(NamedTuple):
    """One table cell: its plain text and the anchors it links to (``#table4``, ``:ref:`` labels).

    A named tuple, not a frozen dataclass like the other blocks: a page has a hundred cells and more, and a
    tuple is made in a third of the time (a frozen dataclass sets each field through ``object.__setattr__``).
    """

    text: str
    links: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Table:
    """A table with its caption, header row and body rows.

    :param caption: the caption or table title, plain (``Table 4 JobValidationResult``).
    :param header: the header cells, empty when the table has none.
    :param rows: the body rows.
    :param anchors: the names other cells use to link to this table (lower-case).
    :param span: the table's first line.
    :param row_lines: each body row's first line (``0``: not known), for warnings about one row; ``()`` when
        no row's is known.
    """

    caption: str
    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    anchors: tuple[str, ...]
    span: Span
    row_lines: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Code:
    """A literal or code block.

    :param text: the block contents, dedented, trailing blank lines removed.
    :param language: the declared language, ``""`` when none.
    :param span: the block's opening line (directive, ``<pre>``) to its last line.
    :param content_line: the line of the first content line.
    """

    text: str
    language: str
    span: Span
    content_line: int


@dataclass(frozen=True, slots=True)
class Comment:
    """A markup comment (``.. TEST[...]``, ``<!-- TEST[...] -->``), its text without the markers."""

    text: str
    span: Span


Block = Heading | Text | Table | Code | Comment


_LAST_SPLIT: tuple[str, list[str]] = ("", [])


def source_lines(text: str) -> list[str]:
    """``text.splitlines()``, split once for a page that two readers ask about in turn.

    A front-end (``parse_html``) and ``harness.parsers.prose`` both read the lines of the page
    they are given; the last page's lines are kept (one page, never across runs) and handed to
    both, so neither may change the list.
    """
    global _LAST_SPLIT
    last = _LAST_SPLIT
    if last[0] is text:
        return last[1]
    lines = text.splitlines()
    _LAST_SPLIT = (text, lines)
    return lines


# no documentation table is this wide: beyond it, cells are dropped (bounded memory whatever the spans)
MAX_COLUMNS = 100


def fill_spans(rows: list[list[tuple[Cell, int, int]]]) -> tuple[tuple[Cell, ...], ...]:
    """Lay out rows of ``(cell, colspan, rowspan)`` on a grid, so column N is column N in every row.

    A cell spanning columns or rows is repeated in each grid slot it covers, as a
    reader sees it (a "Mandatory: Yes" spanning two rows applies to both). The grid is at
    most ``MAX_COLUMNS`` wide and as long as ``rows``.
    """
    carried: dict[int, tuple[Cell, int]] = {}  # column -> (cell, rows still to cover)
    grid: list[tuple[Cell, ...]] = []
    for row in rows:
        if not carried and all(colspan <= 1 and rowspan <= 1 for _, colspan, rowspan in row):
            grid.append(tuple(cell for cell, _, _ in row[:MAX_COLUMNS]))  # nothing to lay out: most rows
            continue
        out: list[Cell] = []
        cells = iter(row)
        while True:
            column = len(out)
            if column in carried:
                cell, left = carried.pop(column)
                if left > 1:
                    carried[column] = (cell, left - 1)
                out.append(cell)
                continue
            placed = next(cells, None)
            if placed is None:
                break
            cell, colspan, rowspan = placed
            if column >= MAX_COLUMNS:
                break
            for offset in range(min(max(colspan, 1), MAX_COLUMNS - column)):
                if rowspan > 1:
                    carried[column + offset] = (cell, rowspan - 1)
                out.append(cell)
        grid.append(tuple(out))
    return tuple(grid)


@dataclass(slots=True)
class Outline:
    """What a front-end hands to the cloud rules: the blocks in page order and its own findings."""

    path: str
    blocks: list[Block] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # the source lines, for the diagnostics' gutter
