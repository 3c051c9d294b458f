"""HTML front-end: lxml element tree -> page outline -> Document.

Cloud documentation exports (``<h4 class="sectiontitle">Example Request</h4>``,
``<li>URI format<p>POST /v1.0/...</p></li>``, captioned tables, ``<pre
class="screen">``) are walked in document order. Every block carries the
element's source line (lxml ``sourceline``); comments carry the directive
language (``<!-- TEST[catch:missing] -->``). The outline then goes through the
shared cloud-page rules.
"""

from __future__ import annotations

import re
from itertools import islice
from typing import Any

import lxml.etree

from harness.model import Diagnostic, Document, Format, Level, Span
from harness.parsers.cloud import build_document
from harness.parsers.cloud_sections import Kind, section_kind
from harness.parsers.html_references import html_references
from harness.parsers.page import (MAX_COLUMNS, Cell, Code, Comment, Heading, Outline, Table, Text, fill_spans,
                                  source_lines)

__all__ = ["parse_html"]

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_INLINE = {"a", "abbr", "b", "br", "cite", "code", "em", "font", "i", "img", "kbd", "label", "samp", "small", "span",
           "strong", "sub", "sup", "tt", "u", "var", "wbr", "q", "s", "mark"}
_SKIP = {"script", "style", "head", "title", "meta", "link", "noscript", "template"}
_STRONG = {"b", "strong"}
_LANGUAGE = re.compile(r"\b(?:language|lang)-([\w+-]+)")
_LEADING_DIGITS = re.compile(r"[\t\n\f\r ]*([0-9]+)")
_LONE_CR = re.compile(r"\r(?!\n)")
MAX_SPAN = 100
_TITLE_CLASS = re.compile(r"\b(?:sectiontitle|topictitle(\d?))\b")
_LABEL_LEVEL = 7  # below every h1-h6, so the next real heading closes it
# lxml elements: the stubs type sourceline loosely and tags as str, so they are Any here
_Node = Any
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what lxml refuses in text it is given
# lxml.html's parser without its Python class lookup (HtmlElement): the same tree, read through plain
# elements, which lxml creates in C (the lookup was a Python call for every element touched); no table of
# the id attributes either (collect_ids: nothing looks an element up by its id; 4% of the parse's instructions)
_PARSER = lxml.etree.HTMLParser(encoding="utf-8", remove_comments=False, remove_pis=True, collect_ids=False)
_COMMENT = lxml.etree.Comment
_TEXT = lxml.etree.tostring  # method="text": XPath string() of the element, comments left out


def _plain(text: str) -> str:
    """``" ".join(text.split())``, without splitting a text already one space apart once stripped.

    In ASCII text every whitespace character but the space is a control character, so not printable:
    stripped, printable ASCII text with no two spaces in a row is its own ``" ".join(text.split())``.
    """
    text = text.strip()
    if text.isascii() and text.isprintable() and "  " not in text:
        return text
    return " ".join(text.split())


def _solid(text: str) -> bool:
    """Whether ``text`` has a character that is not whitespace (``text.strip()`` would not be empty)."""
    return bool(text) and not text.isspace()


def _span_count(value: str | None) -> int:
    """A ``colspan`` / ``rowspan`` value as browsers read it, capped at 100; anything else counts as 1.

    HTML's rule for non-negative integers: ASCII whitespace, then ASCII digits, the rest ignored
    (``"100\x1d"`` is 100). ``"²"`` and other non-ASCII digits are not digits; a 5,000-digit value
    is never converted whole (Python refuses such ``int()`` conversions).
    """
    if value is None:
        return 1
    found = _LEADING_DIGITS.match(value)
    if found is None:
        return 1
    digits = found[1].lstrip("0")
    number = MAX_SPAN if len(digits) > 3 else int(digits or "0")
    return min(number, MAX_SPAN) if number > 0 else 1


def _text(node: _Node) -> str:
    """The text of ``node`` and its descendants, comments left out (XPath ``string()``, in C)."""
    if len(node) == 0:  # a leaf: its own text (most cells, paragraphs and headings)
        return node.text or ""
    return _TEXT(node, method="text", encoding=str, with_tail=False)


def _links(table: _Node) -> dict[_Node, tuple[str, ...]]:
    """The in-page anchors each cell of ``table`` links to (``<a href="#table4">``), lower-cased.

    One pass over the table's links (most cells have none); the cells are the dict's keys, which
    keeps their lxml proxies alive, so a row's walk meets these very objects again.
    """
    found: dict[_Node, list[str]] = {}
    for link in table.iter("a"):
        href = link.get("href", "")
        if not href.startswith("#"):
            continue
        parent = link.getparent()
        while parent is not None and parent is not table:
            if parent.tag in ("td", "th"):
                found.setdefault(parent, []).append(href[1:].lower())
            parent = parent.getparent()
    return {cell: tuple(anchors) for cell, anchors in found.items()}


def _cells(table: _Node, rows: list[_Node]) -> list[list[_Node]]:
    """Each row's ``td`` / ``th`` children, in order: one pass over the table's cells, each given to its
    row (a cell of a nested table, or one outside any row, has a parent that is none of ``rows``).

    ``row.iterchildren("td", "th")`` for every row did the same at twice the cost per cell.
    """
    found: dict[_Node, list[_Node]] = {row: [] for row in rows}  # the proxies: getparent() gives these objects
    take = found.get
    for cell in table.iter("td", "th"):
        row = take(cell.getparent())
        if row is not None:
            row.append(cell)
    return list(found.values())


_ROW_GROUPS = {"thead", "tbody", "tfoot"}


def _holder_anchors(table: _Node) -> list[str]:
    """The anchors of what holds ``table`` and names it, which rows link to instead of the table's own.

    Pages say "see Parameters in the resource_tag field" and link to the list item holding that label and
    the table (the docs export: ``<li id="x"><a name="x"></a>Parameters in ...<div class="tablenoborder">
    <table>``), or to the label paragraph right before the table (Sphinx: ``<p id="x">Parameters in ...</p>
    <table>``). Only the list item whose first table this is, and only a paragraph with nothing but
    whitespace between it and the table.
    """
    found: list[str] = []
    base = table
    parent = table.getparent()
    if parent is not None and parent.tag == "div" and "tablenoborder" in parent.get("class", ""):
        base = parent  # the export's wrapper: the label is before it, not before the table
    before = base.getprevious()
    if before is not None and before.tag == "p" and not (before.tail or "").strip():
        found += [e.get("id") or e.get("name") or "" for e in before.iter() if e.tag.__class__ is str]
    holder = base.getparent()
    if holder is not None and holder.tag == "li" and next(holder.iter("table"), None) is table:
        found.append(holder.get("id", ""))
        found += [a.get("name", "") for a in holder.iterchildren("a")]
    return found


class _Walker:
    """Walks an HTML tree in document order and appends the blocks the cloud rules read."""

    def __init__(self, outline: Outline, lines: list[str], spans: bool = True) -> None:
        """:param spans: the page may have a ``colspan`` / ``rowspan`` (``False``: its text names neither)."""
        self.outline, self.lines = outline, lines
        self.blocks = outline.blocks
        self.spans = spans

    def span(self, node: _Node, end: int = 0) -> Span:
        return Span(self.outline.path, max(node.sourceline or 1, 1), 1, end)

    def walk(self, node: _Node) -> None:
        if len(node) == 0:  # a leaf (most paragraphs): its text is its one run, not bold
            text = node.text
            if text and not text.isspace():
                self.blocks.append(self.label_or_text(node, text.strip(), node.sourceline or 1, False, True))
            return
        mark = len(self.blocks)
        runs = self.children(node)
        if runs:  # the runs of loose text come before the blocks of the children they sit between
            self.blocks[mark:mark] = [self.label_or_text(node, text, line, strong, index == 0)
                                      for index, (text, line, strong) in enumerate(runs)]

    def label_or_text(self, node: _Node, text: str, line: int, strong: bool, first: bool) -> Heading | Text:
        """A run of loose text: a ``Text`` block, or the label heading a list item starts with."""
        where = Span(self.outline.path, line)
        if first and node.tag == "li" and len(text) <= 60 and section_kind(text) is not Kind.OTHER:
            # "<li>URI format<p>...", "<li>Example request<pre>...": a list label used as a heading
            return Heading(_plain(text), _LABEL_LEVEL, where)
        return Text(text, where, strong)

    def children(self, node: _Node) -> list[tuple[str, int, bool]]:
        """Append the blocks of ``node``'s children that are not inline; return the runs of inline content
        directly inside ``node`` (``<li>URI format<p>...``, ``<p>`` text): one pass over the children."""
        runs: list[tuple[str, int, bool]] = []
        first = node.text or ""
        parts: list[str] = [first]
        line, strong_only = node.sourceline or 1, not first.strip()
        filled = not strong_only  # some text that is not whitespace (joined and stripped only then)
        for child in node:
            tag, tail = child.tag, child.tail or ""
            if tag.__class__ is str and tag in _INLINE:
                inner = _text(child)
                parts += [inner, tail]
                filled = filled or _solid(inner) or _solid(tail)
                strong_only = strong_only and tag in _STRONG and not tail.strip()
                continue
            if filled:  # a child that is not inline ends a run
                runs.append(("".join(parts).strip(), line, strong_only))
            parts, line, strong_only = [tail], child.sourceline or line, not tail.strip()
            filled = not strong_only
            if tag is _COMMENT:
                self.comment(child)
            elif tag.__class__ is not str or tag in _SKIP:
                continue
            elif level := self.heading_level(child, tag):
                self.blocks.append(Heading(_plain(_text(child)), level, self.span(child)))
            elif tag == "table":
                self.blocks.append(self.table(child))
            elif tag in ("pre", "xmp", "listing"):
                self.blocks.append(self.code(child))
            else:
                self.walk(child)
        if filled:
            runs.append(("".join(parts).strip(), line, strong_only))
        return runs

    @staticmethod
    def heading_level(node: _Node, tag: str) -> int:
        level = _HEADINGS.get(tag)
        if level is not None:
            return level
        classes = node.get("class")
        if classes is None or "title" not in classes:  # sectiontitle, topictitle1
            return 0
        found = _TITLE_CLASS.search(classes)
        if found is None:
            return 0
        return int(found[1]) if found[1] else 4

    def comment(self, node: _Node) -> None:
        line = node.sourceline or 1
        source = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        text = node.text or ""
        start = source.find("<!--")
        column = start + 5 + (len(text) - len(text.lstrip())) if start >= 0 else 1
        self.blocks.append(Comment(text.strip(), Span(self.outline.path, line, column, line + text.count("\n"))))

    def code(self, node: _Node) -> Code:
        text = _text(node)
        line = node.sourceline or 1
        content_line = line
        if text.startswith("\n"):  # the newline right after <pre> is not content
            text, content_line = text[1:], line + 1
        text = text.rstrip()
        classes = " ".join([node.get("class", "")] + [c.get("class", "") for c in node.iter("code")])
        found = _LANGUAGE.search(classes)
        return Code(text, found[1] if found else "", self.span(node, content_line + text.count("\n")), content_line)

    def table(self, node: _Node) -> Table:
        caption = next((_plain(_text(c)) for c in node if c.tag == "caption"), "")
        rows = self.rows(node)
        cells = _cells(node, rows)
        header: tuple[Cell, ...] = ()
        links = _links(node)
        spanned = self.spans  # each cell's spans are read (fill_spans lays out rows without one as they stand)
        if rows and (rows[0].getparent().tag == "thead" or all(c.tag == "th" for c in cells[0])):
            header, cells, rows = self.grid(cells[:1], links, spanned)[0], cells[1:], rows[1:]
        anchors = [node.get("id", "")]
        for before in node.itersiblings(preceding=True):  # the <a name> run right before the table
            if before.tag != "a" or (before.tail or "").strip():
                break
            anchors.append(before.get("name", "") or before.get("id", ""))
        anchors += _holder_anchors(node)
        return Table(caption, header, self.grid(cells, links, spanned),
                     tuple(a.lower() for a in anchors if a), self.span(node), tuple(r.sourceline or 0 for r in rows))

    def rows(self, node: _Node) -> list[_Node]:
        """The table's own rows in document order (not those of a table nested in a cell)."""
        if next(islice(node.iter("table"), 1, None), None) is None:  # no nested table (iter yields node first)
            return list(node.iter("tr"))  # every row is the table's own
        rows = []
        for row in node.iter("tr"):
            parent = row.getparent()
            if parent is node or (parent.tag in _ROW_GROUPS and parent.getparent() is node) or \
                    self.owner(row) is node:
                rows.append(row)
        return rows

    @staticmethod
    def owner(row: _Node) -> _Node:
        parent = row.getparent()
        while parent is not None and parent.tag != "table":
            parent = parent.getparent()
        return parent

    @staticmethod
    def grid(rows: list[list[_Node]], links: dict[_Node, tuple[str, ...]], spanned: bool) -> tuple[tuple[Cell, ...], ...]:
        """The rows' cells (each row's ``td`` / ``th`` children) laid out on a grid (``fill_spans``).

        :param links: the anchors the table's cells link to (``_links``).
        :param spanned: some cell of the table has a ``colspan`` or ``rowspan``; without one, row N's
            cells are grid row N as they stand (``fill_spans`` would give the same: the usual case).
        """
        if spanned:
            return fill_spans([[(Cell(_plain(_text(cell)), links.get(cell, ())), _span_count(cell.get("colspan")),
                                 _span_count(cell.get("rowspan"))) for cell in row] for row in rows])
        # the usual case: row N's cells are grid row N; _text inlined, each Cell made by
        # tuple.__new__ (a NamedTuple's own __new__ is a Python function): the cost of a table is its cells
        # and _plain inlined too (a call per cell): stripped printable ASCII text with no two spaces in a
        # row is its own " ".join(text.split())
        text, new, anchors, none = _TEXT, tuple.__new__, links.get, ()
        return tuple([tuple([new(Cell, (
            plain if (plain := (cell.text or "" if len(cell) == 0 else text(
                cell, method="text", encoding=str, with_tail=False)).strip()).isascii() and plain.isprintable()
            and "  " not in plain else " ".join(plain.split()), anchors(cell, none)))
            for cell in row[:MAX_COLUMNS]]) for row in rows])


def parse_html(text: str, path: str) -> Document:
    """Parse one cloud-style HTML page into a Document (pure: text in, model out)."""
    if "\r" in text and _LONE_CR.search(text):  # a line break to HTML (and to the reports), none to libxml2's
        text = _LONE_CR.sub("\n", text)  # line count: made LF, as HTML's input stream makes it
    outline = Outline(path, lines=source_lines(text))
    if text.strip():
        data = text.encode("utf-8")
        try:
            root = lxml.etree.fromstring(data, _PARSER)
            if root is None:  # what lxml.html.document_fromstring says of it
                raise lxml.etree.ParserError("Document is empty")
        except (lxml.etree.ParserError, ValueError) as exc:
            outline.diagnostics.append(Diagnostic(
                Level.ERROR, "html-unparsable", f"the page could not be parsed as HTML: {exc}", Span(path, 1),
                hint="check that the file is an HTML page"))
        else:
            read_outline(root, data, outline)
    return build_document(outline, Format.HTML)


def read_outline(root: _Node, data: bytes, outline: Outline) -> None:
    """Append the blocks of the page parsed from ``data`` (its tree ``root``) to ``outline``."""
    lowered = data.lower()  # ASCII letters only, as libxml2 lower-cases attribute names
    # a published site's permalinks (below) are looked for only on a page that has one: one pass either way
    for node in root.iter("br", "a") if b"headerlink" in lowered else root.iter("br"):
        if node.tag == "a":
            # a published site's permalink after each heading and caption ("Example Request¶"): navigation,
            # not the heading's or the caption's words (a caption "os-change field description¶" named no
            # object, so the nested table's mandatory fields went unchecked)
            if node.text and "headerlink" in node.get("class", "") and len(node) == 0:
                node.text = None
            continue
        try:  # a line break is a newline in text_content() too
            node.tail = "\n" + (node.tail or "")
        except ValueError:  # a control character lxml read but will not write back: dropped
            node.tail = "\n" + _NOT_XML.sub("", node.tail or "")
    outline.diagnostics += html_references(root, lowered, outline.path)  # iframe, file: images: said, not read
    _Walker(outline, outline.lines, b"colspan" in lowered or b"rowspan" in lowered).walk(root)
