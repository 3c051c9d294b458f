"""reStructuredText front-end: docutils doctree -> page outline -> Document.

The page is parsed with docutils (never scanned with regexes) in the private
setup of ``rst_setup`` (Sphinx names handled, nothing printed, no file reads);
the system messages docutils raises become Diagnostics, and the doctree is
walked into an outline for the shared cloud-page rules.
"""

from __future__ import annotations

import re

from docutils import nodes, utils

from harness.model import Diagnostic, Document, Format, Level, Span
from harness.parsers.cloud import build_document
from harness.parsers.page import Cell, Code, Comment, Heading, Outline, Table, Text, fill_spans
from harness.parsers.rst_references import not_read_diagnostics
from harness.parsers.rst_setup import parser, settings, sphinx_names

__all__ = ["parse_rst"]


# a line block that shows an example: a JSON body or a request line (pages write "| {" as a code block)
_SHOWN_CODE = re.compile(r"\s*(?:[{\[]|(?:GET|POST|PUT|DELETE|PATCH|HEAD)\s+\S)")


def parse_rst(text: str, path: str) -> Document:
    """Parse one cloud-style RST page into a Document (pure: text in, model out)."""
    outline = Outline(path, lines=text.splitlines())
    document = utils.new_document(path, settings())
    document.reporter.attach_observer(lambda msg: _on_message(msg, outline))
    with sphinx_names():
        try:
            parser().parse(text, document)
        except Exception as exc:  # docutils can still trip over pathological input
            outline.diagnostics.append(Diagnostic(
                Level.ERROR, "rst-unparsable", f"docutils could not parse the page: {exc}",
                Span(path, 1), hint="fix the markup near the reported line"))
    outline.diagnostics += not_read_diagnostics(document, path)
    _Walker(outline, outline.lines).walk(document, 0)
    return build_document(outline, Format.RST)


def _on_message(msg: nodes.system_message, outline: Outline) -> None:
    if msg["level"] < 2:  # INFO messages are docutils talking to itself
        return
    # docutils reports some problems ("Literal block expected") on the line after the last one
    line = min(msg.get("line") or 1, max(len(outline.lines), 1))
    text = msg.children[0].astext() if msg.children else msg.astext()
    outline.diagnostics.append(Diagnostic(
        Level.WARNING, "rst-markup", f"RST: {text}", Span(outline.path, line),
        hint="fix the markup so docutils reads the page as intended"))


def _names(node: nodes.Element) -> list[str]:
    names: list[str] = list(node.get("names", ()))
    return [name.lower() for name in names]


def _plain(node: nodes.Node) -> str:
    return " ".join(node.astext().split())


class _Walker:
    """Walks a doctree in page order and appends the blocks the cloud rules read."""

    def __init__(self, outline: Outline, lines: list[str]) -> None:
        self.outline, self.lines = outline, lines
        self.pending_anchors: list[str] = []

    def span(self, line: int, end: int = 0) -> Span:
        return Span(self.outline.path, max(line, 1), 1, end)

    def walk(self, node: nodes.Element, depth: int) -> None:
        for child in node.children:
            if isinstance(child, nodes.section):
                self.walk(child, depth + 1)
            elif isinstance(child, nodes.title) and isinstance(node, nodes.section):
                # docutils puts a section title on its underline; the text is the line above
                self.outline.blocks.append(Heading(_plain(child), depth, self.span((child.line or 2) - 1)))
            elif isinstance(child, nodes.paragraph):
                strong = len(child.children) == 1 and isinstance(child.children[0], nodes.strong)
                self.outline.blocks.append(Text(child.astext(), self.span(child.line or 1), strong))
            elif isinstance(child, (nodes.literal_block, nodes.doctest_block)):
                self.outline.blocks.append(self.code(child))
            elif isinstance(child, nodes.line_block) and (shown := self.line_code(child)) is not None:
                self.outline.blocks.append(shown)
            elif isinstance(child, nodes.comment):
                self.outline.blocks.append(self.comment(child))
            elif isinstance(child, nodes.table):
                self.outline.blocks.append(self.table(child))
            elif isinstance(child, nodes.target):
                self.pending_anchors.extend(_names(child))
            elif isinstance(child, (nodes.Element)) and not isinstance(child, nodes.system_message):
                self.walk(child, depth)

    def code(self, node: nodes.Element) -> Code:
        text = node.astext()
        if "first_line" in node:
            first, content, last = node["first_line"], node["content_line"], node["last_line"]
        else:  # a ``::`` literal block: docutils gives its first content line
            content = first = node.line or 1
            last = first + text.count("\n")
        return Code(text, node.get("language", ""), self.span(first, last), content)

    def line_code(self, node: nodes.Element) -> Code | None:
        """A line block ("| {" then "| \"name\": ..." lines) that holds a JSON body or a request line: a page that
        writes an example so shows it as a code block would; other line blocks (an address, a verse) are prose."""
        lines = [(line.line, line.astext()) for line in node.findall(nodes.line) if line.line]
        text = "\n".join(shown for _, shown in lines)
        if not lines or not _SHOWN_CODE.match(text):
            return None
        return Code(text, "", self.span(lines[0][0], lines[-1][0]), lines[0][0])

    def _opens_comment(self, index: int, first_text: str) -> bool:
        """Line ``index`` is the ``..`` of a comment whose text starts ``first_text``: on the same line,
        or (a bare ``..``) on the next non-blank line."""
        line = self.lines[index].lstrip()
        if not line.startswith(".."):
            return False
        if first_text in line:
            return True
        if line.rstrip() != "..":
            return False
        following = next((text for text in self.lines[index + 1:index + 3] if text.strip()), "")
        return first_text in following

    def comment(self, node: nodes.Element) -> Comment:
        # docutils reports a comment on the line after it ends (on its own line when another explicit
        # markup block follows at once); walk back to the ``..`` line that holds its first text
        first_text = node.astext().split("\n", 1)[0].strip()
        index = min((node.line or 1) - 1, len(self.lines) - 1)
        while index > 0 and not self._opens_comment(index, first_text):
            index -= 1
        first = index + 1
        source = self.lines[index] if 0 <= index < len(self.lines) else ""
        marker = source.find("..")
        text_column = marker + 4 if marker >= 0 and source[marker + 2:].strip() else 1  # ".. TEXT"
        return Comment(node.astext(), Span(self.outline.path, max(first, 1), text_column,
                                           max((node.line or first + 1) - 1, first)))

    def table(self, node: nodes.Element) -> Table:
        titles = [c for c in node.children if isinstance(c, nodes.title)]
        caption = _plain(titles[0]) if titles else ""
        head_rows = [r for group in node.findall(nodes.thead) for r in group.findall(nodes.row)]
        body_rows = [r for group in node.findall(nodes.tbody) for r in group.findall(nodes.row)]
        heads, bodies = [self.row(r) for r in head_rows], [self.row(r) for r in body_rows]
        header, rows = (fill_spans(heads[:1]) or ((),))[0], fill_spans(bodies)
        # the paragraphs' lines, row by row, read once: each body row's first line (a warning about a row
        # points at it) and the table's first line come from them (every paragraph of a table is in a row)
        found = [[p.line for p in r.findall(nodes.paragraph) if p.line] for r in (*head_rows, *body_rows)]
        row_lines = tuple(min(each, default=0) for each in found[len(head_rows):])
        lines = [line for each in found for line in each] or self._border()
        line = titles[0].line if titles and titles[0].line else (min(lines) if lines else 1)
        anchors = tuple(self.pending_anchors) + tuple(_names(node))
        self.pending_anchors = []
        return Table(caption, header, rows, anchors, self.span(line), row_lines)

    def _border(self) -> list[int]:
        """The first grid-table border after the last block: where a table whose cells hold no paragraph (a
        code block only) starts, as docutils gives such a table no line."""
        after = self.outline.blocks[-1].span.last_line if self.outline.blocks else 0
        found = next((i + 1 for i in range(after, len(self.lines)) if self.lines[i].lstrip().startswith("+-")), 0)
        return [found] if found else []

    def row(self, row: nodes.Element) -> list[tuple[Cell, int, int]]:
        """The row's entries with their column and row spans (docutils counts the extra ones)."""
        for message in list(row.findall(nodes.system_message)):  # docutils' complaint is not the cell's text
            message.parent.remove(message)
        return [(Cell(_plain(entry), tuple(str(x["link"]) for x in entry.findall(nodes.inline) if "link" in x)),
                 int(entry.get("morecols", 0)) + 1, int(entry.get("morerows", 0)) + 1)
                for entry in row.children if isinstance(entry, nodes.entry)]
