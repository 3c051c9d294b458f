"""The build's lenient JSON reader for responses (harness.parsers.lenient_json) and its warning."""

from __future__ import annotations

import json

import pytest

from harness.model import Level
from harness.parsers.asciidoc import parse_asciidoc
from harness.parsers.lenient_json import lenient_json_error, lenient_json_text
from harness.replay.match import parse_expected


@pytest.mark.parametrize("text,value,needed", [
    ('{"a": 00}', {"a": 0}, ["00"]),
    ('{"a": -007, "b": 100, "c": 0.5, "d": 1e05, "e": 00.5}', {"a": -7, "b": 100, "c": 0.5, "d": 1e5, "e": 0.5},
     ["007", "00"]),
    ('{"k": "ml\\.machine_memory"}', {"k": "ml\\.machine_memory"}, ["\\."]),
    ('{"a": [1, 2,], }', {"a": [1, 2]}, [","]),
    ('{"s": "00, \\"q\\" \\u00e9 \\n"}', {"s": '00, "q" \u00e9 \n'}, []),
])
def test_the_lenient_forms_read_as_the_build_reads_them(text: str, value: object, needed: list[str]) -> None:
    strict, used = lenient_json_text(text)
    assert json.loads(strict) == value
    assert [raw for raw, _ in used] == needed


def test_what_no_reader_accepts_is_still_an_error() -> None:
    error, _ = lenient_json_error('{"took": ...}')
    assert error is not None


RESPONSE = ('[source,js]\n----\nGET _xpack/ml/datafeeds/x/_stats\n----\n// CONSOLE\n\n[source,js]\n----\n'
            '{"attributes": {"ml.machine_memory": "17179869184"}, "minutes": MINUTES}\n----\n'
            '// TESTRESPONSE[s/"17179869184"/$body.datafeeds.0.node.attributes.ml\\\\.machine_memory/]\n')


def test_an_escape_a_substitution_writes_is_read_without_a_word() -> None:
    document = parse_asciidoc(RESPONSE.replace("MINUTES", "0"), "p.asciidoc")
    assert not document.diagnostics
    (expected,) = document.examples[0].expected
    assert expected.body is not None
    assert parse_expected(expected.body)["attributes"] == {
        "ml.machine_memory": "$body.datafeeds.0.node.attributes.ml\\.machine_memory"}


def test_a_leading_zero_on_the_page_is_a_warning_not_an_error() -> None:
    document = parse_asciidoc(RESPONSE.replace("MINUTES", "00"), "p.asciidoc")
    (warning,) = document.diagnostics
    assert warning.level is Level.WARNING and warning.code == "lenient-json-response"
    assert warning.span.line == 9 and "the number 00 has a leading zero" in warning.message
    assert parse_expected(document.examples[0].expected[0].body or "")["minutes"] == 0
