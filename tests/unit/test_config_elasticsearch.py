"""The ``[elasticsearch]`` table and per-source ``rules``: version attributes, the rules knob, the
expected-unconverted list, each error said at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config import ConfigError, parse_config
from harness.parsers.dialect import AUTO, Dialect

PATH = Path("/project/docharness.toml")

TREE = '''
[elasticsearch]
version = "6.3.2"
lucene_version = "7.3.1"
build_flavor = "oss"
expected_unconverted = ["en/rest-api/ml/get-bucket.asciidoc", "./en/watcher/put-watch.asciidoc"]

[[sources]]
paths = ["flink/**"]
rules = "8.x"
'''


def test_defaults_are_todays_rules_and_values() -> None:
    config = parse_config("", PATH)
    assert config.elasticsearch == AUTO and config.expected_unconverted is None
    assert config.dialect_for("any/page.asciidoc") == AUTO


def test_the_table_sets_attributes_and_the_version_picks_the_rules() -> None:
    config = parse_config(TREE, PATH)
    assert config.elasticsearch.rules == "6.3"
    assert dict(config.elasticsearch.attributes()) == {"version": "6.3.2", "lucene_version": "7.3.1",
                                                       "build_flavor": "oss"}
    assert config.expected_unconverted == ("en/rest-api/ml/get-bucket.asciidoc", "en/watcher/put-watch.asciidoc")
    assert config.elasticsearch.candidates  # the parser records candidates for the check


def test_a_source_picks_its_own_rules_and_keeps_the_attributes() -> None:
    config = parse_config(TREE, PATH)
    flink = config.dialect_for("flink/jobs/stop.asciidoc")
    assert flink.rules == "8.x" and flink.version == "6.3.2"
    assert config.dialect_for("en/rest-api/ml/get-bucket.asciidoc").rules == "6.3"
    assert config.dialect_at(Path("/project/flink/a.asciidoc")).rules == "8.x"
    assert config.dialect_at(Path("/elsewhere/a.asciidoc")).rules == "6.3"


def test_explicit_rules_win_over_the_version() -> None:
    config = parse_config('[elasticsearch]\nversion = "7.17.9"\nrules = "6.8"\n', PATH)
    assert config.elasticsearch == Dialect(rules="6.8", version="7.17.9")


@pytest.mark.parametrize("text,line,words", [
    ('[elasticsearch]\nrules = "newest"\n', 2, "names no known rule set"),
    ('[elasticsearch]\n\nversion = "main"\n', 3, "names no known rule set"),
    ('[elasticsearch]\nversion = 6.8\n', 2, "must be a non-empty string"),
    ('[elasticsearch]\nexpected_unconverted = "a.asciidoc"\n', 2, "must be a list of page paths"),
    ('[[sources]]\npaths = ["x/**"]\nrules = "late"\n', 3, "names no known rule set"),
    ('elasticsearch = 1\n', 1, "must be a table"),
])
def test_bad_values_are_config_errors_at_their_line(text: str, line: int, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, PATH)
    assert caught.value.line == line and words in caught.value.message and caught.value.hint
