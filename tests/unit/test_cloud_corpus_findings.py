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
