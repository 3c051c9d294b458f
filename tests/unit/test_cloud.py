"""The format-neutral cloud-page rules: sections, request lines, tables, request blocks, checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.model import BodyKind, Level, Span
from harness.parsers.cloud_checks import template_pattern
from harness.parsers.cloud_requests import read_body, split_block
from harness.parsers.cloud_sections import (
    Kind,
    find_request_line,
    placeholders,
    section_kind,
    split_sections,
    split_target,
    status_label,
)
from harness.parsers.cloud_tables import read_tables
from harness.parsers.html import parse_html
from harness.parsers.page import Cell, Heading, Table, Text
from harness.parsers.rst import parse_rst

SPAN = Span("p.rst", 10)


@pytest.mark.parametrize(("title", "kind"), [
    ("Example Requests", Kind.EXAMPLE_REQUEST), ("Request Example", Kind.EXAMPLE_REQUEST),
    ("Example Response", Kind.EXAMPLE_RESPONSE), ("Response Examples", Kind.EXAMPLE_RESPONSE),
    ("Request Parameters", Kind.REQUEST), ("Request", Kind.REQUEST), ("Response Parameters", Kind.RESPONSE),
    ("URI", Kind.URI), ("URI format", Kind.URI), ("Status Codes", Kind.STATUS), ("Returned Values", Kind.STATUS),
    ("Function", Kind.FUNCTION), ("Error Codes", Kind.OTHER), ("Constraints", Kind.OTHER),
    ("Status code: 200", Kind.OTHER)])
def test_section_kind(title: str, kind: Kind) -> None:
    assert section_kind(title) is kind


@pytest.mark.parametrize(("target", "path"), [
    ("https://{Endpoint}/v1.0/{project_id}/streaming/jobs/stop", "/v1.0/{project_id}/streaming/jobs/stop"),
    ("{endpoint}/v1/{project_id}/jobs?limit=1", "/v1/{project_id}/jobs?limit=1"),
    ("http://ecs.example.com:8443/v2/x", "/v2/x"), ("https://host.example.com", "/"),
    ("/v1/{project_id}/jobs", "/v1/{project_id}/jobs"), ("_xpack/rollup/job/x/_stop", "_xpack/rollup/job/x/_stop")])
def test_split_target(target: str, path: str) -> None:
    assert split_target(target) == path


def test_request_line_found_at_its_line_and_placeholders() -> None:
    found = find_request_line("Use this:\n  PUT https://{ELB_Endpoint}/v3/{project-id}/x HTTP/1.1\n", SPAN)
    assert found is not None
    assert (found.method, found.path, found.span.line) == ("PUT", "/v3/{project-id}/x", 11)
    assert placeholders(found.target) == ("ELB_Endpoint", "project-id")
    assert find_request_line("Delete the job when done.", SPAN) is None
    assert placeholders('{"a": {"b": 1}} {x} {x}') == ("x",)


def test_nested_unknown_heading_inherits_kind_and_labels_become_headings() -> None:
    blocks = [Heading("Example Requests", 2, SPAN), Heading("Creating a job", 3, SPAN), Text("x", SPAN),
              Heading("Response", 2, SPAN), Text("Example response", SPAN, strong=True), Text("y", SPAN)]
    sections = split_sections(list(blocks))
    assert [s.kind for s in sections] == [Kind.OTHER, Kind.EXAMPLE_REQUEST, Kind.EXAMPLE_REQUEST, Kind.RESPONSE,
                                          Kind.EXAMPLE_RESPONSE]
    inside = split_sections([Heading("Examples", 2, SPAN), Text("Request:", SPAN), Text("Response", SPAN),
                             Text("Request succeeded.", SPAN), Text("Response body with the job.", SPAN)])
    assert [s.kind for s in inside] == [Kind.OTHER, Kind.EXAMPLE_REQUEST, Kind.EXAMPLE_REQUEST,
                                        Kind.EXAMPLE_RESPONSE]
    assert [len(s.blocks) for s in inside] == [0, 0, 0, 2]


def test_status_label() -> None:
    assert status_label("Status code: 200") == 200 and status_label("Status Code：404 ") == 404
    assert status_label("Status codes") is None and status_label("The status code 200 means") is None
    # the case-insensitive search, not lower(): a long s (U+017F) is an s to it, and upper case is read too
    assert status_label("\u017ftatus code: 201") == 201 and status_label("STATUS CODE: 202") == 202


def _table(caption: str, header: tuple[str, ...], rows: list[tuple[str, ...]], anchors: tuple[str, ...] = (),
           links: dict[str, str] | None = None) -> Table:
    links = links or {}
    return Table(caption, tuple(Cell(h) for h in header),
                 tuple(tuple(Cell(c, (links[c],) if c in links else ()) for c in row) for row in rows), anchors, SPAN)


def test_tables_locations_objects_and_status_codes() -> None:
    blocks = [
        Heading("URI", 2, SPAN),
        _table("Table 1 Path parameters", ("Parameter", "Mandatory", "Type", "Description"),
               [("project_id", "Yes", "String", "Project"), ("limit", "No", "Integer", "Page size")]),
        Heading("Request Parameters", 2, SPAN),
        _table("Table 2 Request header parameters", ("Parameter", "Mandatory", "Type", "Description"),
               [("X-Auth-Token", "Yes", "String", "Token")]),
        _table("Table 3 Request body parameters", ("Parameter", "Mandatory", "Type", "Description"),
               [("reboot", "Yes", "Object", "see Table 4"), ("tags", "No", "Array of Tag objects", "Tags"),
                ("insert_headers", "No", "HeaderOption object", "")],
               links={"see Table 4": "t4"}),
        _table("Table 4 reboot field description", ("Parameter", "Mandatory", "Type", "Description"),
               [("type", "Yes", "String", "SOFT or HARD")], anchors=("t4",)),
        _table("Table 5 Tag", ("Name", "Required", "Data Type", "Description"), [("key", "true", "String", "Key")]),
        _table("Table 6 HeaderOption", ("Parameter", "Mandatory", "Type", "Description"),
               [("X-Forwarded-Host", "No", "Boolean", "")]),
        Heading("Response Parameters", 2, SPAN),
        Text("Status code: 200", SPAN, strong=True),
        _table("Table 6 Response body parameters", ("Parameter", "Type", "Description"), [("job_id", "String", "")]),
        Text("Status code: 400", SPAN, strong=True),
        _table("Table 7 Response body parameters", ("Parameter", "Type", "Description"),
               [("error_code", "String", "")]),
        Heading("Status Codes", 2, SPAN),
        _table("", ("Status Code", "Description"), [("200", "OK"), ("4xx", "client error")]),
    ]
    found = read_tables(split_sections(blocks), "/v1/{project_id}/servers", "p.rst")
    assert [(p.name, p.location, p.required, p.object_ref) for p in found.parameters] == [
        ("project_id", "path", True, ""), ("limit", "query", False, ""), ("X-Auth-Token", "header", True, ""),
        ("reboot", "body", True, "reboot"), ("tags", "body", False, "Tag"),
        ("insert_headers", "body", False, "HeaderOption")]
    assert [(o.name, [(f.name, f.location) for f in o.fields]) for o in found.objects] == [
        ("reboot", [("type", "body")]), ("Tag", [("key", "body")]), ("HeaderOption", [("X-Forwarded-Host", "body")])]
    assert [f.name for f in found.response_fields] == ["job_id"]  # the 400 table is not the success body
    assert [s.code for s in found.status_codes] == [200]
    (bad,) = found.diagnostics
    assert bad.code == "bad-status-code" and bad.level is Level.WARNING


def test_split_block_variants() -> None:
    text = "POST https://{e}/v1/x\nContent-Type: application/json\n\n{\"a\": 1}\n\nDELETE /v1/x/1\n"
    first, second = split_block(text, SPAN, 12)
    assert first.line is not None
    assert (first.line.method, first.line.path, first.line.span.line) == ("POST", "/v1/x", 12)
    assert first.headers == (("Content-Type", "application/json"),)
    assert (first.body, first.body_line) == ('{"a": 1}', 15)
    assert second.line is not None and second.line.span.line == 17 and second.body == ""
    (split,) = split_block("POST\n\nhttps://{e}/v1/x  \n\n{\"a\": 1}", SPAN, 30)
    assert split.line is not None
    assert (split.line.method, split.line.path, split.line.span.line) == ("POST", "/v1/x", 30)
    assert (split.body, split.body_line) == ('{"a": 1}', 34)
    (only,) = split_block('{"a": 1}', SPAN, 20)
    assert only.line is None and only.body_line == 20


@pytest.mark.parametrize(("body", "kind", "warns"), [
    ("", BodyKind.NONE, False), ('{"a": 1}', BodyKind.JSON, False), ('{"a": 1}\n{"b": 2}', BodyKind.NDJSON, False),
    ("ok", BodyKind.TEXT, False), ('{"a": 1,}', BodyKind.TEXT, True), ('[1, 2 // two\n]', BodyKind.TEXT, True)])
def test_read_body(body: str, kind: BodyKind, warns: bool) -> None:
    found, problem = read_body(body, 5, "p.rst")
    assert found is kind and (problem is not None) is warns
    if problem is not None:
        assert problem.level is Level.WARNING and problem.span.line >= 5


def test_template_pattern() -> None:
    pattern = template_pattern("/v1.0/{project_id}/jobs/{job_id}?x={y}")
    assert pattern.fullmatch("/v1.0/abc/jobs/12") and pattern.fullmatch("/v1.0/{project_id}/jobs/{job_id}/")
    assert not pattern.fullmatch("/v1.0/abc/jobs") and not pattern.fullmatch("/v1x0/abc/jobs/1")


@pytest.mark.parametrize("template, path", [
    ("/v1.0/{project_id}/jobs/{job_id}?x={y}", "/v1.0/abc/jobs/12"), ("/v1/{a}-{b}/x", "/v1/1-2/x"),
    ("/v1/{a}-{b}/x", "/v1/12/x"), ("/v1/<id>", "/v1/"), ("/v1/<id>", "/v1/7/"), ("/", "/"), ("/", "/x"),
    ("/v1/x/", "/v1/x"), ("/v1/{a}", "/v1/a/b"), ("/v1/{a/b}", "/v1/{a/b}"), ("/v1/{a/b}", "/v1/x/b}"),
    ("/v1/a.b", "/v1/axb")])
def test_path_fits_is_the_template_pattern_one_segment_at_a_time(template: str, path: str) -> None:
    from harness.parsers.cloud_checks import path_fits

    assert path_fits(template, path) is bool(template_pattern(template).fullmatch(path))


def test_response_types_follow_object_tables_without_false_alarms() -> None:
    from harness.model import Example, ExpectedResponse, ObjectTable, Operation, Parameter, Request
    from harness.parsers.cloud_checks import check_examples

    listener = ObjectTable("Listener", (Parameter("admin_state_up", "response", type="Boolean"),
                                        Parameter("port", "response", type="Integer")), SPAN)
    op = Operation("GET", "/v3/{project_id}/listeners/{id}", response_fields=(
        Parameter("listener", "response", type="Listener object", object_ref="Listener"),
        Parameter("listeners", "response", type="List<Listener>", object_ref="Listener")), objects=(listener,))
    body = '{"listener": {"admin_state_up": true, "port": "80"}, "listeners": [{"port": 1}, {"port": true}]}'
    example = Example("line_5", SPAN, requests=(Request("GET", "/v3/p/listeners/1", span=SPAN),),
                      expected=(ExpectedResponse(body, body, BodyKind.JSON, 200, span=Span("p.rst", 5, 1, 5)),))
    found = check_examples([example], op, lines=["", "", "", "", body])
    assert [d.message.split(" is documented")[0] for d in found] == ["'listener.port'", "'listeners.port'"]
    assert found[0].span.column == body.find('"port"') + 1


def test_fill_spans_repeats_spanning_cells() -> None:
    from harness.parsers.page import fill_spans

    a, b, c, d, e = (Cell(x) for x in "abcde")
    grid = fill_spans([[(a, 1, 2), (b, 2, 1)], [(c, 1, 1), (d, 1, 1)], [(e, 1, 1)]])
    assert [[cell.text for cell in row] for row in grid] == [["a", "b", "b"], ["a", "c", "d"], ["e"]]


@pytest.mark.parametrize(("text", "method", "path", "headers", "body"), [
    ("post https://{e}/v1/ servers/ s-1/tags HTTP/1.1\n\n{}", "POST", "/v1/servers/s-1/tags", (), "{}"),
    ("Request URL: GET https://{e}/v1/x?limit=1", "GET", "/v1/x?limit=1", (), ""),
    ("https://{endpoint}/v1/x\n\n{\"a\": 1}", "", "/v1/x", (), '{"a": 1}'),
    ("Request URL: https://{endpoint}/v1/x?a=1", "", "/v1/x?a=1", (), ""),
    ("Method: PUT\nPATH: /v1/x/1\n\n{\"a\": 1}", "PUT", "/v1/x/1", (), '{"a": 1}'),
    ("POST /v1/x\n\nContent-Type: application/json\n\n{\"a\": 1}", "POST", "/v1/x",
     (("Content-Type", "application/json"),), '{"a": 1}'),
    ("POST /v1/x\n\napiVersion: v1\nkind: Pod", "POST", "/v1/x", (), "apiVersion: v1\nkind: Pod"),
    ("curl -X PUT 'https://{e}/v1/x?a=1' -H 'X-Language: en' \\\n  --data '{\"a\": 1}'", "PUT", "/v1/x?a=1",
     (("X-Language", "en"),), '{"a": 1}'),
    ("$ curl https://{e}/v1/x -d 'a=1' -d 'b=2'", "POST", "/v1/x", (), "a=1&b=2"),
    ("curl -I https://{e}/v1/x", "HEAD", "/v1/x", (), ""),
])
def test_request_line_forms(text: str, method: str, path: str, headers: tuple[tuple[str, str], ...],
                            body: str) -> None:
    (chunk,) = split_block(text, SPAN, 1)
    assert chunk.line is not None and not chunk.unrecognised
    assert (chunk.line.method, chunk.line.path, chunk.headers, chunk.body) == (method, path, headers, body)


@pytest.mark.parametrize("text", [
    "POST: /v1/x\n{}", "GET/v1/x", "curl -d '{unclosed https://{e}/v1/x", "curl -X POST https://h/v1/x -d @body.json"])
def test_unreadable_request_lines_are_never_bodies(text: str) -> None:
    (chunk,) = split_block(text, SPAN, 4)
    assert chunk.line is None and chunk.unrecognised and chunk.body == "" and chunk.body_line == 4


@pytest.mark.parametrize("text", ["Put the file in /data/x", "GET /v1/x returns the jobs", "Delete the job"])
def test_prose_is_not_a_request_line(text: str) -> None:
    assert find_request_line(text, SPAN) is None


def test_example_labels_start_sections_only_near_examples() -> None:
    span = Span("p.rst", 1)
    blocks = [Heading("Function", 2, span), Text("Example requests are shown below for each case.", span),
              Heading("Example Responses", 2, span), Text("Response to example 2 (status code 400)", span)]
    kinds = [(s.kind, s.heading.title if s.heading else "") for s in split_sections(blocks)]
    assert kinds == [(Kind.OTHER, ""), (Kind.FUNCTION, "Function"), (Kind.EXAMPLE_RESPONSE, "Example Responses"),
                     (Kind.EXAMPLE_RESPONSE, "Response to example 2 (status code 400)")]


def test_tables_kept_apart_nested_and_typed_on_the_regression_pages() -> None:
    samples = Path(__file__).resolve().parents[1] / "samples"
    links = parse_rst((samples / "rst" / "tables-same-name-and-per-type.rst").read_text(encoding="utf-8"), "l.rst")
    (operation,) = links.operations
    # only the generic request table is top level; per-type tables stay objects; request and response
    # "link" tables are two objects; the state table is neither fields nor status codes
    assert [(p.name, p.location, p.object_ref) for p in operation.parameters] == [("link", "body", "link")]
    assert [(p.name, p.object_ref) for p in operation.response_fields] == [("link", "link (response)")]
    assert {o.name for o in operation.objects} == {
        "link", "link (response)", "Properties of an OBS link", "Properties of a MySQL link"}
    assert [s.code for s in operation.status_codes] == [202, 400] and links.diagnostics == ()
    alarms = parse_html((samples / "html" / "uri-method-path-and-query-table.html").read_text(encoding="utf-8"),
                        "a.html")
    (operation,) = alarms.operations
    assert (operation.method, operation.path) == ("GET", "/v1/{project_id}/alarms")
    assert [(p.name, p.location) for p in operation.parameters] == [("limit", "query"), ("start", "query")]
    states = parse_html((samples / "html" / "status-list-label-and-state-table.html").read_text(encoding="utf-8"),
                        "s.html")
    assert states.operations[0].status_codes == () and states.diagnostics == ()
