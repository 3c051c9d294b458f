"""harness.replay.stash: ``$body`` and ``$body.$_path`` resolved from the actual response."""

from __future__ import annotations

import pytest

from harness.replay.stash import MISSING, StashMiss, lookup, resolve, split_path


def test_split_path_keeps_escaped_dots() -> None:
    assert split_path("a.b\\.c.0") == ["a", "b.c", "0"]


def test_lookup_walks_maps_and_lists() -> None:
    body = {"a": [{"b": 1}, {"b": 2}]}
    assert lookup(body, "a.1.b") == 2
    assert lookup(body, "a.5.b") is MISSING
    assert lookup(body, "a.x") is MISSING


def test_path_wildcard_takes_the_actual_value_at_the_same_place() -> None:
    expected = {"error": {"root_cause": [{"type": "x", "stack_trace": "$body.$_path"}], "stack_trace": "$body.$_path"}}
    actual = {"error": {"root_cause": [{"type": "x", "stack_trace": "trace 1"}], "stack_trace": "trace 2"}}
    assert resolve(expected, actual) == actual


def test_body_reference_keeps_the_json_type() -> None:
    assert resolve({"took": "$body.took", "n": "${body.took}ms"}, {"took": 25}) == {"took": 25, "n": "25ms"}


def test_dotted_keys_are_escaped_in_the_path() -> None:
    assert resolve({"a.b": "$body.$_path"}, {"a.b": 7}) == {"a.b": 7}


@pytest.mark.parametrize("actual", [{"error": {}}, {"error": {"stack_trace": None}}])
def test_a_missing_or_null_value_cannot_be_resolved(actual: dict[str, object]) -> None:
    with pytest.raises(StashMiss) as caught:
        resolve({"error": {"stack_trace": "$body.$_path"}}, actual)
    assert caught.value.position == "$.error.stack_trace"
    assert caught.value.reference == "$body.error.stack_trace"


def test_keys_that_are_references_are_resolved() -> None:
    assert resolve({"$body.name": 1}, {"name": "job"}) == {"job": 1}


def test_embedded_references_read_as_java_prints_the_value() -> None:
    # ${...} inside a longer string is replaced by the value's Java toString()
    body = {"t": {"a": 1, "ok": True}, "l": [1, None]}
    assert resolve({"m": "got ${body.t} and ${body.l}"}, body) == {"m": "got {a=1, ok=true} and [1, null]"}
