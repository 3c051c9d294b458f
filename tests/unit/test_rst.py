"""The RST front-end: the CDM seed page and one crafted page per variation real pages show."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from harness.model import BodyKind, Document, Level, MatchPolicy, Role, from_json, to_json
from harness.parsers import parse
from harness.parsers.prose import with_prose
from harness.parsers.rst import parse_rst

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "samples" / "rst"
CDM = "docs_src/cloud/cdm/stopping_a_job.rst"


def page(requests: str, responses: str) -> str:
    """The sample page with its two example sections filled in."""
    text = (SAMPLES / "base_page.rst").read_text(encoding="utf-8")
    return text.replace("{{REQUESTS}}", requests).replace("{{RESPONSES}}", responses)


def codes(document: Document) -> list[str]:
    return [d.code for d in document.diagnostics]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.fixture(scope="module")
def cdm() -> Document:
    return parse_rst((ROOT / CDM).read_text(encoding="utf-8"), CDM)


def test_cdm_operation(cdm: Document) -> None:
    assert cdm.format.value == "rst" and cdm.title == "Stopping a Job"
    assert cdm.description == "This API is used to stop a job."
    (op,) = cdm.operations
    assert (op.method, op.path) == ("PUT", "/v1.1/{project_id}/clusters/{cluster_id}/cdm/job/{job_name}/stop")
    assert op.span is not None and op.span.line == 16
    by_name = {p.name: p for p in op.parameters}
    assert [by_name[n].location for n in ("project_id", "cluster_id", "job_name")] == ["path"] * 3
    token = by_name["X-Auth-Token"]
    assert (token.location, token.required, token.type) == ("header", True, "String")
    assert [s.code for s in op.status_codes] == [200]


def test_cdm_response_fields_and_object_table(cdm: Document) -> None:
    op = cdm.operations[0]
    (field,) = op.response_fields
    assert field.name == "validation-result"
    assert field.type == "Array of JobValidationResult objects"
    assert field.object_ref == "JobValidationResult"
    (table,) = op.objects
    assert table.name == "JobValidationResult"
    assert [f.name for f in table.fields] == ["message", "status"]
    assert table.fields[1].description.startswith("ERROR,WARNING")


def test_cdm_example(cdm: Document) -> None:
    (example,) = cdm.examples
    text = (ROOT / CDM).read_text(encoding="utf-8")
    assert example.name == f"line_{line_of(text, '.. code-block:: text')}"
    assert example.role is Role.TEST and example.language == "text"
    (request,) = example.requests
    assert request.method == "PUT"
    assert request.path == ("/v1.1/1551c7f6c808414d8e9f3c514a170f2e/clusters/6ec9a0a4-76be-4262-8697-e7af1fac7920"
                            "/cdm/job/jdbc2hive/stop")
    assert request.body is None and request.body_kind is BodyKind.NONE
    (expected,) = example.expected
    assert (expected.status, expected.body, expected.body_kind, expected.match) == (200, "{ }", BodyKind.JSON, None)
    assert cdm.diagnostics == ()


def test_cdm_round_trips(cdm: Document) -> None:
    assert from_json(Document, to_json(cdm)) == cdm
    assert pickle.loads(pickle.dumps(cdm)) == cdm


def test_registered_by_suffix_and_quiet(capsys: pytest.CaptureFixture[str]) -> None:
    text = (ROOT / CDM).read_text(encoding="utf-8")
    assert parse(text, "x/stop.rst") == with_prose(parse_rst(text, "x/stop.rst"), text)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""  # no docutils noise for :ref: or code-block


def test_body_only_request_completed_from_uri_and_directives() -> None:
    text = page('.. code-block:: json\n\n   {"name": "a", "count": 2}\n\n.. TEST[setup:foo]',
                ".. code-block::\n\n   {\"id\": \"x\", \"done\": true}\n\n.. TESTRESPONSE[s/\"x\"/$body.id/]")
    doc = parse_rst(text, "p.rst")
    (example,) = doc.examples
    (request,) = example.requests
    assert (request.method, request.path, request.body_kind) == ("POST", "/v1/{project_id}/jobs", BodyKind.JSON)
    assert example.setups == ("foo",) and example.variables == ("project_id",)
    assert [d.name for d in example.directives] == ["TEST"]
    assert example.directives[0].span.line == line_of(text, ".. TEST[setup:foo]")
    assert example.directives[0].span.column == 4
    (expected,) = example.expected
    assert expected.source == '{"id": "x", "done": true}'
    assert expected.body == '{"id": $body.id, "done": true}'
    assert expected.status == 200 and expected.substitutions[0].pattern == '"x"'
    assert doc.diagnostics == ()


def test_all_table_kinds() -> None:
    doc = parse_rst(page(".. code-block::\n\n   {\"name\": \"a\"}", "None"), "p.rst")
    op = doc.operations[0]
    assert [(p.name, p.location, p.required) for p in op.parameters] == [
        ("project_id", "path", True), ("name", "body", True), ("count", "body", False)]  # simple + list-table
    assert [(f.name, f.type) for f in op.response_fields] == [("id", "String"), ("done", "Boolean")]  # csv-table
    assert op.parameters[1].description == "Job name, see the naming rules."  # :ref: keeps its title
    assert [s.code for s in op.status_codes] == [200, 400]


def test_grid_table_row_spans_keep_columns_aligned() -> None:
    table = """.. table:: **Table 2** Request body parameters

   +-----------+-----------+---------+-------------+
   | Parameter | Mandatory | Type    | Description |
   +===========+===========+=========+=============+
   | name      | Yes       | String  | Job name    |
   +-----------+           +---------+-------------+
   | count     |           | Integer | Runs        |
   +-----------+-----------+---------+-------------+
"""
    text = page("None", "None")
    start = text.index(".. list-table::")
    text = text[:start] + table + text[text.index("Response Parameters"):]
    op = parse_rst(text, "p.rst").operations[0]
    body = [(p.name, p.required, p.type) for p in op.parameters if p.location == "body"]
    assert body == [("name", True, "String"), ("count", True, "Integer")]


def test_several_request_lines_full_urls_and_placeholders() -> None:
    blocks = (".. code-block:: text\n\n   POST https://{Endpoint}/v1/{project_id}/jobs\n\n   {\"name\": \"a\"}\n\n"
              "   POST https://{Endpoint}/v1/{Project_Id}/jobs\n   {\"name\": \"b\"}")
    doc = parse_rst(page(blocks, "None"), "p.rst")
    first, second = doc.examples  # each request line is an example of its own, never a sequence
    assert [(r.method, r.path, r.body) for e in doc.examples for r in e.requests] == [
        ("POST", "/v1/{project_id}/jobs", '{"name": "a"}'), ("POST", "/v1/{Project_Id}/jobs", '{"name": "b"}')]
    assert first.variables == ("Endpoint", "project_id") and second.variables == ("Endpoint", "Project_Id")
    assert first.name != second.name
    for example in doc.examples:
        (expected,) = example.expected
        assert (expected.body, expected.body_kind, expected.status) == (None, BodyKind.NONE, 200)


def test_request_line_and_body_in_separate_blocks() -> None:
    text = page("::\n\n   POST /v1/abc/jobs\n\nBody:\n\n.. code-block:: json\n\n   {\"name\": \"a\"}", "N/A")
    doc = parse_rst(text, "p.rst")
    (example,) = doc.examples
    (request,) = example.requests
    assert (request.path, request.body, request.body_kind) == ("/v1/abc/jobs", '{"name": "a"}', BodyKind.JSON)
    assert example.span.line == line_of(text, "POST /v1/abc/jobs")
    assert example.span.last_line == line_of(text, '{"name": "a"}')


def test_several_examples_paired_with_status_labels() -> None:
    requests = ("Create a:\n\n.. code-block::\n\n   {\"name\": \"a\"}\n\n"
                "Create b:\n\n.. code-block::\n\n   {\"name\": \"b\", \"count\": 1}")
    responses = ("**Status code: 200**\n\n.. code-block::\n\n   {\"id\": \"1\"}\n\n"
                 "**Status code: 400**\n\n.. code-block::\n\n   {\"error\": \"bad\"}")
    doc = parse_rst(page(requests, responses), "p.rst")
    assert len(doc.examples) == 2
    assert [e.expected[0].body for e in doc.examples] == ['{"id": "1"}', '{"id": "1"}']  # 400 is not a test
    assert {e.expected[0].status for e in doc.examples} == {200}


def test_status_sub_headings_and_misplaced_directives() -> None:
    responses = ("Status code: 202\n~~~~~~~~~~~~~~~~\n\n.. code-block::\n\n   {\"id\": \"1\"}\n\n.. TEST[continued]\n\n"
                 "Status code: 400\n~~~~~~~~~~~~~~~~\n\n.. code-block::\n\n   {\"error\": \"bad\"}")
    text = page(".. code-block::\n\n   {\"name\": \"a\"}\n\n.. TESTRESPONSE", responses)
    doc = parse_rst(text, "p.rst")
    (example,) = doc.examples
    (expected,) = example.expected
    assert (expected.status, expected.body) == (202, '{"id": "1"}')
    misplaced = [d for d in doc.diagnostics if d.code == "misplaced-directive"]
    assert [d.span.line for d in misplaced] == [line_of(text, ".. TESTRESPONSE"), line_of(text, ".. TEST[continued]")]
    assert "example-without-code" not in codes(doc)


def test_one_examples_section_with_request_and_response_labels() -> None:
    text = page("None", "None").replace(
        "Example Requests\n----------------\n\nNone",
        "Examples\n--------\n\nRequest:\n\n.. code-block::\n\n   {\"name\": \"a\"}\n\n"
        "Response:\n\n.. code-block::\n\n   {\"id\": \"7\"}")
    doc = parse_rst(text, "p.rst")
    example = doc.examples[0]
    assert example.requests[0].body == '{"name": "a"}' and example.expected[0].body == '{"id": "7"}'


def test_success_and_failure_labels_and_text_response() -> None:
    responses = ("Failure response\n\n.. code-block::\n\n   {\"error\": \"bad\"}\n\n"
                 "Success response\n\n.. code-block:: text\n\n   ok")
    doc = parse_rst(page(".. code-block::\n\n   {\"name\": \"a\"}", responses), "p.rst")
    (expected,) = doc.examples[0].expected
    assert (expected.body, expected.body_kind, expected.status) == ("ok", BodyKind.TEXT, 200)


def test_invalid_json_kept_as_text_with_warning_at_its_line() -> None:
    text = page(".. code-block::\n\n   {\n     \"name\": \"a\",\n   }", "None")
    doc = parse_rst(text, "p.rst")
    (request,) = doc.examples[0].requests
    assert request.body_kind is BodyKind.TEXT and request.body == '{\n  "name": "a",\n}'
    (warning,) = [d for d in doc.diagnostics if d.code == "invalid-json"]
    assert warning.level is Level.WARNING and warning.span.line == line_of(text, '"name": "a",') + 1


def test_request_none_uses_the_documented_request() -> None:
    text = page("None", "**Status code: 200**\n\n.. code-block::\n\n   {\"id\": \"1\", \"done\": false}")
    doc = parse_rst(text, "p.rst")
    (example,) = doc.examples
    assert example.name == f"line_{line_of(text, 'None')}"
    assert [(r.method, r.path, r.body) for r in example.requests] == [("POST", "/v1/{project_id}/jobs", None)]
    assert example.expected[0].body_kind is BodyKind.JSON and doc.diagnostics == ()


def test_directive_comments_and_near_miss() -> None:
    requests = (".. code-block::\n\n   {\"name\": \"a\"}\n\n.. TEST[catch:bad_request]\n\n"
                ".. code-block::\n\n   {\"name\": \"b\"}\n\n.. TEST [continued]")
    responses = ".. code-block::\n\n   Name\\s+\\w+\n\n.. TESTRESPONSE[non_json]"
    text = page(requests, responses)
    doc = parse_rst(text, "p.rst")
    first, second = doc.examples
    assert first.catch == "bad_request" and not second.continued
    (miss,) = [d for d in doc.diagnostics if d.code == "malformed-directive"]
    assert miss.span.line == line_of(text, ".. TEST [continued]") and "did you mean" in miss.hint
    assert first.expected[0].match is MatchPolicy.NON_JSON


def test_notconsole_and_testsetup_roles() -> None:
    requests = (".. code-block::\n\n   POST /v1/p/jobs\n   {\"name\": \"s\"}\n\n.. TESTSETUP\n\n"
                ".. code-block::\n\n   GET /v1/p/jobs\n\n.. NOTCONSOLE\n\n"
                ".. code-block::\n\n   {\"name\": \"t\"}")
    doc = parse_rst(page(requests, "None"), "p.rst")
    assert [e.role for e in doc.examples] == [Role.SETUP, Role.TEST]
    assert doc.examples[0].expected == () and doc.examples[1].expected[0].status == 200


def test_page_contradictions_are_warnings() -> None:
    requests = (".. code-block::\n\n   POST /v2/p/other\n   {\"count\": 1}\n\n"
                ".. code-block::\n\n   {\"count\": 1, \"colour\": \"red\"}")
    responses = ".. code-block::\n\n   {\"id\": 5, \"done\": \"true\"}"
    doc = parse_rst(page(requests, responses), "p.rst")
    found = codes(doc)
    assert found.count("path-mismatch") == 1
    assert "missing-required-key" in found and "undocumented-key" in found
    assert found.count("response-type-mismatch") == 2  # id is a String, done a Boolean
    assert all(d.level is Level.WARNING for d in doc.diagnostics)


def test_example_section_without_code() -> None:
    text = page("See the console.", "None")
    doc = parse_rst(text, "p.rst")
    (missing,) = [d for d in doc.diagnostics if d.code == "example-without-code"]
    assert missing.span.line == line_of(text, "Example Requests") and doc.examples == ()


def test_markup_errors_become_diagnostics_not_output(capsys: pytest.CaptureFixture[str]) -> None:
    text = ("Title\n=====\n\n.. table:: broken\n\n   +---+\n   | a\n\n.. unknown-directive:: x\n\n"
            ".. include:: /etc/passwd\n")
    doc = parse_rst(text, "bad.rst")
    assert "rst-markup" in codes(doc)
    assert all(d.span.path == "bad.rst" and d.span.line >= 1 for d in doc.diagnostics)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("text", ["", "\n\n", "::\n\n", ".. code-block::", "Example Requests\n----------------\n",
                                  "URI\n===\n\nPOST\n", "=====\nX\n=====\n" * 3, "\x00\ufeff.. |x| image::"])
def test_degenerate_input_never_raises(text: str) -> None:
    doc = parse_rst(text, "odd.rst")
    assert isinstance(doc, Document)
    assert all(d.span.line >= 1 for d in doc.diagnostics)


def test_docutils_registries_are_restored() -> None:
    from docutils.parsers.rst import directives, roles
    before = (dict(getattr(directives, "_directives")), dict(getattr(roles, "_roles")))
    parse_rst(page("None", "None"), "p.rst")
    assert (getattr(directives, "_directives"), getattr(roles, "_roles")) == before


def test_a_parse_after_an_in_process_sphinx_build_is_the_same(tmp_path: Path) -> None:
    # docutils_namespace() rebinds docutils' directive and role tables when a build ends;
    # the parser's own handlers must still be the ones used afterwards
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    page = Path(__file__).resolve().parents[2] / "docs_src/cloud/cdm/stopping_a_job.rst"
    text = page.read_text(encoding="utf-8")
    before = parse_rst(text, "stopping_a_job.rst")
    (tmp_path / "conf.py").write_text("", encoding="utf-8")
    (tmp_path / "index.rst").write_text("T\n=\n\n.. code-block:: python\n\n   x = 1\n", encoding="utf-8")
    with docutils_namespace():
        app = Sphinx(str(tmp_path), str(tmp_path), str(tmp_path / "_b"), str(tmp_path / "_d"), "html",
                     status=None, warning=None, freshenv=True)
        app.build()
    assert parse_rst(text, "stopping_a_job.rst") == before


def test_a_response_is_checked_after_its_own_substitutions() -> None:
    # `...` is not JSON; the page's TESTRESPONSE substitution turns it into a $body reference,
    # so the body a test matches is JSON and no warning is due (the build checks it the same way)
    text = page('.. code-block:: json\n\n   {"name": "a", "count": 2}',
                '.. code-block::\n\n   {"took": ..., "ok": true}\n\n.. TESTRESPONSE[s/\\.\\.\\./$body.took/]')
    doc = parse_rst(text, "p.rst")
    (expected,) = doc.examples[0].expected
    assert (expected.body, expected.body_kind) == ('{"took": $body.took, "ok": true}', BodyKind.JSON)
    assert doc.diagnostics == ()


def test_a_stray_directive_in_a_comment_with_its_text_on_the_next_line_is_warned() -> None:
    text = ("Title\n=====\n\nURI\n---\n\nGET /v1/x\n\n..\n   TEST[s/aaa/bbb/]\n\nExample Request\n---------------\n\n"
            ".. code-block::\n\n   GET /v1/x\n\n.. TEST[skip:later]\n")
    doc = parse_rst(text, "p.rst")
    (stray,) = [d for d in doc.diagnostics if d.code == "unpaired-directive"]
    assert stray.span.line == 9 and doc.examples[0].skip == "later"
