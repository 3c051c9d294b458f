"""What reading cloud RST pages outside corpus-sample (40 pages of 15 services) found wrong, as patterns.

Each test writes its own minimal page with the pattern; none copies a page.
"""

from __future__ import annotations

from harness.model import Document, Level
from harness.parsers.rst import parse_rst


def _page(uri: str, request_block: str, after: str = "") -> str:
    block = "\n".join(f"   {line}" if line else "" for line in request_block.split("\n"))
    return (f"Removing\n========\n\nURI\n---\n\n{uri}\n\nExample Request\n---------------\n\n"
            f".. code-block:: text\n\n{block}\n\n{after}")


def _warnings(document: Document) -> list[tuple[str, int]]:
    return [(d.code, d.span.line) for d in document.diagnostics if d.level is Level.WARNING]


def test_a_path_alone_under_the_request_line_is_never_sent_as_the_body() -> None:
    """``DELETE https://{endpoint}/v2/{p}/groups/{g}`` then a blank line and ``/v2/{p}/groups/{g}``: the path
    again (a page tool's leftover) became the DELETE's text body, and the example was reported as read."""
    text = _page("DELETE /v2/{project_id}/groups/{group_id}",
                 "DELETE https://{endpoint}/v2/{project_id}/groups/{group_id}\n\n/v2/{project_id}/groups/{group_id}")
    (example,) = parse_rst(text, "p.rst").examples
    (request,) = example.requests
    assert (request.method, request.path, request.body) == ("DELETE", "/v2/{project_id}/groups/{group_id}", None)
    assert _warnings(parse_rst(text, "p.rst")) == []


def test_a_different_path_alone_under_the_request_line_is_said_and_not_sent() -> None:
    text = _page("POST /v2/{project_id}/collection/enable",
                 "POST https://{endpoint}/v2/{project_id}/collection/enable\n\n/v2/{project_id}/collection/disable")
    document = parse_rst(text, "p.rst")
    (example,) = document.examples
    assert example.requests[0].body is None
    assert _warnings(document) == [("path-after-request-line", 16)]


def _response_page(response_block: str) -> str:
    block = "\n".join(f"   {line}" for line in response_block.split("\n"))
    return _page("DELETE /v1/{project_id}/searches", "DELETE /v1/p1/searches",
                 "Example Responses\n-----------------\n\n**Status code: 204**\n\nDeleted.\n\n"
                 f".. code-block::\n\n{block}\n\nStatus Codes\n------------\n\n=========== ========\n"
                 "Status Code Description\n=========== ========\n204         Deleted.\n=========== ========\n")


def test_a_response_block_saying_none_expects_no_body() -> None:
    """``none`` in the 204 response's code block was the body to expect: a right server failed (it sends none)."""
    (example,) = parse_rst(_response_page("none"), "p.rst").examples
    (expected,) = example.expected
    assert (expected.status, expected.body) == (204, None)


def test_a_response_block_holding_only_its_status_expects_that_status_and_no_body() -> None:
    """``STATUS CODE 204`` as the example response: the text was the body to expect."""
    (example,) = parse_rst(_response_page("STATUS CODE 204"), "p.rst").examples
    (expected,) = example.expected
    assert (expected.status, expected.body) == (204, None)


def test_a_response_block_of_json_null_is_still_a_body() -> None:
    (example,) = parse_rst(_response_page("null").replace("204", "200"), "p.rst").examples
    assert example.expected[0].body == "null"


def test_a_host_placeholder_written_with_spaces_is_a_request_line() -> None:
    """``DELETE https://{Cloud Eye endpoint}/V1.0/{project_id}/alarms/al1`` (every Cloud Eye page writes its host
    so): it was 'not a request line', and under a URI section's "Example" not even said."""
    text = _page("DELETE /V1.0/{project_id}/alarms/{alarm_id}",
                 "DELETE https://{Cloud Eye endpoint}/V1.0/{project_id}/alarms/al1")
    document = parse_rst(text, "p.rst")
    (example,) = document.examples
    assert (example.requests[0].method, example.requests[0].path) == ("DELETE", "/V1.0/{project_id}/alarms/al1")
    assert _warnings(document) == []
    prose = _page("DELETE /V1.0/{project_id}/alarms/{alarm_id}", "DELETE https://{x} and more words/here")
    assert parse_rst(prose, "p.rst").examples == ()


def test_an_example_label_with_a_description_after_its_colon_labels_the_request() -> None:
    """``Example: Query the quota.`` over the request block in the URI section: the block was not read as an
    example (no warning either), while a bare ``Example`` label was."""
    text = ("Querying\n========\n\nURI\n---\n\nGET /V1.0/{project_id}/quotas\n\n-  Example: Query the quota.\n\n"
            "   .. code-block:: text\n\n      GET https://{endpoint}/V1.0/{project_id}/quotas\n\n"
            "Response\n--------\n\n-  Example response\n\n   .. code-block::\n\n      {\"quotas\": []}\n")
    (example,) = parse_rst(text, "p.rst").examples
    assert (example.requests[0].method, example.requests[0].path) == ("GET", "/V1.0/{project_id}/quotas")
    assert example.expected[0].body == '{"quotas": []}'


def test_a_path_alone_as_the_example_request_takes_the_uri_sections_method() -> None:
    """``/v1.0/p1/kms/k1/tags/testKey`` alone in the request block (a Key Management Service form): 'not a
    request line', the example untested, though the page says all a reader needs."""
    document = parse_rst(_page("DELETE /v1.0/{project_id}/kms/{key_id}/tags/{key}", "/v1.0/p1/kms/k1/tags/testKey"),
                         "p.rst")
    (example,) = document.examples
    (request,) = example.requests
    assert (request.method, request.path, request.body, request.span.line if request.span else 0) == (
        "DELETE", "/v1.0/p1/kms/k1/tags/testKey", None, 14)
    assert _warnings(document) == []


def test_a_body_shown_for_a_204_is_said_and_only_the_status_checked() -> None:
    """``{ }`` under a 204 (a Key Management Service page): it was the body to expect, and a right server, which
    sends no body with a 204, failed the example."""
    document = parse_rst(_response_page("{\n}"), "p.rst")
    (example,) = document.examples
    (expected,) = example.expected
    assert (expected.status, expected.body) == (204, None)
    assert _warnings(document) == [("body-for-no-content", 23)]
    fine = parse_rst(_response_page("{\n}").replace("204", "200"), "p.rst")
    assert fine.examples[0].expected[0].body == "{\n}" and _warnings(fine) == []


def test_a_bad_status_code_is_warned_at_its_row_in_rst() -> None:
    """The warning pointed at the table's first line, not at the row that holds the bad code."""
    text = ("Creating\n========\n\nURI\n---\n\nPOST /v1/{project_id}/jobs\n\nStatus Codes\n------------\n\n"
            ".. table:: **Table 1** Status codes\n\n   =========== ===========\n   Status Code Description\n"
            "   =========== ===========\n   200         OK\n   2xx         Any success\n   =========== ===========\n")
    lines = text.split("\n")
    (bad,) = [d for d in parse_rst(text, "p.rst").diagnostics if d.code == "bad-status-code"]
    assert lines[bad.span.line - 1].strip().startswith("2xx")


def test_a_bad_status_code_is_warned_at_its_row_in_html() -> None:
    from harness.parsers.html import parse_html
    text = ('<html><body><h1>Creating</h1>\n<h2>URI</h2>\n<p>POST /v1/{project_id}/jobs</p>\n'
            '<h2>Status Codes</h2>\n<table>\n<thead><tr><th>Status Code</th><th>Description</th></tr></thead>\n'
            '<tbody>\n<tr><td>200</td><td>OK</td></tr>\n<tr><td>2xx</td><td>Any success</td></tr>\n</tbody>\n'
            '</table>\n</body></html>\n')
    (bad,) = [d for d in parse_html(text, "p.html").diagnostics if d.code == "bad-status-code"]
    assert text.split("\n")[bad.span.line - 1].startswith("<tr><td>2xx")


def test_a_get_page_showing_only_its_response_is_tested_with_the_documented_request() -> None:
    """'Request: None' (no parameters) and an example response, no example request (an Elastic Volume Service
    form): the response went unchecked, though a GET with no body is the URI section's request."""
    text = ("Querying\n========\n\nURI\n---\n\nGET /v2/{project_id}/volumes/{volume_id}/tags\n\nRequest\n-------\n\n"
            "None\n\nResponse\n--------\n\n-  Example response\n\n   .. code-block::\n\n      {\"tags\": []}\n\n"
            "Status Codes\n------------\n\n-  Normal\n\n   200\n")
    (example,) = parse_rst(text, "p.rst").examples
    assert (example.requests[0].method, example.requests[0].path) == ("GET", "/v2/{project_id}/volumes/{volume_id}/tags")
    assert (example.expected[0].status, example.expected[0].body) == (200, '{"tags": []}')
    post = parse_rst(text.replace("GET /v2", "POST /v2"), "p.rst")  # its body is not on the page: not made up
    assert post.examples == ()


def test_a_table_row_naming_a_placeholder_key_stands_for_the_keys_the_caller_chooses() -> None:
    """A request table whose one row is ``{Customized_key}`` (any key: a function's own input, a FunctionGraph
    form): the example's "k" was an undocumented key and "{Customized_key}" a missing mandatory one."""
    table = ("Request Parameters\n------------------\n\n.. table:: **Table 1** Request body parameters\n\n"
             "   ================ ========= ====== =============\n   Parameter        Mandatory Type   Description\n"
             "   ================ ========= ====== =============\n   {Customized_key} Yes       Object Any input.\n"
             "   ================ ========= ====== =============\n\n")
    text = _page("POST /v2/{project_id}/functions/{urn}/invocations", 'POST /v2/p1/functions/u1/invocations\n\n{"k": "v"}')
    text = text.replace("Example Request\n", table + "Example Request\n")
    document = parse_rst(text, "p.rst")
    assert len(document.examples) == 1 and _warnings(document) == []
    named = text.replace("{Customized_key}", "name            ")
    assert sorted(code for code, _ in _warnings(parse_rst(named, "p.rst"))) == ["missing-required-key", "undocumented-key"]


def test_an_uncaptioned_table_under_a_request_header_label_is_read_as_headers() -> None:
    """"-  Parameters in the request header" over a table with no caption (an IAM form): its rows
    (Content-Type, X-Auth-Token) were taken as body keys, and the example body said to lack them."""
    text = ("Modifying\n=========\n\nURI\n---\n\nPATCH /v3/projects/{project_id}\n\nRequest Parameters\n"
            "------------------\n\n-  Parameters in the request header\n\n   ============ ========= ====== ======\n"
            "   Parameter    Mandatory Type   Notes\n   ============ ========= ====== ======\n"
            "   X-Auth-Token Yes       String Token.\n   ============ ========= ====== ======\n\n"
            "-  Parameters in the request body\n\n   ========= ========= ====== ======\n"
            "   Parameter Mandatory Type   Notes\n   ========= ========= ====== ======\n"
            "   name      Yes       String Name.\n   ========= ========= ====== ======\n\n"
            "-  Example Request\n\n   .. code-block::\n\n      PATCH /v3/projects/p1\n\n      {\"name\": \"a\"}\n")
    document = parse_rst(text, "p.rst")
    (operation,) = document.operations
    assert [(p.name, p.location) for p in operation.parameters] == [("X-Auth-Token", "header"), ("name", "body")]
    assert _warnings(document) == []


def test_a_returned_values_column_is_a_status_column() -> None:
    """"Returned Values | Description" (plural, an Image Management Service form) was 'not read as the status
    code': a false table-not-read warning, and the page's error codes lost."""
    text = ("Deleting\n========\n\nURI\n---\n\nDELETE /v1/images/{image_id}\n\nReturned Values\n---------------\n\n"
            "-  Abnormal\n\n   +-----------------+-------------+\n   | Returned Values | Description |\n"
            "   +=================+=============+\n   | 400 Bad Request | Bad.        |\n   +-----------------+-------------+\n"
            "   | 404 Not Found   | Missing.    |\n   +-----------------+-------------+\n")
    document = parse_rst(text, "p.rst")
    assert _warnings(document) == []
    assert [s.code for s in document.operations[0].status_codes] == [400, 404]


def test_a_status_line_block_then_a_body_block_is_one_response() -> None:
    """``HTTP/1.1 200`` in one block and the JSON in the next (an Image Management Service form): two responses
    for one request, so 'ambiguous-response' and the body never checked."""
    text = _page("PUT /v1/images/{image_id}/upload", 'PUT /v1/images/i1/upload\n\n{"url": "b:f"}',
                 "Example Response\n----------------\n\n.. code-block:: text\n\n   HTTP/1.1 200\n\n::\n\n"
                 "   {\"job_id\": \"j1\"}\n")
    document = parse_rst(text, "p.rst")
    (example,) = document.examples
    assert [(e.status, e.body) for e in example.expected] == [(200, '{"job_id": "j1"}')]
    assert _warnings(document) == []


def test_an_example_written_as_a_line_block_is_read_as_its_code_block() -> None:
    """"-  Example request 1" over ``| {`` / ``| "name": "lb1",`` / ``| }`` lines (an old Elastic Load Balancing
    form): no example and no warning at all. A line block of prose (an address) stays prose."""
    text = ("Creating\n========\n\nURI\n---\n\nPOST /v1.0/{project_id}/elbaas/loadbalancers\n\nRequest\n-------\n\n"
            "-  Example request 1\n\n| {\n| \"name\": \"lb1\"\n| }\n\nResponse\n--------\n\n-  Example response 1\n\n"
            "| {\n| \"id\": \"1\"\n| }\n")
    (example,) = parse_rst(text, "p.rst").examples
    assert (example.requests[0].method, example.requests[0].body) == ("POST", '{\n"name": "lb1"\n}')
    assert example.expected[0].body == '{\n"id": "1"\n}'
    assert example.requests[0].span is not None and example.requests[0].span.line == 14
    prose = parse_rst("Contact\n=======\n\n| Example Street 1\n| Sometown\n", "p.rst")
    assert prose.examples == () and _warnings(prose) == []


def test_a_status_code_sentence_in_the_status_section_is_the_documented_status() -> None:
    """"Status Code:202." as the status section's text (a Document Database Service form): not read, so the
    example expected 'any 2xx' and a 200 from a server that should say 202 passed."""
    text = _page("DELETE /v3/{project_id}/instances/{instance_id}", "DELETE /v3/p1/instances/i1",
                 "Status Code\n-----------\n\nStatus Code:202.\n\nFor more information, see the status codes.\n")
    document = parse_rst(text, "p.rst")
    assert [s.code for s in document.operations[0].status_codes] == [202]
    assert document.examples[0].expected[0].status == 202


def test_a_json_paragraph_under_responses_is_the_response_shown() -> None:
    """"Responses" then "{}" as a paragraph (a Document Database Service form): the response was not read,
    so only the status was checked, unsaid."""
    text = _page("POST /v3/{project_id}/nodes/{node_id}/session", 'POST /v3/p1/nodes/n1/session\n\n{"sessions": ["1"]}',
                 "Responses\n---------\n\n{}\n\nStatus Code\n-----------\n\nStatus Code:200.\n")
    (example,) = parse_rst(text, "p.rst").examples
    assert [(e.status, e.body) for e in example.expected] == [(200, "{}")]
    prose = parse_rst(text.replace("\n{}\n", "\nThe response is empty.\n"), "p.rst")
    assert [(e.status, e.body) for e in prose.examples[0].expected] == [(200, None)]


def test_a_comment_line_opening_a_body_block_is_not_a_path() -> None:
    text = _page("POST /v1/{project_id}/jobs", '//note\n{"name": "a"}')
    assert [r.path for e in parse_rst(text, "p.rst").examples for r in e.requests] != ["//note"]


def test_a_response_block_saying_http_response_code_is_that_status() -> None:
    """``Http Response Code: 204`` as the example response (a Dedicated Host form): it was the text body to
    expect, with no status."""
    text = _page("DELETE /v1.0/{project_id}/hosts/{host_id}", "DELETE /v1.0/p1/hosts/h1",
                 "Example Response\n----------------\n\n.. code-block::\n\n   Http Response Code: 204\n")
    document = parse_rst(text, "p.rst")
    (example,) = document.examples
    assert [(e.status, e.body) for e in example.expected] == [(204, None)]
    assert _warnings(document) == []


def test_an_error_code_column_of_http_codes_is_a_status_column() -> None:
    """"Error Code | Description" holding "409 Conflict" (a Dedicated Host status section): a false
    table-not-read warning, and the documented 409 lost. A "Status Code" column still wins over it."""
    table = ("Status Code\n-----------\n\n============ ========\nError Code   Description\n============ ========\n"
             "409 Conflict In use.\n============ ========\n")
    document = parse_rst(_page("DELETE /v1.0/{project_id}/hosts/{host_id}", "DELETE /v1.0/p1/hosts/h1", table), "p.rst")
    assert [s.code for s in document.operations[0].status_codes] == [409] and _warnings(document) == []
    both = ("Status Code\n-----------\n\n=========== ========== ========\nError Code  Status     Description\n"
            "=========== ========== ========\nDEH.0001    409        In use.\n=========== ========== ========\n")
    document = parse_rst(_page("DELETE /v1.0/{project_id}/hosts/{host_id}", "DELETE /v1.0/p1/hosts/h1", both), "p.rst")
    assert [s.code for s in document.operations[0].status_codes] == [409] and _warnings(document) == []
