"""The console body grammar (reference §6): requests, bodies, comments, yaml blocks, errors."""

from __future__ import annotations

import pytest

from harness.model import BodyKind, Level, Span
from harness.parsers.console import (
    STARTYAML,
    body_kind,
    parse_console,
    parse_console_detail,
)

SPAN = Span("p.asciidoc", 20, 1, 40)


def test_several_requests_comments_and_method_path_on_separate_lines() -> None:
    contents = 'GET /a?pretty\n\n# make an index\nPUT\nidx\n{\n  "settings": {}\n}\nDELETE /idx\n'
    requests, problems = parse_console(contents, SPAN)
    assert problems == []
    assert [(r.method, r.path, r.body_kind) for r in requests] == [
        ("GET", "/a?pretty", BodyKind.NONE), ("PUT", "idx", BodyKind.JSON), ("DELETE", "/idx", BodyKind.NONE)]
    assert [r.span.line for r in requests if r.span] == [20, 23, 28]
    assert requests[1].body == '{\n  "settings": {}\n}'


def test_bulk_bodies_are_ndjson() -> None:
    (request,), _ = parse_console('POST _bulk\n{"index": {}}\n{"a": 1}\n{"index": {}}\n{"a": 2}\n', SPAN)
    assert request.body_kind is BodyKind.NDJSON and request.body is not None and request.body.count("\n") == 3


def test_block_quotes_become_json_strings() -> None:
    (request,), problems = parse_console('POST /_sql\n{"query": """\n  SELECT "a"\n"""}\n', SPAN)
    assert problems == [] and request.body == '{"query": "\\n  SELECT \\"a\\"\\n"}'
    assert request.body_kind is BodyKind.JSON


def test_unterminated_block_quote_is_an_error() -> None:
    _, problems = parse_console('POST /_sql\n{"query": """SELECT\n', SPAN)
    (problem,) = problems
    assert problem.code == "unterminated-block-quote" and problem.level is Level.ERROR and problem.span.line == 21


def test_blank_line_inside_a_body_is_an_error_with_a_hint() -> None:
    _, problems = parse_console('PUT /idx\n{\n  "a": 1,\n\n  "b": 2\n}\n', SPAN)
    (problem,) = problems
    assert problem.code == "bad-console-body" and problem.span.line == 24 and "blank line" in problem.hint


@pytest.mark.parametrize("contents,hint", [
    ("PATCH /idx\n", "PATCH is not supported"),
    ("get /idx\n", "upper case"),
    ("#\n", "comment needs text"),
    ("hello\n", "METHOD path"),
])
def test_what_the_grammar_rejects(contents: str, hint: str) -> None:
    _, problems = parse_console(contents, SPAN)
    (problem,) = problems
    assert problem.level is Level.ERROR and hint in problem.hint


def test_patch_is_a_request_line_only_in_the_configurations_own_console_text() -> None:
    """Elasticsearch's build has no PATCH (a page keeps its grammar); docharness.toml's named setups and teardowns
    may need it to end what a test started on a live target (Flink cancels a job with PATCH)."""
    contents = 'PATCH /jobs/1?mode=cancel\nPATCH /x\n{"a": 1}\nDELETE /jars/1\n'
    requests, problems = parse_console(contents, SPAN, patch=True)
    assert problems == [] and [(r.method, r.path, r.body) for r in requests] == [
        ("PATCH", "/jobs/1?mode=cancel", None), ("PATCH", "/x", '{"a": 1}'), ("DELETE", "/jars/1", None)]
    _, problems = parse_console(contents, SPAN)
    assert [p.code for p in problems] == ["bad-console-body"] and "docharness.toml" in problems[0].hint


def test_empty_snippet() -> None:
    assert [p.code for p in parse_console("", SPAN)[1]] == ["empty-console-snippet"]


def test_startyaml_is_recorded_and_a_trailing_comment_loses_the_catch() -> None:
    parsed = parse_console_detail("GET /a\nstartyaml\n  - match: {a: 1}\nendyaml\n", SPAN)
    assert [r.method for r in parsed.requests] == ["GET", STARTYAML] and not parsed.ends_with_request
    assert parsed.requests[1].body == "\n  - match: {a: 1}\n"
    assert not parse_console_detail("GET /a\n# done\n", SPAN).ends_with_request
    assert parse_console_detail("# first\nGET /a\n", SPAN).ends_with_request


def test_body_kind() -> None:
    assert body_kind('{"a": 1}') is BodyKind.JSON
    assert body_kind('{"a": 1}\n{"b": 2}') is BodyKind.NDJSON
    assert body_kind("{ ... }") is BodyKind.TEXT


def json_warnings(contents: str, **options: bool) -> list[tuple[int, int, str]]:
    parsed = parse_console_detail(contents, SPAN, **options)
    return [(d.span.line, d.span.column, d.message) for d in parsed.diagnostics if d.code == "invalid-request-json"]


@pytest.mark.parametrize("contents", [
    'PUT /idx\n{"a": 1}\n',
    'POST _bulk\n{"index": {}}\n{"a": 1}\n',
    'POST /idx/_search\n{\n  // what to find\n  "query": {"match_all": {}} /* all */\n}\n',  # the runner allows comments
    'POST _bulk\n{\n  "index": {}\n}\n{"a": 1}\n',  # a stream of objects, one spread over lines
    'POST /_sql\n{"query": """\n  SELECT "a" // not a comment\n"""}\n',
    'PUT /idx\n{"url": "http://x/*y*/"}\n',
])
def test_bodies_the_runner_reads_get_no_warning(contents: str) -> None:
    assert json_warnings(contents) == []


@pytest.mark.parametrize("contents,line,column,message", [
    ('PUT /idx\n{\n  "a": 1,\n}\n', 22, 9, "a trailing comma before '}'"),
    ('POST _bulk\n{"index": {}}\n{"a": 1\n', 22, 8, "Expecting ',' delimiter"),
    ('POST /_sql\n{"query": """\n  SELECT 1\n""", "x": [1,]}\n', 23, 13, "a trailing comma before ']'"),
    ('POST /s/scroll\n{"scroll_id": $body._scroll_id}\n', 21, 15, "unquoted stash reference"),
    ('POST /idx/_search\n["a", "b"]\n', 21, 1, "expected a JSON object, found an array"),
    ('POST /idx/_search\n{"a": 1}\n"text"\n', 22, 1, "expected a JSON object, found a string"),
    ('GET /a\nPUT /idx\nname: value\n', 22, 1, "Expecting value"),
])
def test_bodies_the_runner_rejects_are_warned_at_their_line_and_column(
        contents: str, line: int, column: int, message: str) -> None:
    ((at_line, at_column, text),) = json_warnings(contents)
    assert (at_line, at_column) == (line, column) and message in text and f"(column {column})" in text


def test_invalid_body_checks_can_be_turned_off_and_name_substitutions() -> None:
    assert json_warnings('PUT /idx\n{"a": 1,}\n', check_bodies=False) == []
    ((_, _, message),) = json_warnings('PUT /idx\n{"a": ten}\n', substituted=True)
    assert "after the page's substitutions, at 'ten}'" in message


def test_a_body_cut_by_a_blank_line_gets_the_error_only() -> None:
    _, problems = parse_console('PUT /idx\n{\n  "a": 1,\n\n  "b": 2\n}\n', SPAN)
    assert [p.code for p in problems] == ["bad-console-body"]


def test_an_http_version_after_the_path_is_said_not_sent_unsaid() -> None:
    """Elasticsearch's build reads the whole rest of the line as the path; so does this grammar, but not unsaid."""
    requests, diagnostics = parse_console("GET /_search HTTP/1.1\nGET /_cat/indices?v\n", Span("p.asciidoc", 3))
    assert [r.path for r in requests] == ["/_search HTTP/1.1", "/_cat/indices?v"]
    assert [(d.code, d.level, d.span.line) for d in diagnostics] == [("http-version-in-path", Level.WARNING, 3)]
