"""The build's emit checks and generator rules, as Diagnostics (reference §2.2, §3.5-3.7, §4, §5.3, §7)."""

from __future__ import annotations

import json

import pytest

from harness.model import BodyKind, Level, Role
from harness.parsers.asciidoc import parse_asciidoc
from harness.parsers.snippets import munge_response


def block(body: str, *directives: str, lang: str = "js") -> str:
    tail = "".join(f"// {d}\n" for d in directives)
    return f"[source,{lang}]\n----\n{body}\n----\n{tail}\n"


def errors(text: str) -> list[str]:
    return [d.code for d in parse_asciidoc(text, "p.asciidoc").diagnostics if d.level is Level.ERROR]


def warnings(text: str) -> list[str]:
    return [d.code for d in parse_asciidoc(text, "p.asciidoc").diagnostics if d.level is Level.WARNING]


GET = "GET /idx"


@pytest.mark.parametrize("text,code", [
    (block(GET, "CONSOLE", "TEST[continued]"), "continued-first"),
    (block(GET, "TESTSETUP") + block(GET, "CONSOLE", "TEST[continued]"), "continued-after-setup"),
    (block(GET, "TEARDOWN") + block(GET, "CONSOLE", "TEST[continued]"), "continued-after-setup"),
    (block(GET, "CONSOLE") + block(GET, "CONSOLE", "TEST[continued skip:later]"), "continued-skipped"),
    (block(GET, "CONSOLE") + block(GET, "TESTSETUP"), "testsetup-not-first"),
    (block(GET, "CONSOLE") + block(GET, "TEARDOWN"), "teardown-misplaced"),
    (block(GET, "CONSOLE", lang="json"), "bad-language"),
    (block(GET, lang="javascript"), "bad-language"),
    (block(GET, "CONSOLE", lang="js") + block(GET, lang="console"), "console-directive"),
    ('[source,console,id=a]\n----\nGET /a\n----\n\n[source,console,id=a]\n----\nGET /b\n----\n', "duplicate-name"),
    (block('{"a": 1}', "TESTRESPONSE"), "response-without-test"),
    (block(GET, "TESTSETUP") + block('{"a": 1}', "TESTRESPONSE"), "response-in-setup"),
    (block(GET, "CONSOLE") + block('{"took": ...}', "TESTRESPONSE"), "invalid-json-response"),
    (block("ls -l", "NOTCONSOLE", lang="sh"), "needless-notconsole"),
    (block("patch /idx", "CONSOLE"), "bad-console-body"),
    (block('POST /idx\n{"q": """never closed', "CONSOLE"), "unterminated-block-quote"),
    (block(GET, "CONSOLE", "NOTCONSOLE"), "console-twice"),
    (block(GET, "AUTOSENSE"), "autosense"),
    ("// TESTSETUP\n", "unpaired-directive"),
    (block(GET, "CONSOLE", "TEST[s/idx/$index/]"), "bad-substitution"),
    (block(GET, "CONSOLE", "TEST[setup:a  catch:missing]"), "bad-directive-args"),
    ("----\nGET /\n----\n// CONSOLE\n", "missing-language"),
])
def test_build_errors_become_error_diagnostics(text: str, code: str) -> None:
    assert code in errors(text)


@pytest.mark.parametrize("text,code", [
    (block("GET /a\n# trailing comment", "CONSOLE", "TEST[catch:missing]"), "lost-catch"),
    (block(GET, "CONSOLE", "TEST[skip:setup:sensor]"), "skip-looks-like-setup"),
    (block(GET, "TESTSETUP", "TEST[warning:deprecated]"), "warning-in-setup"),
    (block(GET, "CONSOLE", "TEST[skip:later continued]"), "greedy-skip"),
    (block(GET, "CONSOLE", "TEST[]"), "malformed-directive"),
    (block(GET, "CONSOLE", "TEST[setup:x] # note"), "malformed-directive"),
    (block(GET, "CONSOLE", "TEST[setup:x"), "malformed-directive"),
    (block(GET, "CONSOLE", "TSET[continued]"), "unknown-directive"),
    (block(GET, "CONSOLE", "test[setup:x]"), "unknown-directive"),
    (block(GET, "CONSOLE", "TEST[catch:not_found]"), "unknown-catch"),
    (block('PUT /idx\n{"a": 1,}', "CONSOLE"), "invalid-request-json"),
    (block('PUT /idx\n{"a": 1}', "CONSOLE", 'TEST[s/1}/1,}/]'), "invalid-request-json"),
])
def test_silently_dropped_things_become_warnings(text: str, code: str) -> None:
    assert code in warnings(text) and not errors(text)


def test_valid_pages_raise_nothing() -> None:
    text = (block(GET, "TESTSETUP", "TEST[setup:base]") + block("DELETE /idx", "TEARDOWN")
            + block('PUT /idx/_doc/1\n{"a": 1}', "CONSOLE", "TEST[catch:/conflict/ warning:x]")
            + block('{"result": "created", "took": 3}', 'TESTRESPONSE[s/"took": 3/"took": $body.took/]')
            + block("GET /idx/_doc/1", "CONSOLE", "TEST[continued]")
            + block("curl -XGET localhost:9200", "NOTCONSOLE", lang="sh"))
    document = parse_asciidoc(text, "p.asciidoc")
    assert document.diagnostics == ()
    setup, teardown, test, cont = document.examples
    assert (setup.role, setup.setups, teardown.role) == (Role.SETUP, ("base",), Role.TEARDOWN)
    assert (test.catch, test.warnings) == ("/conflict/", ("x",)) and cont.continued
    assert json.loads(munge_response(test.expected[0].body or "")) == {"result": "created", "took": "$body.took"}
    assert [e.name for e in document.tests] == [test.name]


def test_substitutions_apply_across_test_and_response_lines_in_order() -> None:
    text = block("GET /a", "CONSOLE", "TEST[s/a/b/]", "TEST[s/b/c/ s/c/d/]")
    (example,) = parse_asciidoc(text, "p.asciidoc").examples
    assert example.requests[0].path == "/d" and example.source == "GET /a\n"
    assert [s.pattern for s in example.substitutions] == ["a", "b", "c"]


def test_default_substitutions_fill_version() -> None:
    (example,) = parse_asciidoc(block("GET /v{version}", "CONSOLE"), "p.asciidoc").examples
    assert example.requests[0].path == "/v6.8.13"


def test_response_with_skip_is_not_json_checked_and_keeps_its_reason() -> None:
    document = parse_asciidoc(block(GET, "CONSOLE") + block("{ ... }", "TESTRESPONSE[skip:volatile]"), "p.asciidoc")
    assert not document.diagnostics
    assert document.examples[0].expected[0].skip == "volatile"


def test_response_goes_to_the_most_recent_test_not_to_an_unmarked_block() -> None:
    text = block(GET, "CONSOLE") + block("{}", "NOTCONSOLE") + block('{"ok": true}', "TESTRESPONSE")
    (example,) = parse_asciidoc(text, "p.asciidoc").examples
    assert len(example.expected) == 1


def test_trailing_commas_are_tolerated_like_the_build_json_reader() -> None:
    text = block(GET, "CONSOLE") + block('{"a": [1, 2,], "b": "x,}",\n}', "TESTRESPONSE")
    document = parse_asciidoc(text, "p.asciidoc")
    assert not document.diagnostics
    body = document.examples[0].expected[0].body or ""
    assert json.loads(munge_response(body)) == {"a": [1, 2], "b": "x,}"}


def test_invalid_request_json_keeps_the_request_as_text_at_the_offending_line() -> None:
    document = parse_asciidoc(block('PUT /idx\n{\n  "a": 1,\n  "b": ...\n}', "CONSOLE"), "p.asciidoc")
    (warning,) = document.diagnostics
    assert warning.code == "invalid-request-json" and warning.level is Level.WARNING
    assert (warning.span.line, warning.span.column) == (6, 8) and "'...'" in warning.message
    assert warning.source_line == '  "b": ...' and "NOTCONSOLE" in warning.hint
    (request,) = document.examples[0].requests
    assert request.body_kind is BodyKind.TEXT and request.body == '{\n  "a": 1,\n  "b": ...\n}'


def test_skipped_tests_and_unmarked_blocks_are_not_json_checked() -> None:
    assert warnings(block('PUT /idx\n{"a": ...}', "CONSOLE", "TEST[skip:elided]")) == []
    assert warnings(block('PUT /idx\n{"a": ...}', "NOTCONSOLE")) == []


def test_an_invalid_body_does_not_hide_a_lost_catch() -> None:
    text = block('PUT /idx\n{"a": ...}\n# trailing comment', "CONSOLE", "TEST[catch:missing]")
    assert warnings(text) == ["invalid-request-json", "lost-catch"]


def test_a_response_written_as_an_http_message_says_so() -> None:
    """The build rejects it as invalid JSON; the error says why and that status and headers are not compared."""
    page = ("[source,js]\n----\nGET _tasks\n----\n// CONSOLE\n\n[source,js]\n----\nHTTP/1.1 200 OK\n"
            "content-type: application/json\n\n{\"tasks\": {}}\n----\n// TESTRESPONSE\n")
    (error,) = [d for d in parse_asciidoc(page, "t.asciidoc").diagnostics if d.code == "invalid-json-response"]
    assert (error.level, error.span.line) == (Level.ERROR, 9)
    assert "written as an HTTP message" in error.message
    assert error.hint == "show only the body: the status and headers of a test response are not compared"


def test_a_response_block_of_blank_lines_is_invalid_json_to_the_build() -> None:
    # the build reads "\n\n" with its JSON reader, which finds no value: "Invalid json", a build error
    assert "invalid-json-response" in errors(block(GET, "CONSOLE") + block("\n", "TESTRESPONSE"))


def test_an_empty_response_block_expects_a_null_body_as_the_build_generates_it() -> None:
    # no line between the fences: the build's contents are "null" (Groovy) or nothing (Java), and either way
    # the generated match is "$body: null", which no JSON answer meets: the body is compared, not skipped
    text = block(GET, "CONSOLE") + "[source,js]\n----\n----\n// TESTRESPONSE\n"
    document = parse_asciidoc(text, "p.asciidoc")
    (expected,) = document.examples[0].expected
    assert (expected.body, expected.body_kind) == ("null", BodyKind.JSON)
    assert not [d for d in document.diagnostics if d.level is Level.ERROR]
