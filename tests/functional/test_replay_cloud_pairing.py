"""A cloud page's responses are paired with the requests they were written for, or with none, said so.

Copies of the CDM pages of docs_src get the structures ``benchmarks/pairing_campaign.py`` found paired
wrongly: a second example response beside the one a request has, a curl command of another API between
request and response, two responses under one number, an error response of another status before the
failing request's. Each page is read as a file; where the outcome tells, it is replayed against the real
reference server on a loopback port.
"""

from __future__ import annotations

from pathlib import Path

from test_replay_seeds import copy_project, replay_tree

from harness.model import Document, Level
from harness.parsers.loader import load
from harness.server import ReferenceServer

QUERY = "docs_src/cloud/cdm/querying_a_job.rst"
STOP = "docs_src/guide/examples/stopping_a_job.rst"
REAL = "\nok\n\n.. code-block::\n\n   {\n     \"total\": 1,"


def edited(tmp_path: Path, page: str, old: str, new: str) -> Path:
    root = copy_project(tmp_path)
    text = (root / page).read_text(encoding="utf-8")
    assert old in text
    (root / page).write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


def parsed(root: Path, page: str) -> Document:
    (document,) = load([root / page], root=root)
    return document


def warnings(document: Document, code: str) -> list[int]:
    return [d.span.line for d in document.diagnostics if d.code == code and d.level is Level.WARNING]


def test_a_second_response_before_the_request_s_own_is_no_guess(tmp_path: Path,
                                                                fresh_reference_server: ReferenceServer) -> None:
    # one request, then two example responses: the first, which the server's answer happens to contain, was
    # taken, and the pass said the job's values were compared; which one answers the request is not said
    root = edited(tmp_path, QUERY, REAL, "\nok\n\n.. code-block::\n\n   {\"total\": 1}\n" + REAL)
    document = parsed(root, QUERY)
    (example,) = document.examples
    assert [e.body for e in example.expected if e.span is not None] == []
    lines = (root / QUERY).read_text(encoding="utf-8").splitlines()
    request_line = next(i for i, line in enumerate(lines, 1) if "   GET /v1.1" in line)
    assert warnings(document, "ambiguous-response") == [request_line]
    (result,) = replay_tree(root, fresh_reference_server, QUERY).results
    assert (result.outcome.value, result.checked) == ("passed", "status")


def test_a_curl_command_of_another_api_does_not_take_the_page_s_response(tmp_path: Path) -> None:
    curl = ("\nTo list the clusters afterwards:\n\n.. code-block:: text\n\n"
            "   curl -X GET https://{endpoint}/v1.1/1551c7f6c808414d8e9f3c514a170f2e/clusters\n\n")
    root = edited(tmp_path, QUERY, "\nExample Responses\n", curl + "Example Responses\n")
    job, clusters = parsed(root, QUERY).examples
    assert job.expected[0].body is not None and '"jdbc2hive"' in job.expected[0].body
    assert clusters.requests[0].path.endswith("/clusters") and not [e for e in clusters.expected if e.span]
    assert warnings(parsed(root, QUERY), "request-without-response") == [clusters.requests[0].span.line]


def test_two_responses_under_one_number_leave_its_request_unpaired(tmp_path: Path) -> None:
    root = edited(tmp_path, QUERY, "Query the job jdbc2hive.", "Example request 1: query the job jdbc2hive.")
    page = root / QUERY
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("**Status code: 200**\n\nok\n", "**Example response 1**\n\n.. code-block::\n\n"
                                 "   {\"total\": 0, \"jobs\": []}\n\nok\n", 1), encoding="utf-8")
    (example,) = parsed(root, QUERY).examples
    assert not [e for e in example.expected if e.span is not None]
    assert len(warnings(parsed(root, QUERY), "ambiguous-response")) == 1


def test_an_error_response_of_another_status_is_not_the_failing_request_s(tmp_path: Path) -> None:
    # a request labelled as failing, with no status of its own, and two error responses (400, then the 404 the
    # job that does not exist gets): the first was taken, so the 404 the server gives failed a page that
    # documents it; which one it expects is not said
    root = edited(tmp_path, STOP, "Stop a job that does not exist:\n", "Failed sample request:\n")
    page = root / STOP
    text = page.read_text(encoding="utf-8").replace(".. TEST[catch:missing]\n", "", 1)
    page.write_text(text.replace("**Status code: 404**", "**Status code: 400**\n\n.. code-block::\n\n"
                                 "   {\"error_code\": \"CDM.0001\", \"error_msg\": \"Invalid name.\"}\n\n"
                                 "**Status code: 404**", 1), encoding="utf-8")
    document = parsed(root, STOP)
    failing = [e for e in document.examples if e.requests[0].path.endswith("/no_such_job/stop")]
    assert [e.expected[0].status for e in failing if e.expected and e.expected[0].span] == []
    assert warnings(document, "ambiguous-response") == [failing[0].requests[0].span.line]


LISTED = """Querying Jobs
=============

URI
---

GET /v1.1/{project_id}/clusters/{cluster_id}/cdm/job/{job_name}

Example Requests
----------------

-  Query the job jdbc2hive.

   .. code-block:: text

      GET /v1.1/p1/clusters/c1/cdm/job/jdbc2hive

-  Query the job obs2dws.

   .. code-block:: text

      GET /v1.1/p1/clusters/c1/cdm/job/obs2dws

Example Responses
-----------------

**Status code: 200**

-  Example response for querying jdbc2hive.

   .. code-block::

      {"name": "jdbc2hive"}

   **Status code: 400**

   .. code-block::

      {"error_code": "CDM.0001", "error_msg": "Invalid name."}

-  Example response for querying obs2dws.

   .. code-block::

      {"name": "obs2dws"}
"""


def test_a_status_shown_under_one_example_response_does_not_carry_to_the_next(tmp_path: Path) -> None:
    # the 400 shown in the first item made the second item's response an error: the page then had one success
    # response, and both queries were checked against jdbc2hive's
    (tmp_path / "jobs.rst").write_text(LISTED, encoding="utf-8")
    (document,) = load([tmp_path / "jobs.rst"], root=tmp_path)
    assert [(e.requests[0].path.rsplit("/", 1)[1], e.expected[0].body, e.expected[0].status)
            for e in document.examples] == [("jdbc2hive", '{"name": "jdbc2hive"}', 200),
                                            ("obs2dws", '{"name": "obs2dws"}', None)]


WALK = """<h1>Creating and Checking a Queue</h1>
<h4 class="sectiontitle">URI</h4><p>POST /v1/{project_id}/queues</p>
<h4 class="sectiontitle">Example Requests</h4>
<pre class="screen">POST https://{endpoint}/v1/{project_id}/queues

{"name": "q1"}</pre>
<h4 class="sectiontitle">Example Responses</h4>
<pre class="screen">{"queue_name": "q1"}</pre>
<h4 class="sectiontitle">Example Requests</h4>
<pre class="screen">GET https://{endpoint}/v1/{project_id}/queues/q1</pre>
<p>To see every queue:</p>
<pre class="screen">GET https://{endpoint}/v1/{project_id}/queues</pre>
<h4 class="sectiontitle">Example Responses</h4>
<pre class="screen">{"queue_name": "q1", "status": "RUNNING"}</pre>
"""


def test_a_walk_through_pairs_each_call_with_what_follows_it_and_leaves_two_calls_before_one_response_open(
        tmp_path: Path) -> None:
    # the second response follows two calls of one section: it was given to the last call (the list of queues)
    # although it shows one queue; which call it answers is not said
    (tmp_path / "queues.html").write_text(WALK, encoding="utf-8")
    (document,) = load([tmp_path / "queues.html"], root=tmp_path)
    shown = [(e.requests[0].method, e.requests[0].path, [x.body for x in e.expected if x.span])
             for e in document.examples]
    assert shown == [("POST", "/v1/{project_id}/queues", ['{"queue_name": "q1"}']),
                     ("GET", "/v1/{project_id}/queues/q1", []), ("GET", "/v1/{project_id}/queues", [])]
    assert warnings(document, "ambiguous-response") == [10, 12]


def test_a_bold_response_label_after_a_response_parameters_section_is_the_example_response(
        tmp_path: Path, fresh_reference_server: ReferenceServer) -> None:
    # VPC pages: "Example" / **Request** / block, then "Response Parameters" (tables), then **Response** / block:
    # the response block sat in the parameters section and was read by nothing, silently
    root = edited(tmp_path, QUERY, "Example Requests\n----------------\n", "Example\n-------\n\n**Request**\n")
    page = root / QUERY
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("Example Responses\n-----------------\n\n**Status code: 200**\n\nok\n",
                                 "Response Parameters\n-------------------\n\nThe job list, as above.\n\n"
                                 "**Response**\n", 1), encoding="utf-8")
    (example,) = parsed(root, QUERY).examples
    assert example.expected[0].body is not None and '"jdbc2hive"' in example.expected[0].body
    (result,) = replay_tree(root, fresh_reference_server, QUERY).results
    assert (result.outcome.value, result.checked) == ("passed", "shape")  # docs_src checks cloud bodies by shape


def test_example_responses_1_and_2_after_one_unnumbered_request_leave_it_open(tmp_path: Path) -> None:
    # "Example response 1" and "Example response 2" under one request: two cases of it, and the page does not
    # say which the example request gets; the first was taken
    root = edited(tmp_path, QUERY, "**Status code: 200**\n\nok\n", "**Example response 1**\n")
    page = root / QUERY
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("\nStatus Codes\n------------", "\n**Example response 2**\n\n.. code-block::\n\n"
                                 "   {\"total\": 0, \"jobs\": []}\n\nStatus Codes\n------------", 1), encoding="utf-8")
    document = parsed(root, QUERY)
    (example,) = document.examples
    assert not [e for e in example.expected if e.span is not None]
    assert warnings(document, "ambiguous-response") == [example.requests[0].span.line]
