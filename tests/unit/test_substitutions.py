"""``s/pattern/replacement/`` behaves like Java's ``String.replaceAll`` as the build uses it (reference §3.3)."""

from __future__ import annotations

import pytest

from harness.model import Level, Span, Substitution
from harness.parsers.substitutions import apply_substitutions, default_substitutions

SPAN = Span("p.asciidoc", 9, 12, 9, 30)


def sub(text: str, *pairs: tuple[str, str]) -> str:
    result, problems = apply_substitutions(text, [Substitution(p, r, SPAN) for p, r in pairs])
    assert [p for p in problems if p.code != "unused-substitution"] == []  # no-ops are part of what is checked
    return result


def test_a_written_substitution_that_matches_nothing_is_warned_at_its_item() -> None:
    from harness.parsers.directives import NON_JSON_SUBSTITUTIONS

    text, problems = apply_substitutions('{"took" : 25}\n', [Substitution('"took": 25', '"took": $body.took', SPAN),
                                                             Substitution("25", "25", SPAN)])
    assert text == '{"took" : 25}\n'  # the build's no-op, kept
    assert [(p.level, p.code, p.span) for p in problems] == [(Level.WARNING, "unused-substitution", SPAN)]
    assert 's/"took": 25/"took": $body.took/ matches nothing' in problems[0].message  # a same-text match is a match
    # what the build adds itself is never warned: the attribute defaults, non_json's four on one-line text
    added = [*default_substitutions("p.asciidoc"), *(Substitution(p, r, SPAN) for p, r in NON_JSON_SUBSTITUTIONS)]
    assert apply_substitutions("ok", added)[1] == []


def test_body_and_path_stay_literal() -> None:
    text = '{"stack_trace": ...}\n'
    assert sub(text, ('"stack_trace": ...', '"stack_trace": $body.$_path')) == '{"stack_trace": $body.$_path}\n'


def test_unescaped_dots_match_any_three_characters_as_in_java() -> None:
    assert sub('"took": 123,\n', (r'"took": ...', '"took": $body.took')) == '"took": $body.took,\n'
    assert sub('"took": ...,\n', (r'"took": \.\.\.', '"took": 1')) == '"took": 1,\n'


def test_backslash_n_in_the_replacement_is_a_newline_and_dollar_anchors_before_final_newline() -> None:
    assert sub("GET /\n", ("^", r"PUT /idx\n")) == "PUT /idx\nGET /\n"
    assert sub("GET /\n", (r"\n$", r"\nGET /b\n")) == "GET /\nGET /b\n"
    assert sub("a\n", ("$", "X")) == "aX\nX"  # Java finds both: before the final newline and at the end


def test_group_references_and_escapes() -> None:
    assert sub("id: 42\n", (r"(\d+)", r"<$1>")) == "id: <42>\n"
    assert sub("a b\n", (r"(a) (b)", r"$2 $1 $12")) == "b a a2\n"  # $12 is $1 then "2": only 2 groups
    assert sub("x\n", ("x", r"a\/b\\c\$d")) == "a/b\\c$d\n"
    assert sub("a/b\n", (r"a\/b", "ok")) == "ok\n"
    assert sub("ab\n", (r"(?<first>a)b", "${first}!")) == "a!\n"


def test_java_only_regex_constructs_are_translated() -> None:
    assert sub("a.b*c\n", (r"\Q.b*\E", "-")) == "a-c\n"
    assert sub("x\n", (r"x\z", "y")) == "x\n"  # \z is the very end, after the newline
    assert sub("x\n", (r"x\Z", "y")) == "y\n"  # \Z allows a final newline
    assert sub("a\tb\n", (r"\h", "_")) == "a_b\n"
    assert sub("٣\n", (r"\d", "n")) == "٣\n"  # Java's \d is ASCII only


def test_declaration_order_matters() -> None:
    assert sub("a\n", ("a", "b"), ("b", "c")) == "c\n"
    assert sub("a\n", ("b", "c"), ("a", "b")) == "b\n"


@pytest.mark.parametrize("replacement,message", [
    ("$foo", "Illegal group reference: $foo"),
    (r"\$body", "Illegal group reference"),  # becomes \\$body: a backslash, then the reference $b
    ("$3", "No group 3"),
    ("x\\", "character to be escaped is missing"),
    ("${nope}", "no group with name"),
])
def test_illegal_replacements_are_error_diagnostics(replacement: str, message: str) -> None:
    result, problems = apply_substitutions("a\n", [Substitution("(a)", replacement, SPAN)])
    assert result == "a\n"
    (problem,) = problems
    assert problem.level is Level.ERROR and problem.code == "bad-substitution" and message in problem.message
    assert problem.span == SPAN and problem.hint


@pytest.mark.parametrize("pattern", ["(a", "[a", r"\p{Latin}", r"\p{javaJavaIdentifierStart}", r"\p{Alpha",
                                     "a{2,1}"])
def test_bad_patterns_are_error_diagnostics(pattern: str) -> None:
    result, problems = apply_substitutions("aa\n", [Substitution(pattern, "b", SPAN)])
    assert result == "aa\n" and [p.code for p in problems] == ["bad-substitution"]


@pytest.mark.parametrize(("pattern", "text", "result"), [
    (r"\p{L}+", "Zoë café", "x x"),  # Unicode categories match beyond ASCII, as in Java
    (r"\pL+", "Zoë", "x"),
    (r"\p{Alpha}+", "Zoë", "xë"),  # Java's POSIX names are ASCII-only
    (r"[\p{Alpha}_]+", "a_é", "xé"),
    (r"\p{javaLowerCase}+", "Zoë", "Zx"),
    (r"\p{IsLatin}+", "Zoë αβ", "x αβ"),
    (r"\p{InGreek}+", "Zoë αβ", "Zoë x"),
    (r"\p{sc=Greek}+", "αβ", "x"),
    (r"[\p{Lu}\d]+", "É1é", "xé"),  # a class mixing a Unicode property with other items
    (r"[^\p{L}]+", "é1 é", "éxé"),
    (r"\P{L}+", "é1 é", "éxé"),
    (r"\p{javaWhitespace}+", "a\u00a0b c", "a\u00a0bxc"),  # no-break spaces are not Java whitespace
    (r"\p{Punct}", "a!", "ax"),
])
def test_java_character_properties(pattern: str, text: str, result: str) -> None:
    replaced, problems = apply_substitutions(text, [Substitution(pattern, "x", SPAN)])
    assert problems == [] and replaced == result


def test_a_property_java_has_but_docharness_cannot_run_names_itself() -> None:
    _, [problem] = apply_substitutions("a", [Substitution(r"\p{javaIdentifierIgnorable}", "x", SPAN)])
    assert problem.span == SPAN and "\\p{javaIdentifierIgnorable} is a Java property docharness cannot run" in \
        problem.message
    _, [latin] = apply_substitutions("a", [Substitution(r"\p{Latin}", "x", SPAN)])
    assert "Java writes a script as \\p{IsLatin}" in latin.message


def test_default_substitutions() -> None:
    text, problems = apply_substitutions("{version} {lucene_version} {build_flavor} {other}\n",
                                         default_substitutions("p.asciidoc"))
    assert problems == [] and text == "6.8.13 7.7.3 default {other}\n"


@pytest.mark.parametrize("pattern,replacement", [
    (r"\?pretty", ""), ('"took": 3', '"took": $body.took'), ("green", r"\\w+"), (r"\n", r"\\s*\n "),
    (r'"stack_trace": \.\.\.', '"stack_trace": $body.$_path'), (r"\Qa.b*\E", "c"), (r"a\-b\/c\t", "d\\$e"),
    ("a", "b"), ("ab", "ab"), ("é ü", "x"), (r"\u00e9", "x"), (r"\x41", "x"), ("a{2}", "x"), ("(?i)A", "x"),
    (r"\.", r"\\n"), (r"\d", "x"), ("a+", "x"), ("^a", "x"), (r"a\b", "x"), ("[.]", "x"),
])
def test_fixed_text_substitutions_do_what_the_regex_does(pattern: str, replacement: str) -> None:
    """A pattern that matches one fixed text is applied with ``str.replace``: the text and the unused
    warning are what the page's regex (run as every other pattern is) gives."""
    from harness.parsers import substitutions
    from harness.parsers.user_regex import search
    from harness.parsers.user_regex import sub as regex_sub

    compiled = substitutions._compiled(pattern, replacement)
    assert not isinstance(compiled, substitutions.SubstitutionError)
    for text in ("", "a-b/c\td aa?pretty ab a.b* é ü A\n", '"took": 3, "took": 3\n"stack_trace": ...\ngreen\n'):
        expected = regex_sub(compiled[0], compiled[1], text)
        item = Substitution(pattern, replacement, SPAN)
        unused = expected == text and substitutions._written(item) and search(compiled[0], text) is None
        result, problems = apply_substitutions(text, [item])
        assert result == expected
        assert [p.code for p in problems] == ["unused-substitution"] * unused
