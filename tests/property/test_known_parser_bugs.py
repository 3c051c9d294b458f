"""Regression tests: minimal reproductions of parser bugs the properties found (all fixed)."""

from __future__ import annotations

import pytest
from page_checks import check_parse

from harness.model import Level
from harness.parsers.html import parse_html
from harness.parsers.rst import parse_rst


def test_rst_literal_marker_on_the_last_line_stays_inside_the_page() -> None:
    check_parse(parse_rst, "a::", "fuzz/literal.rst")  # the diagnostic lands on line 2 of a 1-line page


def test_rst_empty_code_block_on_the_last_line_stays_inside_the_page() -> None:
    text = "Example Requests\n----------------\n\n.. code-block::"  # spans end on line 5 of 4
    check_parse(parse_rst, text, "fuzz/empty-block.rst")


RST_RESPONSE = "Example Responses\n-----------------\n\n.. code-block::\n\n   {}\n\n.. TESTRESPONSE\n"
RST_REQUEST = "Example Requests\n----------------\n\n.. code-block::\n\n   GET /v1.0\n\n.. TEST\n"
HTML_RESPONSE = '<h4 class="sectiontitle">Example Response</h4><pre>{}</pre>\n<!-- TESTRESPONSE -->\n'
HTML_REQUEST = '<h4 class="sectiontitle">Example Request</h4><pre>GET /v1.0</pre>\n<!-- TEST -->\n'
BARE_DIRECTIVES = {
    "fuzz/bare-response.rst": (parse_rst, RST_RESPONSE),
    "fuzz/bare-response.html": (parse_html, HTML_RESPONSE),
    "fuzz/bare-test.rst": (parse_rst, RST_REQUEST),
    "fuzz/bare-test.html": (parse_html, HTML_REQUEST),
}


@pytest.mark.parametrize("path", sorted(BARE_DIRECTIVES))
def test_bare_directive_is_not_an_error_in_cloud_pages(path: str) -> None:
    parse, text = BARE_DIRECTIVES[path]
    document = check_parse(parse, text, path)
    assert [d.code for d in document.diagnostics if d.level is Level.ERROR] == []
