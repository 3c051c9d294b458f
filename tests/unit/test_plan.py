"""harness.replay.plan: TESTSETUP, named setups, continued followers, teardowns, problems."""

from __future__ import annotations

from dataclasses import replace

from harness.model import Request
from harness.parsers import parse
from harness.replay.plan import plan_document
from harness.results import FailureKind

PAGE = """\
= Page

[source,js]
----
PUT twitter
----
// TESTSETUP

[source,js]
----
DELETE twitter
----
// TEARDOWN

[source,js]
----
GET twitter/_search
GET _cat/indices
----
// CONSOLE
// TEST[setup:one,two]
// TEST[catch:missing]

[source,js]
----
{"a": 1}
----
// TESTRESPONSE

[source,js]
----
POST twitter/_refresh
----
// CONSOLE
// TEST[continued]
// TEST[setup:two]

[source,js]
----
GET twitter
----
// CONSOLE
// TEST[skip_shard_failures]
// TEST[teardown:three]
"""

SETUPS = {"one": (Request("PUT", "one"),), "two": (Request("PUT", "two-a"), Request("PUT", "two-b"))}
TEARDOWNS = {"three": (Request("DELETE", "three"),)}


def steps_of(page: str, family: str = "elasticsearch") -> list[list[tuple[str, str, str]]]:
    tests = plan_document(parse(page, "page.asciidoc"), family=family, setups=SETUPS, teardowns=TEARDOWNS)
    return [[(s.phase, s.request.method, s.request.path) for s in t.steps] for t in tests]


def test_the_order_of_a_test_follows_the_elasticsearch_suite() -> None:
    first, second = steps_of(PAGE)
    assert first == [
        ("setup", "PUT", "twitter"),  # TESTSETUP
        ("setup", "PUT", "one"), ("setup", "PUT", "two-a"), ("setup", "PUT", "two-b"),  # setup:one,two
        ("test", "GET", "twitter/_search"), ("test", "GET", "_cat/indices"),
        ("setup", "PUT", "two-a"), ("setup", "PUT", "two-b"),  # the follower's setup, pasted where it stands
        ("test", "POST", "twitter/_refresh"),  # continued
        ("teardown", "DELETE", "twitter"),  # TEARDOWN
    ]
    assert second == [("setup", "PUT", "twitter"), ("test", "GET", "twitter"), ("teardown", "DELETE", "twitter"),
                      ("teardown", "DELETE", "three")]


def test_catch_expected_and_shard_checks_sit_on_the_right_requests() -> None:
    tests = plan_document(parse(PAGE, "page.asciidoc"), family="elasticsearch", setups=SETUPS, teardowns=TEARDOWNS)
    search, cat = [s for s in tests[0].steps if s.phase == "test"][:2]
    assert (search.catch, search.expected, search.check_shards) == (None, (), True)
    assert cat.catch == "missing" and cat.expected[0].body.strip() == '{"a": 1}'  # type: ignore[union-attr]
    assert not cat.check_shards  # _cat is exempt
    assert not [s for s in tests[1].steps if s.phase == "test"][0].check_shards  # skip_shard_failures
    assert all(not s.check_shards for s in tests[0].steps if s.phase != "test")
    assert [t.node_id for t in tests] == ["page.asciidoc::line_16", "page.asciidoc::line_39"]


def test_the_cloud_family_has_no_shard_check() -> None:
    tests = plan_document(parse(PAGE, "page.asciidoc"), family="cloud", setups=SETUPS, teardowns=TEARDOWNS)
    assert not any(s.check_shards for t in tests for s in t.steps)


def test_unknown_setup_is_the_item_error_at_the_directive_that_names_it() -> None:
    page = "[source,js]\n----\nGET x\n----\n// CONSOLE\n// TEST[catch:missing]\n// TEST[setup:one,twoo]\n"
    (test,) = plan_document(parse(page, "p.asciidoc"), family="elasticsearch", setups=SETUPS, teardowns={})
    assert test.problem is not None and test.problem.kind is FailureKind.UNKNOWN_SETUP
    assert "'twoo'" in test.problem.message and "[setups]" in test.problem.message
    assert "did you mean 'two'?" in test.problem.message
    # the second directive line names it, not the fence (line 2) nor the catch line (6)
    assert test.problem.span is not None and (test.problem.span.path, test.problem.span.line) == ("p.asciidoc", 7)


def test_unknown_setup_of_a_testsetup_snippet_points_at_its_directive() -> None:
    page = ("[source,js]\n----\nPUT x\n----\n// TESTSETUP\n// TEST[setup:nowhere]\n\n"
            "[source,js]\n----\nGET x\n----\n// CONSOLE\n")
    (test,) = plan_document(parse(page, "p.asciidoc"), family="elasticsearch", setups=SETUPS, teardowns={})
    assert test.problem is not None and test.problem.kind is FailureKind.UNKNOWN_SETUP
    assert test.problem.span is not None and test.problem.span.line == 6


def test_unknown_catch_points_at_its_directive_and_suggests_a_value() -> None:
    page = "[source,js]\n----\nGET x\n----\n// CONSOLE\n// TEST[setup:one]\n// TEST[catch:mising]\n"
    (test,) = plan_document(parse(page, "p.asciidoc"), family="elasticsearch", setups=SETUPS, teardowns={})
    assert test.problem is not None and test.problem.kind is FailureKind.INVALID_EXAMPLE
    assert "catch value [mising] not supported (did you mean 'missing'?)" in test.problem.message
    assert test.problem.span is not None and test.problem.span.line == 7
    far = "[source,js]\n----\nGET x\n----\n// CONSOLE\n// TEST[catch:zzzzzz]\n"
    (other,) = plan_document(parse(far, "p.asciidoc"), family="elasticsearch", setups={}, teardowns={})
    assert other.problem is not None and "did you mean" not in other.problem.message
    assert other.problem.span is not None and other.problem.span.line == 6


def test_known_catch_values_are_no_problem() -> None:
    for value in ("missing", "request", "param", "/not found/"):
        page = f"[source,js]\n----\nGET x\n----\n// CONSOLE\n// TEST[catch:{value}]\n"
        (test,) = plan_document(parse(page, "p.asciidoc"), family="elasticsearch", setups={}, teardowns={})
        assert test.problem is None, value


def test_startyaml_is_reported_unsupported() -> None:
    page = "[source,js]\n----\nGET x\nstartyaml\n  - match: {a: 1}\nendyaml\n----\n// CONSOLE\n"
    (test,) = plan_document(parse(page, "p.asciidoc"), family="elasticsearch", setups={}, teardowns={})
    assert test.problem is not None and test.problem.kind is FailureKind.INVALID_EXAMPLE
    assert "not supported" in test.problem.message


def test_skip_and_errors_in_the_page_become_items() -> None:
    page = ("[source,js]\n----\nGET x\n----\n// CONSOLE\n// TEST[skip:not today]\n\n"
            "[source,js]\n----\nGET y\n----\n// CONSOLE\n// TEST[continued]\n// TEST[skip:x]\n")
    tests = plan_document(parse(page, "p.asciidoc"), family="elasticsearch", setups={}, teardowns={})
    assert tests[0].skip == "not today"
    # "Continued snippets can't be skipped" is an error diagnostic inside the follower: it is reported
    errors = [t for t in tests if t.problem is not None]
    assert errors and all(t.problem is not None and t.problem.kind is FailureKind.INVALID_EXAMPLE for t in errors)


def test_an_unknown_catch_takes_the_parsers_precise_span_when_there_is_one() -> None:
    from harness.model import Diagnostic, Level, Span

    page = "[source,js]\n----\nGET x\n----\n// CONSOLE\n// TEST[catch:bogus]\n"
    document = parse(page, "p.asciidoc")
    precise = Span("p.asciidoc", 6, 9, end_line=6, end_column=19)
    if not any(d.code == "unknown-catch" for d in document.diagnostics):  # parsers that do not flag it yet
        document = replace(document, diagnostics=(Diagnostic(Level.WARNING, "unknown-catch", "x", precise),))
    (test,) = plan_document(document, family="elasticsearch", setups={}, teardowns={})
    assert test.problem is not None and test.problem.span == precise


def test_a_first_snippet_of_comments_only_opens_a_test_its_continued_snippets_fill() -> None:
    # the build writes the test's header for the comment snippet and appends the continued requests to it: the
    # test runs those requests (before: an error, "holds no request to send")
    page = ("[source,js]\n----\n# First, an index\n----\n// CONSOLE\n\n"
            "[source,js]\n----\nPUT idx\n----\n// CONSOLE\n// TEST[continued]\n")
    (test,) = plan_document(parse(page, "p.asciidoc"), family="elasticsearch", setups={}, teardowns={})
    assert test.problem is None
    assert [(s.phase, s.request.method, s.request.path) for s in test.steps] == [("test", "PUT", "idx")]
    alone = "[source,js]\n----\n# nothing at all\n----\n// CONSOLE\n"
    (empty,) = plan_document(parse(alone, "p.asciidoc"), family="elasticsearch", setups={}, teardowns={})
    assert empty.problem is not None and "holds no request" in empty.problem.message  # nothing to check: said
