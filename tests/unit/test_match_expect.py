"""harness.replay.expect: status, catch, shard failures, warnings and body checks on real replies."""

from __future__ import annotations

from harness.model import BodyKind, ExpectedResponse, MatchPolicy, Request, Span
from harness.replay.expect import check_body, check_shards, check_status, check_warnings
from harness.replay.plan import Step
from harness.replay.send import Reply
from harness.results import FailureKind

SPAN = Span("p.asciidoc", 10, end_line=15)  # fence, four content lines, fence


def reply(status: int = 200, text: str = "{}", content_type: str = "application/json",
          headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    return Reply(status=status, headers=headers, text=text, content_type=content_type, elapsed_ms=1.0)


def step(**kwargs: object) -> Step:
    return Step("test", Request("GET", "x", span=Span("p.asciidoc", 3)), "line_2", **kwargs)  # type: ignore[arg-type]


def expected(body: str | None, *, status: int | None = None, kind: BodyKind = BodyKind.JSON,
             match: MatchPolicy | None = None, source: str = "") -> ExpectedResponse:
    return ExpectedResponse(source=source or (body or ""), body=body, body_kind=kind, status=status, match=match,
                            span=SPAN)


def test_status_without_catch_wants_2xx_and_calls_5xx_an_error() -> None:
    assert check_status(step(), reply(201)) is None
    failure = check_status(step(), reply(404))
    assert failure is not None and failure.kind is FailureKind.STATUS and failure.message == \
        "expected status 2xx but got 404"
    assert failure.span == Span("p.asciidoc", 3)
    server = check_status(step(), reply(502))
    assert server is not None and server.kind is FailureKind.SERVER_ERROR and not server.is_assertion


def test_the_documented_status_of_a_cloud_example() -> None:
    documented = step(expected=(expected("{}", status=400),))
    assert check_status(documented, reply(400)) is None
    failure = check_status(documented, reply(200))
    assert failure is not None and failure.message == "expected status 400 but got 200"


def test_catch_decides_when_given() -> None:
    assert check_status(step(catch="missing"), reply(404)) is None
    failure = check_status(step(catch="missing"), reply(200))
    assert failure is not None and failure.kind is FailureKind.CATCH


def test_shard_failures() -> None:
    assert check_shards(step(), reply(text='{"_shards": {"total": 1, "failures": []}}')) is not None
    assert check_shards(step(), reply(text='{"_shards": {"total": 1, "failed": 0}}')) is None
    assert check_shards(step(), reply(text='{"_shards": {"failures": false}}')) is None
    assert check_shards(step(), reply(text="green open idx", content_type="text/plain")) is None
    array = check_shards(step(), reply(text="[1, 2]"))
    assert array is not None and "skip_shard_failures" in array.message


def warning(text: str) -> tuple[str, str]:
    return ("Warning", f'299 Elasticsearch-6.8.13-be13c69 "{text}" "Mon, 01 Jan 2024 00:00:00 GMT"')


def test_warnings_must_match_exactly() -> None:
    deprecated = warning("[interval] on [date_histogram] is deprecated")
    assert check_warnings(step(warnings=("[interval] on [date_histogram] is deprecated",)),
                          reply(headers=(deprecated,))) is None
    unexpected = check_warnings(step(), reply(headers=(deprecated,)))
    assert unexpected is not None and unexpected.message.startswith("got unexpected warning header")
    missing = check_warnings(step(warnings=("gone",)), reply())
    assert missing is not None and missing.message == "did not get expected warning header: gone"
    bad = check_warnings(step(), reply(headers=(("Warning", "not a warning"),)))
    assert bad is not None and "unmatched" in bad.message
    assert check_warnings(step(warnings=("x",)), reply(status=404)) is None  # errors are not checked
    quoted = warning('a \\"quoted\\" word')
    assert check_warnings(step(warnings=('a "quoted" word',)), reply(headers=(quoted,))) is None


def test_body_exact_with_a_located_diff() -> None:
    source = '{\n  "stopped": true,\n  "took": 3\n}'
    failure = check_body(expected(source, source=source), reply(text='{"stopped": false, "took": 3}'),
                         MatchPolicy.EXACT)
    assert failure is not None and failure.kind is FailureKind.BODY
    assert [(m.path, m.expected, m.actual) for m in failure.diff] == [("$.stopped", "true", "false")]
    assert failure.span == Span("p.asciidoc", 12, 3, end_column=11)  # the "stopped" line inside the block


def test_body_errors_and_other_policies() -> None:
    not_json = check_body(expected('{"a": 1}'), reply(text="<html>", content_type="text/html"), MatchPolicy.EXACT)
    assert not_json is not None and not_json.kind is FailureKind.NOT_JSON and not not_json.is_assertion
    broken = check_body(expected('{"a": ...}'), reply(), MatchPolicy.EXACT)
    assert broken is not None and broken.kind is FailureKind.INVALID_EXAMPLE
    miss = check_body(expected('{"took": $body.took}'), reply(text='{"took": null}'), MatchPolicy.EXACT)
    assert miss is not None and miss.diff[0].path == "$.took"
    assert check_body(expected('{"took": $body.took}'), reply(text='{"took": 7}'), MatchPolicy.EXACT) is None
    assert check_body(expected("ok", kind=BodyKind.TEXT), reply(text="ok\n", content_type="text/plain"),
                      MatchPolicy.EXACT) is None
    regex = "/^green\\s+open\\s*/"
    assert check_body(expected(regex, kind=BodyKind.TEXT, match=MatchPolicy.NON_JSON),
                      reply(text="green  open", content_type="text/plain"), MatchPolicy.NON_JSON) is None
    assert check_body(expected('{"a": 1}'), reply(text='{"a": 2, "b": 3}'), MatchPolicy.SHAPE) is not None
    assert check_body(expected('{"a": 1}'), reply(text='{"a": 2}'), MatchPolicy.SHAPE) is None
    assert check_body(expected('{"a": 1}'), reply(text='{"a": 1, "b": 3}'), MatchPolicy.SUBSET) is None
    assert check_body(ExpectedResponse(source="x", body="x", skip="flaky"), reply(), MatchPolicy.EXACT) is None


def test_a_text_prefix_is_reported_as_a_subset_check_not_exact() -> None:
    from harness.model import BodyKind, ExpectedResponse, MatchPolicy
    from harness.replay.expect import checked_as

    cut = ExpectedResponse("hello...", "hello...", BodyKind.TEXT, 200)
    whole = ExpectedResponse("hello", "hello", BodyKind.TEXT, 200)
    assert checked_as(cut, MatchPolicy.SUBSET) == "subset" and checked_as(cut, MatchPolicy.SHAPE) == "subset"
    assert checked_as(whole, MatchPolicy.SUBSET) == "exact" and checked_as(whole, MatchPolicy.SHAPE) == "status"


def test_a_diff_path_is_found_by_structure_not_by_the_first_key_of_its_name() -> None:
    from harness.parsers.locate import find_path

    text = '{"a": ["x", "y", {"b": 1}], "c": $body.c, "d": [1, ...], "e": {"x": [[1, 2], [3, 4]]}}'

    def at(path: str) -> str | None:
        found = find_path(text, path)
        return None if found is None else text[found[0]:found[0] + found[1]]
    assert at("$.a[1]") == '"y"' and at("$.a[2].b") == '"b"' and at("$.d[1]") == "..."
    assert at("$.e.x[1][0]") == "3" and at("$.c") == '"c"'
    assert at("$.a[2].missing") == "{" and at("$.a[9]") == '"a"'  # the deepest part written
    assert at("$") is None and find_path("not json at all", "$.a") is None and find_path('{"a', "$.a") is None


def test_a_subset_counts_what_it_compares_so_an_empty_body_is_not_verified() -> None:
    from harness.model import BodyKind, ExpectedResponse, MatchPolicy
    from harness.replay.expect import value_counts

    empty = ExpectedResponse("{ }", "{ }", BodyKind.JSON)
    prefix = ExpectedResponse("Job started...", "Job started...", BodyKind.TEXT)
    assert value_counts(empty, MatchPolicy.SUBSET) == (0, 0)  # badges say "subset-checked", never verified
    assert value_counts(prefix, MatchPolicy.SUBSET) == (1, 0)  # the documented start of the text is compared
    assert value_counts(ExpectedResponse('{"a": 1}', '{"a": 1}', BodyKind.JSON), MatchPolicy.SUBSET) == (1, 0)


def test_a_differing_key_is_placed_on_its_line_past_a_line_separator_in_a_string() -> None:
    # a page's lines end at "\n" alone (Java's line reader; an HTML parser; RST's rejoined lines): a U+2028 or
    # a form feed inside a response line ends no line, so the block's height and the key's line count "\n" only
    from harness.model import Span
    from harness.parsers.locate import locate

    block = Span("p.asciidoc", 10, 1, 15, 0)  # fences on lines 10 and 15, content on 11-14
    source = '{\n  "a": "x\u2028y\x0cz",\n  "b": 2\n}\n'
    found = locate(block, source, "$.b")
    assert found is not None and (found.line, found.column) == (13, 3)
    html = Span("p.html", 20, 1, 24, 0)  # a <pre> line then the content up to the span's last line
    assert (locate(html, source, "$.b") or html).line == 23
