"""Every diagnostic of the cloud rules: one page where it is true, one near miss where it must not fire.

A warning a writer cannot act on is a defect, so each near miss is the look-alike that
real pages show: a code block that exists under a label, a pointer to another page,
same-named request and response objects, a per-type table, a table of resource
states, a "mandatory" field with a default.
"""

from __future__ import annotations

import pytest

from harness.model import Document
from harness.parsers.rst import parse_rst

URI = "URI\n---\n\nPOST /v1/{project_id}/jobs\n\n"
REQUEST_TABLE = """Request Parameters
------------------

.. table:: **Table 1** Request body parameters

   ========= ========= ====== =================
   Parameter Mandatory Type   Description
   ========= ========= ====== =================
   name      Yes       String Job name.
   {row}
   ========= ========= ====== =================

"""
RESPONSE_TABLE = """Response Parameters
-------------------

.. table:: **Table 2** Response body parameters

   ========= ======= =================
   Parameter Type    Description
   ========= ======= =================
   done      Boolean Whether it ended.
   ========= ======= =================

"""


def page(body: str, uri: str = URI, tables: str = "") -> str:
    return f"Creating a Job\n==============\n\n{uri}{tables}{body}"


def example(request: str, response: str = '{"done": true}') -> str:
    requests = "\n".join(f"   {line}" for line in request.split("\n"))
    return (f"Example Request\n---------------\n\n.. code-block:: text\n\n{requests}\n\n"
            f"Example Response\n----------------\n\n.. code-block::\n\n   {response}\n")


def found(text: str, code: str) -> list[int]:
    document: Document = parse_rst(text, "p.rst")
    return [d.span.line for d in document.diagnostics if d.code == code]


STATE_TABLE = """Response Parameters
-------------------

.. table:: **Table 2** Job states

   ======== ==============
   Status   Description
   ======== ==============
   RUNNING  Running.
   DONE     Finished.
   ======== ==============

"""
OTHER_PAGE_RESPONSE = ("Example Request\n---------------\n\n.. code-block:: text\n\n   POST /v1/p/jobs\n\n"
                       "   {\"name\": \"a\"}\n\nExample Response\n----------------\n\n"
                       "See :ref:`Responses (Task) <task_responses>`.\n")
NO_CODE_RESPONSE = OTHER_PAGE_RESPONSE.replace("See :ref:`Responses (Task) <task_responses>`.",
                                               "The job is created.")
LABELLED_RESPONSE = OTHER_PAGE_RESPONSE.replace("See :ref:`Responses (Task) <task_responses>`.",
                                                "-  Success response\n\n   .. code-block::\n\n      {\"done\": true}")
TWO_METHODS = "URI\n---\n\nPUT /v1/{project_id}/jobs/{job_id}\n\nPATCH /v2/{project_id}/jobs/{job_id}\n\n"
CASES = [
    # code, a page where it is true, a near miss where it must not fire
    ("missing-request-line", page(example('{"name": "a"}'), uri="URI\n---\n\nThe jobs collection.\n\n"),
     page(example('{"name": "a"}'))),
    ("body-without-request-line", page(example('{"name": "a"}'), uri=""),
     page(example('POST /v1/p/jobs\n{"name": "a"}'), uri="")),
    ("unrecognised-request-line", page(example('POST: /v1/p/jobs\n{"name": "a"}')),
     page(example('post   /v1/p/jobs\n{"name": "a"}'))),
    ("invalid-json", page(example('POST /v1/p/jobs\n{"name": "a",}')),
     page(example('POST /v1/p/jobs\n{"name": "a, b"}'))),
    ("example-without-code", page(NO_CODE_RESPONSE), page(OTHER_PAGE_RESPONSE)),
    ("example-without-code", page(NO_CODE_RESPONSE), page(LABELLED_RESPONSE)),
    ("bad-status-code", page(example('POST /v1/p/jobs\n{"name": "a"}')) +
     "\nStatus Codes\n------------\n\n=========== ===========\nStatus Code Description\n=========== ===========\n"
     "200         OK\n2xx         Any success\n=========== ===========\n",
     page(example('POST /v1/p/jobs\n{"name": "a"}'), tables=STATE_TABLE)),
    ("path-mismatch", page(example('POST /v2/p/tasks\n{"name": "a"}')),
     page(example('POST https://{endpoint}/v1/p/jobs?dry_run=true\n{"name": "a"}'))),
    ("missing-required-key", page(example('POST /v1/p/jobs\n{"size": 1}'),
                                  tables=REQUEST_TABLE.format(row="size      No        Number Size.")),
     page(example('POST /v1/p/jobs\n{"size": 1}'),  # "mandatory", but the table gives a default
          tables=REQUEST_TABLE.replace("Job name.", "Default: j1.").format(row="size      No        Number Size."))),
    # "mandatory", but only in a case the example is not (a real page: "available only when type is DLISQL")
    ("missing-required-key", page(example('POST /v1/p/jobs\n{"size": 1}'),
                                  tables=REQUEST_TABLE.format(row="size      No        Number Size.")),
     page(example('POST /v1/p/jobs\n{"size": 1}'), tables=REQUEST_TABLE.replace(
         "Job name.", "Available only when size is 2.").format(row="size      No        Number Size."))),
    ("undocumented-key", page(example('POST /v1/p/jobs\n{"name": "a", "colour": "red"}'),
                              tables=REQUEST_TABLE.format(row="")),
     page(example('POST /v1/p/jobs\n{"name": "a"}'), tables=REQUEST_TABLE.format(row=""))),
    ("misplaced-directive", page(example('POST /v1/p/jobs\n{"name": "a"}')).replace(
        "\nExample Response", "\n.. TESTRESPONSE[skip:not yet]\n\nExample Response"),
     page(example('POST /v1/p/jobs\n{"name": "a"}')) + "\n.. TESTRESPONSE[skip:not yet]\n"),
    ("rst-markup", page(example('POST /v1/p/jobs\n{"name": "a"}')) + "\n.. unknown-directive:: x\n",
     page(example('POST /v1/p/jobs\n{"name": "a"}')) + "\nSee :ref:`Status Codes <codes>` and :doc:`jobs`.\n"),
    # a body-only request where the URI section documents a PUT and a PATCH: sent as the first, never silently
    ("ambiguous-request-line", page(example('{"name": "a"}'), uri=TWO_METHODS),
     page(example('PATCH /v2/p/jobs/1\n{"name": "a"}'), uri=TWO_METHODS)),
    # a note before the JSON is sent with it: said, never silent; a "Request body:" label is not body at all
    ("text-before-json", page(example('POST /v1/p/jobs\nCreate it so:\n{"name": "a"}')),
     page(example('POST /v1/p/jobs\nRequest body:\n\n{"name": "a"}'))),
    # a response shown in the request's block: cut from the body (it went out as part of it), said
    ("response-in-request-block", page(example('POST /v1/p/jobs\n{"name": "a"}\n\nHTTP/1.1 201 Created\n{"id": 1}')),
     page(example('POST /v1/p/jobs\n{"name": "a",\n "response": "HTTP/1.1 201"}'))),
    # "Status code: 200/201": the example expects the first; said at the label, not a silent choice
    ("several-status-codes", page(example('POST /v1/p/jobs\n{"name": "a"}').replace(
        ".. code-block::\n\n   {\"done\"", "Status code: 200/201\n\n.. code-block::\n\n   {\"done\"")),
     page(example('POST /v1/p/jobs\n{"name": "a"}').replace(
         ".. code-block::\n\n   {\"done\"", "Status code: 201\n\n.. code-block::\n\n   {\"done\""))),
    ("response-type-mismatch", page(example('POST /v1/p/jobs\n{"name": "a"}', '{"done": "true"}'),
                                    tables=RESPONSE_TABLE),
     page(example('POST /v1/p/jobs\n{"name": "a"}', '{"done": true}'), tables=RESPONSE_TABLE)),
]


@pytest.mark.parametrize(("code", "true_page", "near_miss"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_fires_on_the_true_case_and_not_on_the_near_miss(code: str, true_page: str, near_miss: str) -> None:
    assert found(true_page, code), f"{code} should fire"
    assert found(near_miss, code) == [], f"{code} should not fire on the near miss"


def test_unrecognised_request_line_is_at_its_line_and_never_a_body() -> None:
    text = page(example('POST: /v1/p/jobs\n{"name": "a"}'))
    document = parse_rst(text, "p.rst")
    (line,) = found(text, "unrecognised-request-line")
    assert text.splitlines()[line - 1].strip() == "POST: /v1/p/jobs"
    assert document.examples == ()


def test_same_named_request_and_response_objects_are_not_mixed() -> None:
    tables = """Request Parameters
------------------

.. table:: **Table 1** Request body parameters

   ========= ========= ====== =================
   Parameter Mandatory Type   Description
   ========= ========= ====== =================
   job       Yes       Object The job.
   ========= ========= ====== =================

.. table:: **Table 2** **job** field description

   ========= ========= ====== =================
   Parameter Mandatory Type   Description
   ========= ========= ====== =================
   name      Yes       String Job name.
   ========= ========= ====== =================

Response Parameters
-------------------

.. table:: **Table 3** Response body parameters

   ========= ====== =================
   Parameter Type   Description
   ========= ====== =================
   job       Object The job.
   ========= ====== =================

.. table:: **Table 4** **job** field description

   ========= ======= =================
   Parameter Type    Description
   ========= ======= =================
   id        String  Job ID.
   done      Boolean Whether it ended.
   ========= ======= =================

"""
    text = page(example('POST /v1/p/jobs\n{"job": {"name": "a"}}', '{"job": {"id": "j", "done": false}}'),
                tables=tables)
    document = parse_rst(text, "p.rst")
    assert [d.code for d in document.diagnostics] == []
    (operation,) = document.operations
    assert {o.name: [f.name for f in o.fields] for o in operation.objects} == {
        "job": ["name"], "job (response)": ["id", "done"]}
    broken = text.replace('{"job": {"name": "a"}}', '{"job": {"id": "a"}}')
    assert sorted(d.code for d in parse_rst(broken, "p.rst").diagnostics) == [
        "missing-required-key", "undocumented-key"]


def test_a_response_warning_on_a_request_none_page_names_the_page() -> None:
    text = page("Example Request\n---------------\n\nNone\n\nExample Response\n----------------\n\n"
                ".. code-block::\n\n   {\"done\": true,}\n", uri="URI\n---\n\nGET /v1/{project_id}/jobs?limit={limit}\n\n")
    document = parse_rst(text, "p.rst")
    (warning,) = document.diagnostics
    assert (warning.code, warning.span.path) == ("invalid-json", "p.rst")
    (example,) = document.examples
    assert example.requests[0].path == "/v1/{project_id}/jobs"


def test_a_body_label_in_the_block_is_neither_sent_nor_compared() -> None:
    """Before, "Body:" went out as the first line of the request body (a text body, no warning), and
    "Response body:" made the expected response a text compared as written."""
    text = page(example('POST /v1/p/jobs\nBody (JSON):\n{"name": "a"}', 'Response body:\n   {"done": true}'))
    document = parse_rst(text, "p.rst")
    (only,) = document.examples
    assert (only.requests[0].body, only.requests[0].body_kind.value) == ('{"name": "a"}', "json")
    assert (only.expected[0].body, only.expected[0].body_kind.value) == ('{"done": true}', "json")
    assert [d.code for d in document.diagnostics if d.level.value != "info"] == []


def test_a_response_in_the_request_block_is_not_sent() -> None:
    """Before, a POST's body went out as '{"name": "a"}\\n\\nResponse:\\n{"id": 1}' and a GET's as 'Response: ...'."""
    for request, body in (('POST /v1/p/jobs\n{"name": "a"}\n\nResponse:\n{"id": 1}', '{"name": "a"}'),
                          ('GET /v1/p/jobs/1\n\nResponse:\n{"id": 1}', None)):
        document = parse_rst(page(example(request)), "p.rst")
        assert document.examples[0].requests[0].body == body
        assert "response-in-request-block" in [d.code for d in document.diagnostics]


STATUS_ALONE_WITH_DIRECTIVES = """Query Groups
============

URI
---

GET /v3/groups

Example Response
----------------

.. code-block:: text

   HTTP/1.1 200

.. TESTRESPONSE[skip:later]
.. TESTRESPONS[skip:x]
"""


def test_a_status_block_with_directives_says_a_near_miss_once() -> None:
    # the block's directives were read once to see whether it is a status label, and again as a response
    document = parse_rst(STATUS_ALONE_WITH_DIRECTIVES, "p.rst")
    assert [(d.code, d.span.line) for d in document.diagnostics if d.code == "unknown-directive"] == [
        ("unknown-directive", 17)]
