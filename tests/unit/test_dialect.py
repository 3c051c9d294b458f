"""Elasticsearch version rules (harness.parsers.dialect): one conformance test per rule, per version
where the rule differs (reference §12), on inline pages parsed by the real AsciiDoc parser."""

from __future__ import annotations

import pytest

from harness.model import Document, Level, Role
from harness.parsers.asciidoc import parse_asciidoc
from harness.parsers.dialect import AUTO, Dialect, rules_for

VERSIONS = ("6.3", "6.4", "6.8", "7.x", "8.x")


def page(text: str, rules: str = "auto", **attributes: str) -> Document:
    return parse_asciidoc(text, "page.asciidoc", Dialect(rules, **attributes))


def errors(document: Document) -> list[str]:
    return [d.code for d in document.diagnostics if d.level is Level.ERROR]


def warnings(document: Document) -> list[str]:
    return [d.code for d in document.diagnostics if d.level is Level.WARNING]


REQUEST = "[source,js]\n----\nGET /_cat/health\n----\n// CONSOLE\n"


def request(rules: str, path: str = "/_cat/health") -> str:
    """A test snippet in the form the version writes (late 7.x: [source,console], before: // CONSOLE)."""
    if rules in ("7.x", "8.x"):
        return f"[source,console]\n----\nGET {path}\n----\n"
    return f"[source,js]\n----\nGET {path}\n----\n// CONSOLE\n"


@pytest.mark.parametrize("version,rules", [
    ("6.3.2", "6.3"), ("6.0", "6.3"), ("5.6.16", "6.3"), ("6.5.4", "6.4"), ("6.7", "6.4"), ("6.8.13", "6.8"),
    ("7.3.0", "6.8"), ("7.5", "6.8"), ("7.6.0", "7.x"), ("7.17.9", "7.x"), ("7.x", "7.x"), ("8", "8.x"),
    ("8.15.0-SNAPSHOT", "8.x"), ("auto", "auto"), ("6.8", "6.8"),
])
def test_a_version_names_its_rule_set(version: str, rules: str) -> None:
    assert rules_for(version) == rules


def test_an_unknown_version_is_refused() -> None:
    with pytest.raises(ValueError):
        rules_for("main")


@pytest.mark.parametrize("rules,allowed", [("auto", True), ("6.3", True), ("6.4", True), ("6.8", False),
                                           ("7.x", False), ("8.x", False)])
def test_the_cat_marker_is_an_error_from_6_8(rules: str, allowed: bool) -> None:
    document = page(request(rules) + "\n[source,txt]\n----\ngreen\n----\n// TESTRESPONSE[_cat]\n", rules)
    assert errors(document) == ([] if allowed else ["bad-directive-args"])
    if not allowed:
        (problem,) = document.diagnostics
        assert problem.span.column == 17 and problem.span.end_column == 20 and "non_json" in problem.message


@pytest.mark.parametrize("rules,allowed", [("auto", True), ("6.3", False), ("6.4", False), ("6.8", True),
                                           ("7.x", True), ("8.x", True)])
def test_non_json_exists_from_6_8(rules: str, allowed: bool) -> None:
    document = page(request(rules) + "\n[source,txt]\n----\ngreen\n----\n// TESTRESPONSE[non_json]\n", rules)
    assert errors(document) == ([] if allowed else ["bad-directive-args"])


def test_an_item_inside_a_substitution_is_not_an_item() -> None:
    text = "\n[source,txt]\n----\ngreen\n----\n// TESTRESPONSE[s/green/ _cat teardown:x/]\n"
    assert all(not errors(page(request(rules) + text, rules)) for rules in VERSIONS)
    greedy = request("6.8") + "// TEST[warning:the _cat teardown:x API is deprecated]\n"
    assert not errors(page(greedy, "6.8"))  # warning: runs to the end of the line


@pytest.mark.parametrize("rules,allowed", [("auto", True), ("6.3", False), ("6.4", False), ("6.8", False),
                                           ("7.x", False), ("8.x", True)])
def test_teardown_items_exist_only_in_8(rules: str, allowed: bool) -> None:
    document = page(request(rules) + "// TEST[teardown:cleanup]\n", rules)
    assert errors(document) == ([] if allowed else ["bad-directive-args"])
    assert document.examples[0].teardowns == ("cleanup",)  # what the page says is kept for the diagnostics


@pytest.mark.parametrize("directive", ["TEST[skip_shard_failures]", "TESTRESPONSE[skip:not JSON]"])
@pytest.mark.parametrize("rules", VERSIONS)
def test_skip_items_came_after_6_3(directive: str, rules: str) -> None:
    name = directive.split("[")[0]
    text = request(rules) + (f"// {directive}\n" if name == "TEST" else f"\n[source,js]\n----\n{{}}\n----\n// {directive}\n")
    assert errors(page(text, rules)) == (["bad-directive-args"] if rules == "6.3" else [])


@pytest.mark.parametrize("rules", VERSIONS)
def test_teardown_directive_is_text_in_6_3(rules: str) -> None:
    document = page("[source,js]\n----\nDELETE /idx\n----\n// CONSOLE\n// TEARDOWN\n", rules)
    if rules == "6.3":  # the line is prose: the snippet stays a plain CONSOLE test, and a warning says so
        assert [e.role for e in document.examples] == [Role.TEST]
        assert warnings(document) == ["malformed-directive"]
    else:
        assert [e.role for e in document.examples] == [Role.TEARDOWN] and not document.diagnostics


@pytest.mark.parametrize("rules", VERSIONS)
def test_plus_continuation_came_after_6_3(rules: str) -> None:
    document = page("* Step one:\n+\n[source,js]\n----\nGET /a\n----\n+\n// TEST\n", rules)
    if rules == "6.3":  # the "+" emits the snippet, and the CONSOLE after it is unpaired
        assert errors(document) == ["unpaired-directive"] and not document.examples
    else:
        assert not document.diagnostics and len(document.tests) == 1


@pytest.mark.parametrize("rules,kept", [("auto", True), ("6.3", False), ("6.4", True), ("6.8", True),
                                        ("7.x", True), ("8.x", False)])
def test_testenv_exists_from_6_4_to_7(rules: str, kept: bool) -> None:
    document = page('[testenv="gold"]\n\n' + request(rules), rules)
    assert document.examples[0].testenv == ("gold" if kept else None)
    assert warnings(document) == ([] if kept else ["ignored-testenv"])


def test_an_unsupported_testenv_is_an_error_only_where_a_test_is_generated() -> None:
    no_test = page('[testenv="gold+"]\n\n[source,js]\n----\n{"a": 1}\n----\n// NOTCONSOLE\n')
    assert warnings(no_test) == ["unsupported-testenv"] and not errors(no_test)
    setup_only = page('[testenv="gold+"]\n\n[source,js]\n----\nPUT /a\n----\n// CONSOLE\n// TESTSETUP\n')
    assert not errors(setup_only)  # setup sections are written without a skip block
    with_test = page('[testenv="gold+"]\n\n' + REQUEST)
    assert errors(with_test) == ["unsupported-testenv"] and with_test.diagnostics[0].span.line == 1
    later = page('[testenv="gold+"]\n\n[source,js]\n----\n{}\n----\n// NOTCONSOLE\n\n[testenv="basic"]\n\n' + REQUEST)
    assert warnings(later) == ["unsupported-testenv"] and not errors(later)  # the test is under "basic"


@pytest.mark.parametrize("rules,error", [("auto", False), ("6.3", False), ("6.8", False), ("7.x", True),
                                         ("8.x", True)])
def test_console_on_js_is_an_error_in_late_7(rules: str, error: bool) -> None:
    assert errors(page(REQUEST, rules)) == (["console-directive"] if error else [])


def test_auto_flags_console_on_js_only_on_pages_using_the_7_forms() -> None:
    modern = REQUEST + "\n[source,console]\n----\nGET /b\n----\n"
    assert errors(page(modern)) == ["console-directive"]
    assert errors(page(modern, "6.8")) == []  # [source,console] means nothing to 6.8


@pytest.mark.parametrize("rules,roles", [("6.8", []), ("7.x", [Role.TEST]), ("8.x", [Role.TEST])])
def test_console_language_is_a_test_from_late_7(rules: str, roles: list[Role]) -> None:
    assert [e.role for e in page("[source,console]\n----\nGET /a\n----\n", rules).examples] == roles


@pytest.mark.parametrize("rules", ["6.4", "6.8", "7.x"])
def test_console_result_is_a_source_line_only_from_late_7(rules: str) -> None:
    document = page("[source,console]\n----\nGET /a\n----\n// TEST\n\n[source,console-result]\n----\n{\"a\": 1}\n----\n",
                    rules)
    if rules == "7.x":
        assert document.examples[0].expected and not document.diagnostics
    else:  # a language with "-" is no language before late 7.x: the block has none
        assert not document.examples[0].expected and warnings(document) == ["missing-language"]


@pytest.mark.parametrize("rules,level", [("6.8", Level.ERROR), ("7.x", Level.ERROR), ("8.x", Level.WARNING)])
def test_the_json_check_of_responses_is_dead_in_8(rules: str, level: Level) -> None:
    document = page(REQUEST + '\n[source,js]\n----\n{"took": ...}\n----\n// TESTRESPONSE\n', rules)
    (problem,) = [d for d in document.diagnostics if d.code == "invalid-json-response"]
    assert problem.level is level


ATTRIBUTES = "[source,js]\n----\nGET /_x/{version}/{lucene_version}/{build_flavor}/{version_qualified}/{build_type}\n" \
             "----\n// TEST\n"


def test_attribute_values_come_from_the_dialect_and_6x_substitutes_three() -> None:
    six = page(ATTRIBUTES, "6.3", version="6.3.2", lucene_version="7.3.1", build_flavor="oss")
    assert six.examples[0].requests[0].path == "/_x/6.3.2/7.3.1/oss/{version_qualified}/{build_type}"
    seven = page(ATTRIBUTES, "7.x", version="7.17.9", lucene_version="8.11.1", build_type="zip")
    assert seven.examples[0].requests[0].path == "/_x/7.17.9/8.11.1/default/7.17.9/zip"
    early_seven = page(ATTRIBUTES, "6.8", version="7.3.0", lucene_version="8.1.0")  # the 6.8 parser, 7.x's plugin
    assert early_seven.examples[0].requests[0].path == "/_x/7.3.0/8.1.0/default/7.3.0/tar"


def test_auto_keeps_the_attribute_values_of_6_8_13() -> None:
    assert page(ATTRIBUTES).examples[0].requests[0].path == "/_x/6.8.13/7.7.3/default/6.8.13/tar"
    assert AUTO == Dialect()


def test_attribute_values_are_literal_text() -> None:
    document = page(ATTRIBUTES, "7.x", version="7.0.0-$1\\x")
    assert document.examples[0].requests[0].path.startswith("/_x/7.0.0-$1\\x/")


@pytest.mark.parametrize("rules,setups", [("auto", ("known",)), ("6.3", ()), ("6.4", ("known",)), ("6.8", ("known",))])
def test_a_named_setup_on_the_testsetup_snippet_is_ignored_by_6_3(rules: str, setups: tuple[str, ...]) -> None:
    document = page("[source,js]\n----\nPUT /a\n----\n// CONSOLE\n// TESTSETUP\n// TEST[setup:known]\n", rules)
    assert document.examples[0].role is Role.SETUP and document.examples[0].setups == setups
    assert warnings(document) == ([] if setups else ["setup-ignored"])


@pytest.mark.parametrize("rules,tests", [("auto", 1), ("7.x", 0), ("8.x", 1)])
def test_a_styled_source_line_is_the_8x_parsers_only(rules: str, tests: int) -> None:
    document = page("[source.merge.styled,console]\n----\nGET /a\n----\n", rules)
    assert len(document.tests) == tests


@pytest.mark.parametrize("rules,version,seven", [("auto", "6.8.13", False), ("auto", "7.17.0", False),
                                                 ("6.8", "6.8.13", False), ("6.8", "7.3.0", True),
                                                 ("7.x", "7.17.0", True), ("8.x", "8.15.0", True)])
def test_the_generator_and_runner_side_follow_the_version(rules: str, version: str, seven: bool) -> None:
    dialect = Dialect(rules, version)
    assert dialect.shard_check_exempt == (("_cat", "_ml/datafeeds/") if seven else ("_cat", "_xpack/ml/datafeeds/"))
    assert dialect.ignored_warnings == (("[types removal]",) if seven else ())


def _teardown_then_continued(rules: str) -> str:
    marker = "// TEARDOWN\n"
    teardown = request(rules, "/idx").replace("GET /idx", "DELETE /idx") + marker
    return (request(rules, "/setup") + "// TESTSETUP\n\n" + teardown + "\n"
            + request(rules, "/more").replace("GET /more", "DELETE /more") + "// TEST[continued]\n\n"
            + request(rules, "/test"))


@pytest.mark.parametrize("rules", ["auto", "6.4", "6.8", "7.x", "8.x"])
def test_continued_after_teardown_joins_the_teardown_in_8_and_is_an_error_before(rules: str) -> None:
    from harness.replay.plan import plan_document

    document = page(_teardown_then_continued(rules), rules)
    [planned, *rest] = plan_document(document, family="elasticsearch", setups={}, teardowns={})
    if rules == "8.x":  # the Java port's check is dead: the requests are appended to the TEARDOWN section
        assert warnings(document) == ["continued-after-teardown"] and not errors(document) and not rest
        assert [(s.phase, s.request.path) for s in planned.steps] == [
            ("setup", "/setup"), ("test", "/test"), ("teardown", "/idx"), ("teardown", "/more")]
    else:
        assert errors(document) == ["continued-after-setup"]
        assert "/more" not in [s.request.path for s in planned.steps]


@pytest.mark.parametrize("rules", VERSIONS)
def test_startyaml_is_not_in_the_6_3_grammar(rules: str) -> None:
    text = request(rules, "/idx").replace("GET /idx\n", "GET /idx\nstartyaml\n  - match: {a: 1}\nendyaml\n")
    document = page(text, rules)
    found = [(d.code, d.span.line) for d in document.diagnostics if d.level is Level.ERROR]
    assert found == ([("startyaml-unsupported", 4)] if rules == "6.3" else [])
