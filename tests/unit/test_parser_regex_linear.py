"""Page-text regexes stay linear on long adversarial lines (issue 12, item 5).

Each page below took minutes (or hours) with the old patterns: a heading with a long
run of spaces (cubic), a paragraph of ``<`` (cross-reference stripping, quadratic), a
request body of ``\\"`` (string/comment blanking), an expected response of ``$``
(the build's key quoting), unterminated ``startyaml`` blocks. Each parse runs in a
daemon thread with a generous bound; no timing is asserted beyond "it finished".
"""

from __future__ import annotations

import re

import pytest

from bounded import bounded

from harness.model import Document
from harness.parsers import parse
from harness.parsers.asciidoc_meta import _heading_title
from harness.parsers.console import json_stream_error
from harness.parsers.rst_setup import _xref_parts

BOUND = 60.0


PAGES = {
    "heading-spaces": "= a" + " " * 6000 + "x\n\ntext\n",
    "paragraph-of-lt": "= T\n\n" + "<" * 200_000 + "\n",
    "xref-comma-spaces": "= T\n\n" + "<<a," + " " * 100_000 + "x\n",
    "item-of-lt": "= T\n\n" + "<<" * 100_000 + "::\n  text\n",
    "body-of-escaped-quotes": "[source,js]\n----\nPOST /x\n{\"a\": " + "\\\"" * 100_000 + "\n----\n// CONSOLE\n",
    "body-of-comment-starts": "[source,js]\n----\nPOST /x\n{" + "/*a" * 100_000 + "\n----\n// CONSOLE\n",
    "response-of-dollars": ("[source,js]\n----\nGET /x\n----\n// CONSOLE\n\n[source,js]\n----\n{" + "$" * 100_000
                            + "\n----\n// TESTRESPONSE\n"),
    "response-of-quotes": ("[source,js]\n----\nGET /x\n----\n// CONSOLE\n\n[source,js]\n----\n[" + "\\\"" * 100_000
                           + "\n----\n// TESTRESPONSE\n"),
    "unterminated-yaml": "[source,js]\n----\n" + "startyaml" * 30_000 + "\n----\n// CONSOLE\n",
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_adversarial_asciidoc_lines_parse_in_linear_time(name: str) -> None:
    document: Document = bounded(lambda: parse(PAGES[name], f"{name}.asciidoc"), BOUND)
    assert document.path == f"{name}.asciidoc"


def test_the_linear_heading_reader_keeps_the_old_pattern_s_meaning() -> None:
    old = re.compile(r"(={1,6})\s+(\S.*?)\s*=*\s*")
    for line in ("= Title", "== Title ==", "=== a = b ===  ", "= ===", "= =", "======= x", "=x", "= a\t=\t",
                 "====== y", "= ", "=\u00a0t\u2003==", "== a==b", "= a ==x"):
        found = old.fullmatch(line)
        assert _heading_title(line) == (found.group(2) if found else ""), line


def test_the_linear_rst_xref_reader_keeps_the_old_pattern_s_meaning() -> None:
    old = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
    for text in ("Title <label>", "Title<label>", "<label>", "a <b> <c>", "a < b>", "x <>", "plain", "a <b<c>",
                 "a <b>c>", "  spaced   <t> ", "t <x y>"):
        found = old.match(text)
        assert _xref_parts(text) == ((found["title"], found["target"]) if found else (text, text)), text


def test_unterminated_strings_and_comments_still_give_the_same_json_errors() -> None:
    assert json_stream_error('{"a": "x}') is not None
    assert json_stream_error('{"a": 1 /* open') is not None
    assert json_stream_error('{"a": 1 /* shut */}') is None
    assert json_stream_error('{"a": "b" // note\n}') is None
    assert json_stream_error('{"a": """x"""}', block_quotes=True) is None
    assert bounded(lambda: json_stream_error("[" * 100_000), BOUND) is not None  # nested too deep: an error, no crash


TIGHT = 20.0  # these inputs took 50-180 s with the quadratic code and take about a second now
HTML_NOTES = ('<html><body><h1>T</h1><div class="section"><h4 class="sectiontitle">Example Request</h4>'
              '<pre class="screen">GET /v1/x</pre></div>\n')


@pytest.mark.parametrize("notes", [
    '<div class="note"><div>x</div></div>\n' * 40_000,  # closed notice boxes: each one's line found by bisection
    '<div class="note">x\n' * 40_000,  # never closed: each one's end looked for nearby only
], ids=["closed", "unclosed"])
def test_many_html_notice_boxes_read_in_linear_time(notes: str) -> None:
    page = HTML_NOTES.replace("</body>", "") + notes + "</body></html>\n"
    document: Document = bounded(lambda: parse(page, "notes.html"), TIGHT)
    assert document.path == "notes.html"


def test_a_long_paragraph_above_a_listing_is_read_in_linear_time() -> None:
    page = "= T\n\n" + "word\n" * 600_000 + "\n[source,js]\n----\nGET /x\n----\n// CONSOLE\n"
    document: Document = bounded(lambda: parse(page, "cap.asciidoc"), TIGHT)
    assert len(document.examples) == 1 and len(document.examples[0].caption) > 0


def test_leading_zero_numbers_in_a_lenient_response_read_in_linear_time() -> None:
    from harness.parsers.lenient_json import lenient_json_text

    text = "[" + ",".join(["00"] * 1_000_000) + "]"
    bounded(lambda: lenient_json_text(text), TIGHT)


def test_a_caption_paragraph_of_unclosed_xrefs_is_read_in_linear_time() -> None:
    page = "= T\n\n" + "<<a " * 60_000 + "\n[source,js]\n----\nGET /x\n----\n// CONSOLE\n"
    document: Document = bounded(lambda: parse(page, "xrefs.asciidoc"), TIGHT)
    assert len(document.examples) == 1


def test_many_asciidoc_notice_blocks_read_in_linear_time() -> None:
    """Each ``[NOTE]`` + ``====`` block's body is read up to its closing ``====`` only (a copy of the rest
    of the page per block made 100,000 blocks take 45 s)."""
    page = "= T\n\n" + "[NOTE]\n====\n" * 100_000
    document: Document = bounded(lambda: parse(page, "notes.asciidoc"), TIGHT)
    assert len(document.notices) == 100_000


def test_long_runs_of_dashes_in_an_rst_paragraph_are_read_in_linear_time() -> None:
    """docutils looked for a standalone URI or e-mail address from every position of each run (the long fuzz
    profile timed out on one): runs of 1,000+ non-blank characters stay text, links elsewhere are still links."""
    from docutils import nodes, utils

    from harness.parsers.rst_setup import parser, settings

    runs = "\n".join(["and " + "-" * 9000 + " so"] * 12)
    page = f"Title\n=====\n\nSee https://example.com/a or mail a@example.com, then\n{runs}\nthe end.\n"
    document: Document = bounded(lambda: parse(page, "dashes.rst"), TIGHT)
    assert document.path == "dashes.rst"
    tree = utils.new_document("p.rst", settings())
    parser().parse(page.replace(runs, "and " + "-" * 1200 + " so"), tree)
    links = [n["refuri"] for n in tree.findall(nodes.reference)]
    assert links == ["https://example.com/a", "mailto:a@example.com"]
    assert any(n.astext() == "-" * 1200 for n in tree.findall(nodes.Text))
