"""Small docutils node builders shared by the page and example renderers.

Every piece of page text enters the doctree here as a ``Text`` node or a
literal block, never as markup to be parsed and never as a ``raw`` node: a
``<script>`` written in a source page is displayed, not run.
"""

from __future__ import annotations

from collections.abc import Sequence

from docutils import nodes

__all__ = ["Cell", "paragraphs", "table", "section", "literal", "none_documented"]

Cell = str | nodes.Node | Sequence[nodes.Node]


def paragraphs(text: str, classes: Sequence[str] = ()) -> list[nodes.paragraph]:
    """Plain text split on blank lines into paragraphs of text nodes."""
    blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n")]
    return [nodes.paragraph(block, block, classes=list(classes)) for block in blocks if block]


def _entry(cell: Cell) -> nodes.entry:
    entry = nodes.entry()
    if isinstance(cell, str):
        entry += paragraphs(cell) or [nodes.paragraph()]
    elif isinstance(cell, nodes.Node):
        inline = isinstance(cell, (nodes.Inline, nodes.Text))  # reference is both Inline and Body
        entry += nodes.paragraph("", "", cell) if inline else cell
    else:
        entry += nodes.paragraph("", "", *cell)
    return entry


def table(headers: Sequence[str], rows: Sequence[Sequence[Cell]], widths: Sequence[int],
          classes: Sequence[str] = ()) -> nodes.table:
    """A standard table node with a header row; ``widths`` are relative column widths."""
    result = nodes.table(classes=["docharness-table", *classes])
    group = nodes.tgroup(cols=len(headers))
    result += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    head += nodes.row("", *(_entry(h) for h in headers))
    body = nodes.tbody()
    for cells in rows:
        body += nodes.row("", *(_entry(c) for c in cells))
    group += head
    group += body
    return result


def section(title: str, anchor: str, *children: nodes.Node) -> nodes.section:
    """A section with a text title; ``anchor`` must be unique in the document."""
    result = nodes.section(ids=[anchor])
    result += nodes.title(title, title)
    for child in children:
        result += child
    return result


def literal(text: str, language: str = "text", classes: Sequence[str] = ()) -> nodes.literal_block:
    """A literal block shown verbatim (highlighted by Sphinx, escaped by the HTML writer)."""
    block = nodes.literal_block(text, text, classes=list(classes))
    block["language"] = language
    return block


def none_documented(what: str) -> nodes.paragraph:
    """The placeholder paragraph that keeps every page's sections the same."""
    return nodes.paragraph("", f"No {what} documented.", classes=["docharness-none"])
