"""What reading every warning of ``extract`` on the real corpus pages found untrue or unhelpful, as patterns.

- A body key's line in an example joined from two blocks (an "Example URL request" block, then the body in
  its own block: the joined source has a line the page has not) was one line off, on the next key.
- A missing comma was hinted as "remove trailing commas".
"""

from __future__ import annotations

from harness.parsers.html import parse_html
from harness.parsers.rst import parse_rst

TABLE = ('<table><caption>Table 2 os-reinstall field description</caption><thead><tr><th>Parameter</th>'
         '<th>Mandatory</th><th>Type</th><th>Description</th></tr></thead><tbody>\n'
         '<tr><td>userid</td><td>Yes</td><td>String</td><td>The user.</td></tr></tbody></table>\n')


def test_a_key_of_a_body_in_its_own_block_is_located_on_its_own_line() -> None:
    page = ('<html><body><h1>Reinstalling</h1>\n<div class="section"><h4 class="sectiontitle">URI</h4>\n'
            '<p>POST /v2/{project_id}/servers/{server_id}/reinstallos</p></div>\n'
            '<div class="section"><h4 class="sectiontitle">Request</h4>\n'
            '<table><caption>Table 1 Request parameters</caption><thead><tr><th>Parameter</th><th>Mandatory</th>'
            '<th>Type</th><th>Description</th></tr></thead><tbody>\n<tr><td>os-reinstall</td><td>Yes</td>'
            '<td>Object</td><td>See Table 2.</td></tr></tbody></table>\n' + TABLE + '</div>\n'
            '<div class="section"><h4 class="sectiontitle">Example Request</h4><ul><li>Example URL request'
            '<pre class="screen">POST https://{endpoint}/v2/{project_id}/servers/{server_id}/reinstallos</pre>\n'
            '</li><li>Example request 1<pre class="screen">{\n'             # line 11
            '    "os-reinstall": {\n'
            '        "adminpass": "x", \n'                                      # line 13
            '        "userid": "u",\n'
            '        "mode": "withStopServer"\n'                                # line 15
            '    }\n}</pre>\n</li></ul></div>\n</body></html>\n')
    document = parse_html(page, "p.html")
    located = {d.message.split("key '")[1].split("'")[0]: (d.span.line, d.span.column)
               for d in document.diagnostics if d.code == "undocumented-key"}
    assert located == {"os-reinstall.adminpass": (13, 9), "os-reinstall.mode": (15, 9)}


def test_a_missing_comma_is_hinted_as_missing() -> None:
    text = ("Creating\n========\n\nExample Request\n---------------\n\n.. code-block:: text\n\n"
            "   POST /v1/p/jobs\n   {\n       \"dry_run\": true\n       \"name\": \"a\"\n   }\n")
    (diagnostic,) = [d for d in parse_rst(text, "p.rst").diagnostics if d.code == "invalid-json"]
    assert diagnostic.span.line == 12 and "comma is missing before this point" in diagnostic.hint
    trailing = text.replace('"dry_run": true', '"dry_run": true,').replace('"name": "a"', '"name": "a",')
    (diagnostic,) = [d for d in parse_rst(trailing, "p.rst").diagnostics if d.code == "invalid-json"]
    assert "trailing comma" in diagnostic.hint


def _request_page(block: str) -> str:
    body = "\n".join(f"   {line}" for line in block.split("\n"))
    return ("Creating\n========\n\nURI\n---\n\nPOST /v1/{project_id}/jobs\n\nExample Request\n---------------\n\n"
            f".. code-block:: text\n\n{body}\n\nExample Response\n----------------\n\n.. code-block::\n\n   {{\"id\": 1}}\n")


def test_a_request_line_in_double_quotes_is_said_and_never_sent_as_a_body() -> None:
    """``"POST /v1/p/jobs"`` is valid JSON: it became an NDJSON body of the URI's POST, unsaid."""
    document = parse_rst(_request_page('"POST /v1/p/jobs"\n{"name": "a"}'), "p.rst")
    assert document.examples == ()
    assert [(d.code, d.span.line) for d in document.diagnostics if d.level.value == "warning"] == [
        ("unrecognised-request-line", 14)]


def test_a_section_whose_request_line_is_not_read_is_not_said_to_have_no_code_block() -> None:
    for block in ('HTTP POST /v1/p/jobs\n{"name": "a"}', 'POST: /v1/p/jobs\n{"name": "a"}'):
        codes = [d.code for d in parse_rst(_request_page(block), "p.rst").diagnostics]
        assert "unrecognised-request-line" in codes and "example-without-code" not in codes, block
    bare = _request_page("x").replace(".. code-block:: text\n\n   x\n\n", "Create a job.\n\n")
    assert "example-without-code" in [d.code for d in parse_rst(bare, "p.rst").diagnostics]


def test_a_key_written_with_html_entities_gets_its_line_and_column() -> None:
    page = ('<html><body><h1>Creating</h1>\n<div class="section"><h4 class="sectiontitle">URI</h4><p>POST /v1/{p}/jobs</p>'
            '</div>\n<div class="section"><h4 class="sectiontitle">Request</h4><table><caption>Table 1 Request body'
            '</caption><thead><tr><th>Parameter</th><th>Mandatory</th><th>Type</th><th>Description</th></tr></thead>'
            '<tbody><tr><td>name</td><td>Yes</td><td>String</td><td>Name.</td></tr></tbody></table></div>\n'
            '<div class="section"><h4 class="sectiontitle">Example Request</h4><pre class="screen">{\n'
            '  &quot;name&quot;: &quot;a&quot;,\n  &quot;colour&quot;: 1\n}</pre></div>\n</body></html>\n')
    (found,) = [d for d in parse_html(page, "p.html").diagnostics if d.code == "undocumented-key"]
    assert (found.span.line, found.span.column) == (6, 3)  # the line and column of &quot;colour&quot;
