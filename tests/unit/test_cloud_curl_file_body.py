"""A curl body read from a file (``-d @${filename}.json``) whose content the same block shows.

Real pages (every IAM create/modify page) write the example request as steps in one block: "1. Create the
temporary file ${filename}.json based on the following template", the JSON, "2. Run the following
command", ``curl ... -d @${filename}.json URL``, "3. ... rm ${filename}.json". The request is fully shown:
the body is that JSON. Before, the example was dropped with a warning that the page does not show it.
"""

from __future__ import annotations

from harness.parsers.html import parse_html

STEPS = """1. Create the temporary file ${filename}.json from this template.
{
    "item": {
        "name": "n1"
    }
}
2. Run the following command where ${filename}.json is.
curl -i -k -H 'Content-Type:application/json' -H "X-Auth-Token:$token" -X PATCH -d @${filename}.json https://h.example.com/v3/items/i1
3. Delete the file.
rm ${filename}.json"""
PAGE = """<h1>Modifying an Item</h1>
<h2>URI</h2><p>PATCH /v3/items/{item_id}</p>
<h2>Request</h2><ul><li><p>Example request</p><pre>%s</pre></li></ul>
<h2>Status Codes</h2><table><thead><tr><th>Status Code</th><th>Description</th></tr></thead>
<tbody><tr><td>200</td><td>OK</td></tr></tbody></table>
"""


def test_the_json_the_block_writes_to_the_file_is_the_body() -> None:
    document = parse_html(PAGE % STEPS, "p.html")
    assert [d.code for d in document.diagnostics if d.code != "page-credentials"] == []
    (example,) = document.examples
    (request,) = example.requests
    assert (request.method, request.path) == ("PATCH", "/v3/items/i1")
    assert request.body is not None and request.body.split() == ['{', '"item":', '{', '"name":', '"n1"', '}', '}']
    assert dict(request.headers)["Content-Type"] == "application/json"
    assert example.expected[0].status == 200


def test_a_file_the_block_does_not_show_is_still_said() -> None:
    other = STEPS.replace("-d @${filename}.json", "-d @other.json")
    document = parse_html(PAGE % other, "p.html")
    assert document.examples == ()
    assert [d.code for d in document.diagnostics] == ["unrecognised-request-line"]
    assert "other.json" in document.diagnostics[0].message
    # nor is text that is not JSON taken for the file's content
    broken = STEPS.replace('"n1"', "n1")
    assert parse_html(PAGE % broken, "p.html").examples == ()
