"""harness.replay.match: exact, subset, shape and non_json matchers return None or mismatches."""

from __future__ import annotations

import pytest

from harness.parsers.snippets import munge_response
from harness.replay.match import (
    DuplicateKey,
    Volatile,
    match_exact,
    match_non_json,
    match_shape,
    match_subset,
    parse_expected,
)


def test_munging_quotes_unquoted_stash_tokens() -> None:
    text = '{\n  "took": $body.took,\n  "stack_trace": $body.$_path\n}'
    assert parse_expected(text) == {"took": "$body.took", "stack_trace": "$body.$_path"}
    assert munge_response('{$key: 1}') == '{"$key": 1}'


def test_exact_ignores_key_order_and_passes_equal_bodies() -> None:
    assert match_exact({"a": 1, "b": [1, 2]}, {"b": [1, 2], "a": 1}) is None


def test_exact_fails_on_extra_fields_with_a_path() -> None:
    mismatches = match_exact({"a": 1}, {"a": 1, "extra": {"x": 1}})
    assert mismatches is not None
    assert [(m.path, m.expected, m.actual) for m in mismatches] == [("$.extra", "<absent>", '{"x": 1}')]


def test_exact_reports_missing_and_different_values() -> None:
    mismatches = match_exact({"error": {"reason": "a", "type": "t"}}, {"error": {"reason": "b"}})
    assert mismatches is not None
    assert {(m.path, m.actual) for m in mismatches} == {("$.error.reason", '"b"'), ("$.error.type", "<missing>")}


def test_exact_lists_are_ordered() -> None:
    mismatches = match_exact([1, 2], [2, 1])
    assert mismatches is not None and mismatches[0].path == "$[0]"


def test_nested_numbers_keep_their_type_but_top_level_ones_compare_as_doubles() -> None:
    assert match_exact({"a": 1}, {"a": 1.0}) is not None
    assert match_exact({"a": True}, {"a": 1}) is not None
    assert match_exact(1, 1.0) is None


def test_exact_regex_only_when_it_is_the_whole_value() -> None:
    assert match_exact("/^gre+n \\s \\d+ # a comment/", "health: green 12") is not None
    assert match_exact("/gre+n \\s \\d+ # a comment/", "health: green 12") is None
    assert match_exact({"a": "/x+/"}, {"a": "xx"}) is not None  # nested: plain equality, as the runner does


def test_subset_allows_extra_keys_and_regex_anywhere() -> None:
    assert match_subset({"a": {"b": "/^j\\d+$/"}}, {"a": {"b": "j42", "c": 1}, "d": 2}) is None
    mismatches = match_subset({"a": {"b": 1}}, {"a": {}})
    assert mismatches is not None and mismatches[0].path == "$.a.b"


def test_shape_compares_keys_and_types_not_values() -> None:
    documented = [{"is_success": "true", "message": "delivered"}]
    assert match_shape(documented, [{"is_success": "false", "message": "x"}, {"is_success": "y", "message": ""}]) is None
    mismatches = match_shape(documented, [{"is_success": True, "message": "x", "extra": 1}])
    assert mismatches is not None
    assert {(m.path, m.message) for m in mismatches} == {
        ("$[0].is_success", "expected string, got boolean"), ("$[0].extra", "unexpected field in the response")}
    assert match_shape({}, {}) is None
    assert match_shape(1, 2.5) is None


@pytest.mark.parametrize("actual,ok", [
    ("health status index\ngreen  open   twitter\n", True),
    ("health status index\nred open twitter\n", False),
])
def test_non_json_regex_lines(actual: str, ok: bool) -> None:
    # the text TESTRESPONSE[non_json] builds: / at the start, \s+ after spaces, \s* at line ends
    regex = "/health\\s+status\\s+index\\s*\n green\\s+open\\s+twitter\\s*/"
    assert (match_non_json(regex, actual) is None) is ok


def test_expected_bodies_are_read_as_the_build_reads_them() -> None:
    # the parser accepts trailing commas in responses (the build's JSON reader does); replay must too
    assert parse_expected('{"a": [1, 2,], "b": $body.b,}') == {"a": [1, 2], "b": "$body.b"}


@pytest.mark.parametrize("body,path,key", [
    ('{"id": "j1", "status": "RUNNING", "status": "STOPPED"}', "$", "status"),
    ('{"jobs": [{"a": 1}, {"b": {"x": 1, "y": 2, "x": 3}}]}', "$.jobs[1].b", "x"),
    ('{"took": $body.took, "n": 1, "n": 2,}', "$", "n"),  # read as the build reads it, then checked
    ('{"a": [{"x": 1, "x": 2}], "b": {"y": 1, "y": 2}}', "$.a[0]", "x"),  # the first one on the page is named
])
def test_a_key_given_twice_in_one_object_is_no_expected_body(body: str, path: str, key: str) -> None:
    # a JSON reader keeps the last value: the other, shown on the page, would be compared with nothing
    with pytest.raises(DuplicateKey) as found:
        parse_expected(body)
    assert (found.value.path, found.value.key) == (path, key)


def test_the_same_key_in_different_objects_is_no_repetition() -> None:
    assert parse_expected('{"a": {"id": 1}, "b": {"id": 2}, "c": [{"id": 3}, {"id": 4}]}')["c"][1] == {"id": 4}


def test_each_reading_of_an_expected_body_is_a_fresh_value() -> None:
    # what the body reads as is kept per body text (a body is checked on every run); the value is not:
    # a caller changing what it got changes nothing for the next run of the example
    body = '{"a": [1, 2,], "b": $body.b,}'
    first = parse_expected(body)
    first["a"].append(3)
    first["c"] = 1
    assert parse_expected(body) == {"a": [1, 2], "b": "$body.b"}
    assert parse_expected(body) is not parse_expected(body)


def test_shape_lists_empty_only_matches_empty_and_non_empty_needs_items() -> None:
    job = {"jid": "a", "state": "RUNNING"}
    assert match_shape({"jobs": []}, {"jobs": []}) is None
    one_way = match_shape({"jobs": []}, {"jobs": [job]})
    other_way = match_shape({"jobs": [job]}, {"jobs": []})
    assert one_way is not None and (one_way[0].path, one_way[0].message) == ("$.jobs", "expected an empty list")
    assert other_way is not None and (other_way[0].path, other_way[0].message) == ("$.jobs", "expected a non-empty list")
    wrong_items = match_shape({"jobs": [job]}, {"jobs": [{"jid": 1, "state": "RUNNING"}]})
    assert wrong_items is not None and wrong_items[0].path == "$.jobs[0].jid"
    assert match_shape({"jobs": [job]}, {"jobs": [job, {"jid": "b", "state": "FINISHED"}]}) is None


TRACE = "org.apache.flink.runtime.rest.NotFoundException: Job 42 not found\n\tat org.apache.Handler.lambda$0(H.java:9)"


@pytest.mark.parametrize("matcher", [match_shape, match_subset])
def test_prefix_strings_in_shape_and_subset(matcher: object) -> None:
    documented = {"errors": ["org.apache.flink.runtime.rest.NotFoundException: Job 42 not found\n\t..."]}
    assert matcher({"errors": ["org.apache.flink...."]}, {"errors": [TRACE]}) is None  # type: ignore[operator]
    assert matcher(documented, {"errors": [TRACE]}) is None  # type: ignore[operator]
    other = matcher(documented, {"errors": [TRACE.replace("42", "43")]})  # type: ignore[operator]
    assert other is not None and other[0].message == "does not start with the documented text"
    assert other[0].path == "$.errors[0]"
    assert matcher({"errors": ["Job ..."]}, {"errors": [7]}) is not None  # type: ignore[operator]
    assert matcher({"errors": ["Job \u2026"]}, {"errors": ["Job 42"]}) is None  # type: ignore[operator]


def test_exact_keeps_dots_literal() -> None:
    assert match_exact({"m": "Job ..."}, {"m": "Job 42"}) is not None


def test_volatile_paths_are_not_compared_in_any_policy() -> None:
    documented = {"jobs": [{"jid": "a", "start-time": 1}], "now": 5}
    actual = {"jobs": [{"jid": "a", "start-time": 99}], "now": 77}
    volatile = Volatile(["$.jobs[*].start-time", "$.now"])
    for matcher in (match_exact, match_subset):
        assert matcher(documented, actual) is not None
        assert matcher(documented, actual, volatile) is None
    assert match_exact(documented, {**actual, "jobs": [{"jid": "b", "start-time": 99}]}, volatile) is not None
    missing = match_exact(documented, {"jobs": [{"jid": "a"}], "now": 1}, volatile)
    assert missing is not None and missing[0].message == "field missing from the response"
    assert match_shape({"now": 1}, {"now": "later"}, Volatile(["$.now"])) is None
    assert match_exact({"a": 1}, {"b": 2}, Volatile(["$"])) is None
    assert match_exact({"a": 1}, {"a": 1, "extra": 2}, Volatile(["$.extra"])) is None


def test_a_dollar_inside_a_string_is_not_quoted_away() -> None:
    body = '{"errors": ["at X.lambda$handleRequest$0(X.java:128)"], "id": $body.id}'
    # valid JSON is read as written; the build's quoting is only for bodies that need it
    assert parse_expected(body.replace("$body.id", '"$body.id"'))["errors"] == ["at X.lambda$handleRequest$0(X.java:128)"]
    assert parse_expected('{"id": $body.id}') == {"id": "$body.id"}


def test_java_character_properties_in_expected_regexes() -> None:
    from harness.replay.match import match_exact, match_subset

    assert match_subset({"a": "/^\\p{L}+$/"}, {"a": "Zoë"}) is None  # Unicode categories reach beyond ASCII
    [ascii_only] = match_subset({"a": "/^\\p{Alpha}+$/"}, {"a": "Zoë"}) or []  # Java's POSIX names do not
    assert ascii_only.message == "does not match the regex"
    assert match_exact("/^ \\p{javaLowerCase}+ \\d $/", "zoë1") is None  # COMMENTS mode kept
    [unknown] = match_subset({"a": "/\\p{Nope}/"}, {"a": "x"}) or []
    assert unknown.message.startswith("invalid regex: unknown character property {Nope}")


def test_count_values_finds_the_values_a_check_only_finds_present() -> None:
    from harness.replay.match import Volatile, count_values

    body = {"took": "$body.took", "jobs": [{"id": "a", "time": 5, "tags": ["x", "$body.$_path"]}], "n": None}
    assert count_values(body) == (6, 2)
    assert count_values(body, Volatile(["$.jobs[*].time"])) == (6, 3)
    assert count_values(body, Volatile(["$.jobs"])) == (6, 5)  # everything below a volatile path
    deep: object = "v"
    for _ in range(5000):  # deeper than recursion allows: still counted
        deep = [deep]
    assert count_values(deep) == (1, 0)
