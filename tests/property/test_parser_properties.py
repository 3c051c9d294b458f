"""No input makes the parsers raise or hang: generated and mutated pages (hypothesis).

Pages are built from the seed pages and from directive fragments, then mutated
(lines deleted, duplicated, swapped, fragments and random unicode inserted).
Whatever comes in, a Document comes back, every span points inside the page,
and the Document survives a JSON round trip.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.model import Document, Span, Substitution, from_json, to_json
from harness.parsers import parse
from harness.parsers.console import parse_console
from harness.parsers.directives import near_miss, parse_response_args, parse_test_args
from harness.parsers.substitutions import apply_substitutions

REPO = Path(__file__).resolve().parents[2]
SEED_LINES = [line for seed in sorted((REPO / "docs_src" / "elasticsearch").rglob("*.asciidoc"))
              for line in seed.read_text(encoding="utf-8").split("\n")]
FRAGMENTS = [
    "----", "--------------------------------------------------", "[source,js]", "[source,console,id=x]",
    "[source,console-result]", "[source,json]", "[source,sh]", '[testenv="basic"]', '[testenv="x"]', "+", "",
    "// CONSOLE", "// NOTCONSOLE", "// TEST", "// TEST[continued]", "// TEST[setup:a,b]", "// TEST[skip:todo]",
    "// TEST[catch:missing]", "// TEST[catch:/x y/]", "// TEST[s/a/$body/]", "// TEST[s/(a)/$1$2/]", "// TEST[s/[/x/]",
    "// TEST [continued]", "// TEST[]", "// TEST[x", "// TESTRESPONSE", "// TESTRESPONSE[non_json]",
    "// TESTRESPONSE[s/\\.\\.\\./$body.$_path/]", "// TESTRESPONSE[skip:x]", "// TESTSETUP", "// TEARDOWN",
    "// AUTOSENSE", "////", "GET /", "POST _bulk", '{"index":{}}', '{"a": """x', '"""}', "# comment", "#",
    "startyaml", "endyaml", "PATCH /x", "{", "}", '  "took": ...', "`job_id` (required)::", "  (string) Id",
    "==== Request", "`POST _x/<id>/_stop`", "==== Path Parameters", "= Title", "<1> callout", "\r", "\t",
]
LINE = st.one_of(st.sampled_from(SEED_LINES), st.sampled_from(FRAGMENTS), st.text(max_size=40))


@st.composite
def mutated_pages(draw: st.DrawFn) -> str:
    lines = draw(st.lists(LINE, max_size=60))
    for _ in range(draw(st.integers(0, 8))):
        if not lines:
            break
        i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "glue"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "insert":
            lines.insert(i, draw(st.sampled_from(FRAGMENTS) | st.text(max_size=20)))
        else:
            lines[i] = lines[i] + draw(st.sampled_from(FRAGMENTS))
    return draw(st.sampled_from(["\n", "\r\n"])).join(lines)


def assert_inside(span: Span | None, document: Document, lines: int) -> None:
    assert span is not None and span.path == document.path
    assert 1 <= span.line <= max(lines, 1), span
    assert span.column >= 1 and (span.end_line == 0 or span.end_line >= span.line), span
    assert span.end_column == 0 or span.end_line != span.line or span.end_column >= span.column, span


def check(text: str, path: str = "fuzz/page.asciidoc") -> None:
    document = parse(text, path)
    lines = max(len(re.split(r"\r\n?|\n", text)), 1)  # a lone CR ends a line too, as in Java's line reader
    for diagnostic in document.diagnostics:
        assert_inside(diagnostic.span, document, lines)
        assert diagnostic.message and diagnostic.code
    for example in document.examples:
        assert_inside(example.span, document, lines)
        for request in example.requests:
            assert_inside(request.span, document, lines)
        for expected in example.expected:
            assert_inside(expected.span, document, lines)
    for operation in document.operations:
        assert_inside(operation.span, document, lines)
    assert from_json(Document, to_json(document)) == document


FAST = settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(mutated_pages())
def test_mutated_pages_never_raise(text: str) -> None:
    check(text)


@FAST
@given(st.text(max_size=400))
def test_random_unicode_never_raises(text: str) -> None:
    check(text, "fuzz/x.adoc")


SPAN = Span("p", 3, 4)


@FAST
@given(st.text(max_size=60))
def test_directive_arguments_never_raise(args: str) -> None:
    for parsed, problems in (parse_test_args(args, SPAN), parse_response_args(args, SPAN)):
        assert all(p.span.line == 3 and p.span.column >= 4 for p in problems)
    near_miss(args, SPAN)


@FAST
@given(st.text(max_size=30), st.text(max_size=30), st.text(max_size=80))
def test_substitutions_never_raise(pattern: str, replacement: str, text: str) -> None:
    result, problems = apply_substitutions(text, [Substitution(pattern, replacement, SPAN)])
    assert isinstance(result, str) and all(p.span == SPAN for p in problems)


@FAST
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=20), max_size=20))
def test_console_bodies_never_raise(lines: list[str]) -> None:
    requests, problems = parse_console("\n".join(lines) + "\n", Span("p", 5, 1, 30))
    assert all(r.span is not None and 5 <= r.span.line <= 30 for r in requests)
    assert all(5 <= p.span.line for p in problems)
