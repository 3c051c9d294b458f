"""HTML pages the long fuzz campaign broke: each parses to a Document, never an exception."""

from __future__ import annotations

from harness.model import Document
from harness.parsers import parse

PAGE = ('<html><body><h1>Stopping a Job</h1><div class="section"><h4 class="sectiontitle">URI</h4>'
        '<p>POST /v1/jobs/stop</p></div><div class="section"><h4 class="sectiontitle">Example Request</h4>'
        '<pre class="screen">{{"job_ids": [1]}}</pre></div><div class="section">'
        '<h4 class="sectiontitle">Example Response</h4><pre class="screen">{response}</pre></div></body></html>\n')


def test_a_control_character_after_a_line_break() -> None:
    page = PAGE.format(response='{"is_success": true}').replace("[1]}", "[1]}<br>\x01\x02 more")
    document = parse(page, "br.html")
    assert isinstance(document, Document) and document.examples


def test_an_error_shaped_response_nested_deeper_than_json_can_read() -> None:
    page = PAGE.format(response="[" * 100_000 + "]" * 100_000)
    document = parse(page, "deep.html")
    assert isinstance(document, Document) and document.examples
