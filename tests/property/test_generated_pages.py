"""Pages written from a grammar, in each format: the parse checks, and what a correct parse finds.

Wild pages (malformed directives, random body lines) only have to parse cleanly
(``page_checks``). Well-formed pages must also give back what was written: for
AsciiDoc one test Example per generated test snippet, with the generated
requests in order and no error; for RST and HTML the documented operation and
one example.
"""

from __future__ import annotations

from hypothesis import given
from page_checks import (
    PARSERS,
    check_parse,
)
from page_grammar import Page, asciidoc_pages
from page_grammar_cloud import html_pages, rst_pages

from harness.model import Document, Format, Level

PATHS = {Format.ASCIIDOC: "gen/page.asciidoc", Format.RST: "gen/page.rst", Format.HTML: "gen/page.html"}


def parsed(page: Page) -> Document:
    """The page through its format's parser, after every ``check_parse`` assertion."""
    return check_parse(PARSERS[page.fmt][1], page.text, PATHS[page.fmt])


@given(asciidoc_pages(wild=True))
def test_wild_asciidoc_pages(page: Page) -> None:
    parsed(page)


@given(rst_pages(wild=True))
def test_wild_rst_pages(page: Page) -> None:
    parsed(page)


@given(html_pages(wild=True))
def test_wild_html_pages(page: Page) -> None:
    parsed(page)


def errors(document: Document) -> list[str]:
    return [f"{d.span.line}: {d.code}: {d.message}" for d in document.diagnostics if d.level is Level.ERROR]


@given(asciidoc_pages())
def test_asciidoc_round_trip(page: Page) -> None:
    document = parsed(page)
    assert errors(document) == []
    assert len(document.tests) == len(page.tests)
    assert [[(r.method, r.path) for r in test.requests] for test in document.tests] == page.tests
    (operation,) = document.operations
    assert (operation.method, operation.path) == page.request_line


@given(rst_pages())
def test_rst_round_trip(page: Page) -> None:
    document = parsed(page)
    assert errors(document) == []
    (operation,) = document.operations
    assert (operation.method, operation.path) == page.request_line
    assert len(document.tests) == 1


@given(html_pages())
def test_html_round_trip(page: Page) -> None:
    document = parsed(page)
    assert errors(document) == []
    (operation,) = document.operations
    assert (operation.method, operation.path) == page.request_line
    assert len(document.tests) == 1
