"""The directive language: recognition, TEST / TESTRESPONSE arguments, near misses (reference §3)."""

from __future__ import annotations

import pytest

from harness.model import Level, Span
from harness.parsers.directives import (
    NON_JSON_SUBSTITUTIONS,
    match_directive,
    near_miss,
    parse_response_args,
    parse_test_args,
)

SPAN = Span("p.asciidoc", 7, 9)


@pytest.mark.parametrize("text,expected", [
    ("CONSOLE", ("CONSOLE", "")), (" NOTCONSOLE  ", ("NOTCONSOLE", "")), ("TEST", ("TEST", "")),
    ("TEST[setup:a,b]", ("TEST", "setup:a,b")), (" TESTRESPONSE[s/a/b/]", ("TESTRESPONSE", "s/a/b/")),
    ("TESTSETUP", ("TESTSETUP", "")), ("TEARDOWN", ("TEARDOWN", "")), ("AUTOSENSE", ("AUTOSENSE", "")),
    ("TEST[warning:a [x] b]", ("TEST", "warning:a [x] b")),  # args run to the last ]
    ("TEST [continued]", None), ("TEST[]", None), ("TEST[x] y", None), ("TEST[x", None),
    ("test", None), ("CONSOLE x", None), ("NOTE: TBD", None),
])
def test_match_directive(text: str, expected: tuple[str, str] | None) -> None:
    assert match_directive(text) == expected


def test_all_test_items() -> None:
    args, problems = parse_test_args(
        "setup:a,b teardown:t catch:/bad req/ s/x\\/y/z/ skip_shard_failures continued warning:w [1] !", SPAN)
    assert problems == []
    assert args.setups == ("a", "b") and args.teardowns == ("t",) and args.catch == "/bad req/"
    assert args.skip_shard_failures and args.continued and args.warnings == ("w [1] !",)
    (substitution,) = args.substitutions
    assert (substitution.pattern, substitution.replacement) == ("x\\/y", "z")
    assert substitution.span.column == 9 + len("setup:a,b teardown:t catch:/bad req/ ")


def test_items_need_no_separator_and_single_values_last_win() -> None:
    args, problems = parse_test_args("s/a/b/s/c/d/ catch:missing catch:conflict", SPAN)
    assert problems == [] and len(args.substitutions) == 2 and args.catch == "conflict"


def test_skip_is_greedy_to_the_bracket() -> None:
    args, problems = parse_test_args("skip:needs a cluster continued", SPAN)
    assert args.skip == "needs a cluster continued" and not args.continued
    assert [p.code for p in problems] == ["greedy-skip"]


@pytest.mark.parametrize("text,message,column", [
    ("setup:a  continued", "extra content ' ' between", 9 + 8),  # the second space
    ("setup", "match no known item", 9),
    ("continued bogus", "extra content 'bogus' after", 9 + 10),
    ("teardown", "match no known item", 9),
])
def test_malformed_arguments_are_errors_pointing_at_the_bad_part(text: str, message: str, column: int) -> None:
    _, problems = parse_test_args(text, SPAN)
    (problem,) = problems
    assert problem.level is Level.ERROR and message in problem.message and problem.span.column == column


def test_skip_setup_looks_like_a_setup() -> None:
    args, problems = parse_test_args("skip:setup:server_metrics_openjob", SPAN)
    assert args.skip == "setup:server_metrics_openjob" and args.setups == ()
    (warning,) = problems
    assert warning.level is Level.WARNING and "did you mean TEST[setup:server_metrics_openjob]" in warning.hint


def test_response_arguments() -> None:
    args, problems = parse_response_args("s/1/2/ non_json skip:later", SPAN)
    assert problems == [] and args.non_json and args.skip == "later"
    assert [(s.pattern, s.replacement) for s in args.substitutions] == [("1", "2"), *NON_JSON_SUBSTITUTIONS]
    old, _ = parse_response_args("_cat", SPAN)
    assert old.non_json
    _, bad = parse_response_args("catch:missing", SPAN)
    assert [p.code for p in bad] == ["bad-directive-args"]


@pytest.mark.parametrize("text,hint", [
    (" TEST [continued]", "did you mean `TEST[continued]`?"),
    (" TEST[]", "did you mean `TEST`?"),
    (" TEST[setup:x] trailing", "did you mean `TEST[setup:x]`?"),
    (" TEST[setup:x", "did you mean `TEST[setup:x]`?"),
    (" TESTRESPONCE", "did you mean `TESTRESPONSE`?"),
    (" console", "did you mean `CONSOLE`?"),
    (" CONSOLE please", "did you mean `CONSOLE`?"),
    (" TSET[continued]", "did you mean `TEST[continued]`?"),
    (" CONSLE", "did you mean `CONSOLE`?"),
    (" NOTCONSLOE", "did you mean `NOTCONSOLE`?"),
    (" test[setup:x]", "did you mean `TEST[setup:x]`?"),
])
def test_near_misses_are_warnings_with_a_suggestion(text: str, hint: str) -> None:
    warning = near_miss(text, SPAN)
    assert warning is not None and warning.level is Level.WARNING and warning.hint == hint
    assert warning.span.line == 7 and warning.span.column == 10


@pytest.mark.parametrize("text", ["TEST[setup:x]", "NOTE: TBD", "A job can be closed", "lcawley Verified", "",
                                  "//", "===== Description", "TODO later"])
def test_prose_comments_are_not_near_misses(text: str) -> None:
    assert near_miss(text, SPAN) is None


@pytest.mark.parametrize("text,code", [
    (" TESTRESPONCE", "unknown-directive"), (" TSET", "unknown-directive"), (" Test[continued]", "unknown-directive"),
    (" TEST [continued]", "malformed-directive"), (" TEST[]", "malformed-directive"),
])
def test_misspelt_names_are_unknown_directives_and_bad_shapes_malformed(text: str, code: str) -> None:
    warning = near_miss(text, SPAN)
    assert warning is not None and warning.code == code


@pytest.mark.parametrize("text", [" TEXT of the page", " ETC", " NOTES about this", " TSET up the cluster first"])
def test_words_one_typo_away_with_prose_after_them_are_not_directives(text: str) -> None:
    assert near_miss(text, SPAN) is None


@pytest.mark.parametrize("args,hint", [
    ("contineud", "did you mean `continued`?"),
    ("setpu:x", "did you mean `setup:x`?"),
    ("setup", "did you mean `setup:NAME`?"),
    ("cacth:missing", "did you mean `catch:missing`?"),
    ("continued skip_shard_failure", "did you mean `skip_shard_failures`?"),
    ("setup:a contineud", "did you mean `continued`?"),
])
def test_unknown_test_items_stay_errors_with_a_suggestion(args: str, hint: str) -> None:
    _, problems = parse_test_args(args, SPAN)
    (problem,) = problems
    assert problem.level is Level.ERROR and problem.code == "bad-directive-args" and problem.hint.startswith(hint)


def test_unknown_response_items_get_a_suggestion() -> None:
    _, problems = parse_response_args("non_jsno", SPAN)
    (problem,) = problems
    assert problem.hint.startswith("did you mean `non_json`?")
    _, problems = parse_test_args("zzz", SPAN)
    assert problems[0].hint.startswith("known:")


@pytest.mark.parametrize("value", ["bad_request", "unauthorized", "forbidden", "missing", "request_timeout",
                                   "conflict", "unavailable", "request", "param", "/version_conflict/",
                                   "/no such index/"])
def test_known_catch_values_are_accepted(value: str) -> None:
    args, problems = parse_test_args(f"catch:{value}", SPAN)
    assert args.catch == value and problems == []


@pytest.mark.parametrize("value,hint", [
    ("mising", "did you mean `catch:missing`?"),
    ("404", "did you mean `catch:missing`?"),
    ("Conflict", "did you mean `catch:conflict`?"),
    ("/unclosed", "use one of bad_request"),
    ("teapot", "use one of bad_request"),
])
def test_unknown_catch_values_are_warnings_at_the_item(value: str, hint: str) -> None:
    args, problems = parse_test_args(f"setup:x catch:{value} continued", SPAN)
    assert args.catch == value and args.continued  # kept: replay reports the unsupported value
    (warning,) = problems
    assert warning.level is Level.WARNING and warning.code == "unknown-catch" and warning.hint.startswith(hint)
    assert (warning.span.column, warning.span.end_column) == (9 + 8, 9 + 8 + len(f"catch:{value}") - 1)
