"""harness.replay.match: exact, subset, shape and non_json matchers return None or mismatches."""

from __future__ import annotations

import pytest

from harness.parsers.snippets import munge_response
from harness.replay.match import (
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
