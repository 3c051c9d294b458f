"""The HTML front-end: the DLI seed page and crafted pages for the variations real exports show."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from harness.model import BodyKind, Document, Level, MatchPolicy, Role, from_json, to_json
from harness.parsers import parse
from harness.parsers.prose import with_prose
from harness.parsers.html import parse_html

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "samples" / "html"
DLI = "docs_src/cloud/dli/stopping_jobs_in_batches.html"


def page(requests: str, responses: str) -> str:
    text = (SAMPLES / "base_page.html").read_text(encoding="utf-8")
    return text.replace("{{REQUESTS}}", requests).replace("{{RESPONSES}}", responses)


# the body-parameter rows of samples/html/base_page.html, which the span tests rewrite
BODY_ROWS = ("<tr><td>name</td><td>Yes</td><td>String</td><td>Job name</td></tr>\n"
             "<tr><td>count</td><td>No</td><td>Integer</td><td>How many runs</td></tr>")


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.fixture(scope="module")
def dli() -> Document:
    return parse_html((ROOT / DLI).read_text(encoding="utf-8"), DLI)


def test_dli_operation(dli: Document) -> None:
    assert dli.format.value == "html" and dli.title == "Stopping Jobs in Batches"
    assert dli.description == "This API is used to stop running jobs in batches."
    (op,) = dli.operations
    assert (op.method, op.path) == ("POST", "/v1.0/{project_id}/streaming/jobs/stop")
    text = (ROOT / DLI).read_text(encoding="utf-8")
    assert op.span is not None and op.span.line == line_of(text, "POST /v1.0/{project_id}/streaming/jobs/stop</p>")
    assert [(p.name, p.location, p.required, p.type) for p in op.parameters] == [
        ("project_id", "path", True, "String"), ("job_ids", "body", True, "Array of Long"),
        ("trigger_savepoint", "body", False, "Boolean")]
    assert [s.code for s in op.status_codes] == [200, 400]


def test_dli_nested_response_table(dli: Document) -> None:
    op = dli.operations[0]
    (field,) = op.response_fields
    assert (field.name, field.type) == ("Array elements", "Array of Objects")
    (table,) = op.objects
    assert field.object_ref == table.name  # linked by <a href="#..."> to the table's id
    assert [(f.name, f.type) for f in table.fields] == [("is_success", "Boolean"), ("message", "String")]


def test_dli_body_only_example(dli: Document) -> None:
    text = (ROOT / DLI).read_text(encoding="utf-8")
    (example,) = dli.examples
    pre_line = line_of(text, 'id="dli_02_0241__screen15209183612499"')
    assert example.name == f"line_{pre_line}"
    (request,) = example.requests
    assert (request.method, request.path, request.body_kind) == (
        "POST", "/v1.0/{project_id}/streaming/jobs/stop", BodyKind.JSON)
    assert json.loads(request.body or "") == {"job_ids": [128, 137], "trigger_savepoint": False}
    assert example.variables == ("project_id",)
    (expected,) = example.expected
    assert expected.status == 200 and expected.body_kind is BodyKind.JSON and expected.match is None
    assert json.loads(expected.body or "") == [
        {"is_success": "true", "message": "The request for stopping DLI jobs is delivered successfully."}]


def test_dli_documented_boolean_shown_as_string_is_a_warning(dli: Document) -> None:
    (warning,) = dli.diagnostics
    assert (warning.level, warning.code) == (Level.WARNING, "response-type-mismatch")
    assert "is_success" in warning.message and "Boolean" in warning.message
    text = (ROOT / DLI).read_text(encoding="utf-8")
    assert warning.span.line == line_of(text, '[{"is_success":"true",')
    source_line = text.splitlines()[warning.span.line - 1]
    assert warning.source_line == source_line
    assert source_line[warning.span.column - 1:warning.span.end_column] == '"is_success"'


def test_dli_round_trips_and_dispatch(dli: Document) -> None:
    assert from_json(Document, to_json(dli)) == dli
    assert pickle.loads(pickle.dumps(dli)) == dli
    text = (ROOT / DLI).read_text(encoding="utf-8")
    # the dispatcher adds the captions and notices (harness.parsers.prose) to what the format parser read
    assert parse(text, DLI) == with_prose(dli, text)
    assert parse(text, DLI[:-1]) == with_prose(parse_html(text, DLI[:-1]), text)  # .htm too


def test_each_table_gets_only_the_anchors_right_before_it() -> None:
    tables = ('<a name="t-option"></a><table><caption>Table 5 JobOption</caption><tr><th>Parameter</th><th>Type</th>'
              '</tr><tr><td>mode</td><td>String</td></tr></table>\n'
              '<a name="t-limits"></a><table><caption>Table 6 JobLimits</caption><tr><th>Parameter</th><th>Type</th>'
              '</tr><tr><td>max</td><td>Integer</td></tr></table>')
    text = page('<pre>{"name": "a", "option": {"mode": "x"}}</pre>', "<p>None</p>").replace(
        "</tbody></table></div>\n<div class=\"section\"><h4 class=\"sectiontitle\">Response",
        "<tr><td>option</td><td>No</td>"
        '<td>JobOption object</td><td>see <a href="#t-option">Table 5</a></td></tr><tr><td>limits</td><td>No</td>'
        '<td>Object</td><td>see <a href="#t-limits">Table 6</a></td></tr></tbody></table>' + tables +
        "</div>\n<div class=\"section\"><h4 class=\"sectiontitle\">Response", 1)
    op = parse_html(text, "p.html").operations[0]
    assert {p.name: p.object_ref for p in op.parameters}["option"] == "JobOption"
    assert {p.name: p.object_ref for p in op.parameters}["limits"] == "JobLimits"
    assert [(o.name, o.fields[0].name) for o in op.objects] == [("JobOption", "mode"), ("JobLimits", "max")]


def test_rowspan_and_colspan_keep_columns_aligned() -> None:
    text = page("<p>None</p>", "<p>None</p>").replace(
        BODY_ROWS,
        '<tr><td>name</td><td rowspan="2">Yes</td><td>String</td><td>Job name</td></tr>\n'
        '<tr><td>count</td><td>Integer</td><td>How many runs</td></tr>\n'
        '<tr><td>mode</td><td colspan="2">No (String)</td><td>Mode</td></tr>')
    op = parse_html(text, "p.html").operations[0]
    assert [(p.name, p.required, p.type, p.description) for p in op.parameters if p.location == "body"] == [
        ("name", True, "String", "Job name"), ("count", True, "Integer", "How many runs"),
        ("mode", None, "No (String)", "Mode")]


def test_spans_written_in_capitals_and_links_inside_a_nested_table_count() -> None:
    # the walker skips span and link lookups on tables that cannot have them: these must still be read
    text = page("<p>None</p>", "<p>None</p>").replace(
        BODY_ROWS,
        '<tr><td>name</td><td ROWSPAN="2">Yes</td><td>String</td><td>Job name</td></tr>\n'
        '<tr><td>count</td><td>Integer</td><td><table><tr><td>see <a href="#T-Opt">Table 5</a></td></tr>'
        "</table></td></tr>\n", 1).replace(
        "</div>\n<div class=\"section\"><h4 class=\"sectiontitle\">Response",
        '<table id="t-opt"><caption>Table 5 JobOpt</caption><thead><tr><th>Parameter</th><th>Type</th></tr>'
        "</thead><tbody><tr><td>mode</td><td>String</td></tr></tbody></table>"
        "</div>\n<div class=\"section\"><h4 class=\"sectiontitle\">Response", 1)
    op = parse_html(text, "p.html").operations[0]
    body = {p.name: (p.required, p.object_ref) for p in op.parameters if p.location == "body"}
    assert body == {"name": (True, ""), "count": (True, "JobOpt")}


def test_a_row_has_its_own_cells_only_whatever_is_nested_in_them() -> None:
    # the cells of a table are gathered in one pass and given to their rows: a nested table's cells, and
    # cells whose parent is no row of this table, are no cells of its rows; a comment between cells is none
    text = page("<p>None</p>", "<p>None</p>").replace(
        BODY_ROWS,
        '<tr><td><table><tr><td>inner</td><td>cell</td></tr></table>name</td><!-- x --><td>Yes</td>'
        "<td><p>String</p>\n</td><td>Job <b>name</b></td></tr>\n"
        "<tr><th>count</th><td>No</td><td>Integer</td><td>How many runs</td></tr>", 1)
    op = parse_html(text, "p.html").operations[0]
    assert [(p.name, p.required, p.type, p.description) for p in op.parameters if p.location == "body"] == [
        ("innercellname", True, "String", "Job name"), ("count", False, "Integer", "How many runs")]


def test_comment_directives_after_pre() -> None:
    text = page('<pre>{"name": "a"}</pre>\n<!-- TEST[catch:missing] -->\n<pre>{"name": "b"}</pre>\n'
                "<!-- TEST[skip:todo] -->\n<!-- TEST [continued] -->",
                '<pre>{"id": "x", "done": true}</pre>\n<!-- TESTRESPONSE[s/"x"/$body.id/] -->')
    doc = parse_html(text, "p.html")
    first, second = doc.examples
    assert first.catch == "missing" and second.skip == "todo" and not second.continued
    directive = first.directives[0]
    assert (directive.name, directive.args, directive.span.line) == ("TEST", "catch:missing",
                                                                    line_of(text, "TEST[catch:missing]"))
    assert directive.span.column == 6  # after "<!-- "
    assert first.expected[0].body == '{"id": $body.id, "done": true}'
    (miss,) = [d for d in doc.diagnostics if d.code == "malformed-directive"]
    assert miss.span.line == line_of(text, "TEST [continued]")


def test_list_labels_none_and_request_line_paragraph() -> None:
    requests = "<ul><li>Example request<p>GET https://{endpoint}/v1/{project_id}/jobs?limit=10</p></li></ul>"
    responses = "<ul><li>Example response<p>None</p></li></ul>"
    doc = parse_html(page(requests, responses), "p.html")
    (example,) = doc.examples
    (request,) = example.requests
    assert (request.method, request.path, request.body) == ("GET", "/v1/{project_id}/jobs?limit=10", None)
    assert example.variables == ("endpoint", "project_id")
    (expected,) = example.expected
    assert (expected.body, expected.body_kind, expected.status) == (None, BodyKind.NONE, 200)
    assert [d.code for d in doc.diagnostics] == ["path-mismatch"]  # GET is not the documented POST


def test_request_line_block_then_body_block_and_bold_status() -> None:
    text = page('<pre class="screen">POST https://{Endpoint}/v1/{project_id}/jobs</pre>\n'
                '<p>Body:</p>\n<pre class="language-json">\n{\n  "name": "a",\n  // a comment\n}</pre>',
                '<p><strong>Status code: 200</strong></p>\n<pre>ok</pre>')
    doc = parse_html(text, "p.html")
    (example,) = doc.examples
    (request,) = example.requests
    assert request.path == "/v1/{project_id}/jobs" and request.body_kind is BodyKind.TEXT
    assert request.body is not None and "// a comment" in request.body
    (invalid,) = [d for d in doc.diagnostics if d.code == "invalid-json"]
    assert invalid.span.line == line_of(text, "// a comment")  # the newline after <pre> is not content
    (expected,) = example.expected
    assert (expected.body, expected.body_kind, expected.status) == ("ok", BodyKind.TEXT, 200)


def test_line_breaks_inside_pre_and_paragraphs() -> None:
    requests = '<p>POST /v1/{project_id}/jobs<br/>POST /v1/{project_id}/jobs?dry_run=true</p>'
    doc = parse_html(page(requests, "<p>None</p>"), "p.html")
    assert [(r.method, r.path, r.body) for e in doc.examples for r in e.requests] == [
        ("POST", "/v1/{project_id}/jobs", None), ("POST", "/v1/{project_id}/jobs?dry_run=true", None)]
    (body_only,) = [e for e in parse_html(page('<pre>{"name":<br>"a"}</pre>', "<p>None</p>"), "p.html").examples]
    assert body_only.requests[0].body == '{"name":\n"a"}'


def test_several_examples_and_status_headings() -> None:
    requests = '<p>Create a</p><pre>{"name": "a"}</pre><p>Create b</p><pre>{"name": "b"}</pre>'
    responses = ('<p><b>Status code: 201</b></p><pre>{"id": "1"}</pre>'
                 '<p><b>Status code: 201</b></p><pre>{"id": "2"}</pre>'
                 '<p><b>Status code: 400</b></p><pre>{"error_code": "X"}</pre>')
    doc = parse_html(page(requests, responses), "p.html")
    assert [e.expected[0].body for e in doc.examples] == ['{"id": "1"}', '{"id": "2"}']
    assert [e.expected[0].status for e in doc.examples] == [201, 201]


def test_testresponse_non_json_and_teardown() -> None:
    doc = parse_html(page('<pre>POST /v1/p/jobs\n{"name": "a"}</pre><!-- TEARDOWN -->\n<pre>{"name": "b"}</pre>',
                          "<pre>id  done\n1   yes</pre>\n<!-- TESTRESPONSE[non_json] -->"), "p.html")
    assert [e.role for e in doc.examples] == [Role.TEARDOWN, Role.TEST]
    (expected,) = doc.examples[1].expected
    assert expected.match is MatchPolicy.NON_JSON and expected.source == "id  done\n1   yes"
    assert expected.body is not None and expected.body.startswith("/") and "\\s+" in expected.body


def test_example_sections_without_code() -> None:
    text = page("<p>Use the console.</p>", "<p>It works.</p>")
    doc = parse_html(text, "p.html")
    missing = [d for d in doc.diagnostics if d.code == "example-without-code"]
    assert [d.span.line for d in missing] == [line_of(text, "Example Request"), line_of(text, "Example Response")]


@pytest.mark.parametrize("text", ["", "   ", "<", "<html>", "<?xml version='1.0' encoding='utf-8'?><p>x</p>",
                                  "<table><tr><td>Status Code</td></tr><tr><td>abc</td></tr></table>",
                                  "<h4>Example Request</h4><pre></pre><!-- TEST[", "\x00<pre>GET /x</pre>"])
def test_degenerate_input_never_raises(text: str) -> None:
    doc = parse_html(text, "odd.html")
    assert isinstance(doc, Document)
    assert all(d.span.line >= 1 for d in doc.diagnostics)


def test_an_example_with_catch_gets_the_documented_error_response() -> None:
    text = page('<pre>{"name": "a"}</pre>\n<pre>{"name": "b"}</pre>\n<!-- TEST[catch:conflict] -->\n'
                '<pre>{"name": "c"}</pre>',
                '<p><strong>Status code: 200</strong></p>\n<pre>{"id": "1"}</pre>\n'
                '<p><strong>Status code: 409</strong></p>\n<pre>{"errors": ["already finished"]}</pre>\n'
                '<p><strong>Status code: 200</strong></p>\n<pre>{"id": "3"}</pre>')
    first, second, third = parse_html(text, "p.html").examples
    assert [(e.expected[0].status, e.expected[0].body) for e in (first, second, third)] == [
        (200, '{"id": "1"}'), (409, '{"errors": ["already finished"]}'), (200, '{"id": "3"}')]
