"""The AsciiDoc scanner: the seed pages extract exactly, and the build's line rules hold."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from harness.model import BodyKind, Document, Level, MatchPolicy, Role
from harness.parsers import parse
from harness.parsers.asciidoc import SOURCE_LINE, parse_asciidoc, source_line

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "docs_src" / "elasticsearch"


def seed(relative: str) -> Document:
    path = SEEDS / relative
    return parse(path.read_text(encoding="utf-8"), f"docs_src/elasticsearch/{relative}")


def page(text: str) -> Document:
    return parse_asciidoc(text, "page.asciidoc")


def codes(document: Document, level: Level | None = None) -> list[str]:
    return [d.code for d in document.diagnostics if level is None or d.level is level]


@pytest.mark.parametrize("name,action,setup,pattern_escaped", [
    ("rollup/stop-job.asciidoc", "_stop", "sensor_started_rollup_job", False),
    ("rollup/start-job.asciidoc", "_start", "sensor_rollup_job", True),
])
def test_rollup_seed_extracts_two_tests(name: str, action: str, setup: str, pattern_escaped: bool) -> None:
    document = seed(name)
    assert not document.diagnostics
    first, second = document.examples
    assert [e.name for e in document.tests] == [first.name, second.name]
    assert first.setups == (setup,) and first.catch is None and first.testenv == "basic"
    assert [(r.method, r.path) for r in first.requests] == [("POST", f"_xpack/rollup/job/sensor/{action}")]
    (ok,) = first.expected
    assert json.loads(ok.body or "") == {action.strip("_") + ("ped" if action == "_stop" else "ed"): True}
    assert second.catch == "missing" and second.setups == () and second.testenv == "basic"
    assert second.requests[0].path == f"_xpack/rollup/job/does_not_exist/{action}"
    (error,) = second.expected
    assert error.body is not None and error.body.count('"stack_trace": $body.$_path') == 2
    assert "..." not in error.body and error.source.count('"stack_trace": ...') == 2
    assert (r"\.\.\." in error.substitutions[0].pattern) is pattern_escaped
    assert error.match is None and error.skip is None and error.body_kind is BodyKind.JSON


def test_stop_job_names_and_spans_follow_the_fences() -> None:
    document = seed("rollup/stop-job.asciidoc")
    first, second = document.examples
    assert (first.name, first.span.line, first.span.last_line) == ("line_42", 42, 44)
    assert (second.name, second.span.line) == ("line_61", 61)
    assert first.requests[0].span is not None and first.requests[0].span.line == 43
    assert first.source == "POST _xpack/rollup/job/sensor/_stop\n"
    assert [d.name for d in first.directives] == ["CONSOLE", "TEST"]
    assert second.expected[0].span is not None and second.expected[0].span.line == 70


def test_close_job_seed_is_a_skipped_test_with_an_unannotated_response() -> None:
    document = seed("ml/close-job.asciidoc")
    (example,) = document.examples
    assert example.skip == "todo" and example.role is Role.TEST and example.expected == ()
    assert example.requests[0].path == "_xpack/ml/anomaly_detectors/event_rate/_close"
    assert not document.has_errors
    (warning,) = document.diagnostics
    assert warning.code == "missing-language" and warning.level is Level.WARNING and warning.span.line == 64


def test_a_warning_directive_is_recorded_per_line() -> None:
    document = seed("ml/close-job-timeout.asciidoc")
    plain, deprecated = document.examples
    assert plain.warnings == () and deprecated.setups == ("server_metrics_openjob",)
    assert deprecated.warnings == ("Deprecated field [close_timeout] used, expected [timeout] instead",)
    assert len(deprecated.expected) == 1 and not document.diagnostics


def test_seed_metadata() -> None:
    (stop,) = seed("rollup/stop-job.asciidoc").operations
    assert (stop.method, stop.path, stop.title) == ("POST", "_xpack/rollup/job/<job_id>/_stop", "Stop Job API")
    (job_id,) = stop.parameters
    assert (job_id.name, job_id.location, job_id.required, job_id.type) == ("job_id", "path", True, "string")
    assert job_id.description == "Identifier for the job"
    assert stop.authorization.startswith("You must have manage or manage_rollup cluster privileges")
    assert stop.description.startswith("This API stops an existing, started rollup job.")
    (close,) = seed("ml/close-job.asciidoc").operations
    assert close.path == "_xpack/ml/anomaly_detectors/<job_id>/_close"
    assert [(p.name, p.location, p.required, p.type) for p in close.parameters] == [
        ("job_id", "path", True, "string"), ("close_timeout", "query", None, "time")]
    assert "manage_ml" in close.authorization and "privileges" not in close.description
    assert close.status_codes == ()  # the Responses list sits in a //// comment block


def test_language_is_taken_only_from_the_line_directly_above() -> None:
    document = page("[source,js]\n\n----\nGET /\n----\n// CONSOLE\n")
    assert document.examples == () and codes(document) == ["missing-language"]
    assert document.has_errors  # a block with directives needs a language


def test_plain_listing_without_language_is_a_warning() -> None:
    document = page("Text\n----\nsome listing\n----\n")
    assert codes(document, Level.WARNING) == ["missing-language"] and not document.has_errors


def test_directive_lines_inside_the_fences_are_directives_and_callouts_are_stripped() -> None:
    document = page("[source,js]\n----\nGET /_search <1>\n// CONSOLE\n----\n<1> callout\n")
    (example,) = document.examples
    assert example.source == "GET /_search\n" and example.requests[0].path == "/_search"


def test_blank_line_between_fence_and_directive_is_an_unpaired_error_with_a_hint() -> None:
    document = page("[source,js]\n----\nGET /\n----\n\n// CONSOLE\n")
    (error,) = document.diagnostics
    assert error.code == "unpaired-directive" and error.span.line == 6
    assert "remove the blank line 5" in error.hint and "line 2" in error.hint


def test_plus_continuation_keeps_the_snippet_pending() -> None:
    (example,) = page("[source,js]\n----\nGET /\n----\n+\n// CONSOLE\n").examples
    assert example.requests[0].method == "GET"


def test_malformed_directive_is_a_warning_and_the_flag_is_lost() -> None:
    document = page("[source,js]\n----\nGET /\n----\n// CONSOLE\n// TEST [continued]\n")
    (example,) = document.examples
    assert example.continued is False
    (warning,) = document.diagnostics
    assert warning.code == "malformed-directive" and warning.level is Level.WARNING
    assert warning.hint == "did you mean `TEST[continued]`?"


def test_adjacent_blocks_need_a_separator() -> None:
    text = "[source,js]\n----\nGET /\n----\n// CONSOLE\n[source,js]\n----\n{\"a\": 1}\n----\n"
    assert "adjacent-blocks" in codes(page(text))


def test_testenv_applies_to_following_snippets_and_is_checked() -> None:
    text = ("[source,js]\n----\nGET /a\n----\n// CONSOLE\n\n[testenv=\"gold\"]\n\n"
            "[source,js]\n----\nGET /b\n----\n// CONSOLE\n")
    first, second = page(text).examples
    assert (first.testenv, second.testenv) == (None, "gold")
    bad = page('[testenv="diamond"]\n')
    assert codes(bad) == ["unsupported-testenv"] and bad.diagnostics[0].span.line == 1


def test_seven_x_forms_console_console_result_and_id() -> None:
    text = ("[source,console,id=stop-it]\n----\nPOST _rollup/job/sensor/_stop\n----\n\n"
            "[source,console-result]\n----\n{\"stopped\": true}\n----\n")
    (example,) = page(text).examples
    assert example.name == "stop-it" and example.language == "console"
    assert json.loads(example.expected[0].body or "") == {"stopped": True}


def test_seven_x_page_rejects_js_with_console() -> None:
    text = "[source,console]\n----\nGET /a\n----\n\n[source,js]\n----\nGET /b\n----\n// CONSOLE\n"
    assert codes(page(text)) == ["console-directive"]


def test_testsetup_and_teardown_roles() -> None:
    text = ("[source,js]\n----\nPUT /idx\n----\n// TESTSETUP\n\n[source,js]\n----\nDELETE /idx\n----\n// TEARDOWN\n\n"
            "[source,js]\n----\nGET /idx\n----\n// CONSOLE\n")
    document = page(text)
    assert [e.role for e in document.examples] == [Role.SETUP, Role.TEARDOWN, Role.TEST]
    assert [e.name for e in document.tests] == ["line_14"] and not document.diagnostics


def test_non_json_response_builds_the_regex_text() -> None:
    text = ("[source,js]\n----\nGET _cat/health\n----\n// CONSOLE\n\n[source,txt]\n----\n"
            "epoch  status\n1475  green\n----\n// TESTRESPONSE[s/1475/\\\\d+/ non_json]\n")
    (expected,) = page(text).examples[0].expected
    assert expected.match is MatchPolicy.NON_JSON and expected.body_kind is BodyKind.TEXT
    # each run of spaces is kept and followed by \s+ (the runner reads the regex with COMMENTS)
    assert expected.body == "/epoch  \\s+status\\s*\n \\d+  \\s+green\\s*/"


def test_unclosed_block_at_end_of_file_is_reported() -> None:
    document = page("[source,js]\n----\nGET /\n// CONSOLE\n")
    assert "unclosed-block" in codes(document, Level.WARNING)
    assert document.examples[0].requests[0].path == "/"


def test_crlf_and_unicode_text() -> None:
    (example,) = page("[source,js]\r\n----\r\nPUT /ünï\r\n{\"ä\": \"€\"}\r\n----\r\n// CONSOLE\r\n").examples
    assert example.requests[0].path == "/ünï" and example.requests[0].body == '{"ä": "€"}'


def test_every_diagnostic_carries_its_source_line() -> None:
    document = page("Prose\n// TEST[setup:x]\n")
    (error,) = document.diagnostics
    assert error.source_line == "// TEST[setup:x]" and error.span.line == 2


def test_empty_unclosed_block_at_the_end_points_inside_the_page() -> None:
    document = page("[source,console,id=x]\n----")
    assert {d.code for d in document.diagnostics} == {"unclosed-block", "empty-console-snippet"}
    assert all(d.span.line <= 2 for d in document.diagnostics)


SOURCE_PIECES = ['[source', '["source"', '"', ',', ' ', 'js', 'console-result', 'id=', 'id="', 'x', ']', '[', '.m',
                 '-', '=', '\t', ',id=a', 'id=a]', 'é']


def test_source_line_answers_like_the_build_regex_on_long_lines_too() -> None:
    rnd = random.Random(3)
    for _ in range(3000):
        line = rnd.choice(["[source", '["source"', "[source.x", "[source,"]) + "".join(
            rnd.choice(SOURCE_PIECES) for _ in range(rnd.randint(0, 12)))
        for text in (line, line.replace("x", "x" * 300)):  # long lines take the linear path
            whole = SOURCE_LINE.fullmatch(text)
            assert source_line(text) == ((whole.group(1), whole.group(5)) if whole else None), text


def test_long_glued_source_lines_are_read_in_linear_time() -> None:
    assert source_line("[source,js," * 3000) is None  # the regex alone backtracks for seconds here
    assert source_line("[source,js,id=a" + "," * 30000 + "]") == ("js", "a")
