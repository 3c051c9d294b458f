"""Regexes from pages run with a time limit (issue 12, item 4).

``(a|aa)+$`` against a line of 60 ``a`` and a ``b`` backtracks for hours with Python's
``re``. Each case runs in a daemon thread with a generous bound: without the limit
the thread is still busy when the bound passes and the test fails.
"""

from __future__ import annotations

from pathlib import Path

from bounded import bounded

from harness.model import Document, Level
from harness.parsers import parse
from harness.parsers.substitutions import apply_substitutions
from harness.replay.catch import check_catch
from harness.replay.match import match_exact, match_non_json, match_subset

EVIL = "(a|aa)+$"
LINE = "a" * 60 + "b"
BOUND = 90.0  # seconds: the limit stops each search after ~1 s; the unbounded search takes weeks
SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def _timeouts(document: Document) -> list[tuple[int, str]]:
    return [(d.span.line, d.level.value) for d in document.diagnostics if d.code == "regex-timeout"]


def test_an_asciidoc_substitution_that_backtracks_is_an_error_at_its_directive() -> None:
    text = f"[source,js]\n----\nPUT /x\n{{\"v\": \"{LINE}\"}}\n----\n// CONSOLE\n// TEST[s/{EVIL}/x/]\n"
    document = bounded(lambda: parse(text, "evil.asciidoc"), BOUND)
    assert _timeouts(document) == [(7, Level.ERROR.value)]
    assert "ran longer than" in next(d.message for d in document.diagnostics if d.code == "regex-timeout")


def test_a_testresponse_substitution_that_backtracks_is_an_error_at_its_directive() -> None:
    text = (f"[source,js]\n----\nGET /x\n----\n// CONSOLE\n\n[source,js]\n----\n{{\"v\": \"{LINE}\"}}\n----\n"
            f"// TESTRESPONSE[s/{EVIL}/x/]\n")
    document = bounded(lambda: parse(text, "evil.asciidoc"), BOUND)
    assert _timeouts(document) == [(11, Level.ERROR.value)]


def test_rst_and_html_directives_are_bounded_too() -> None:
    rst = (SAMPLES / "rst" / "base_page.rst").read_text(encoding="utf-8").replace(
        "{{REQUESTS}}", f'.. code-block:: json\n\n   {{"v": "{LINE}"}}\n\n.. TEST[s/{EVIL}/x/]').replace(
        "{{RESPONSES}}", "")
    html = (SAMPLES / "html" / "base_page.html").read_text(encoding="utf-8").replace(
        "{{REQUESTS}}", f'<pre>{{"v": "{LINE}"}}</pre>\n<!-- TEST[s/{EVIL}/x/] -->').replace("{{RESPONSES}}", "")
    for name, text in (("evil.rst", rst), ("evil.html", html)):
        document = bounded(lambda: parse(text, name), BOUND)  # noqa: B023 - called at once
        lines = [number for number, _ in _timeouts(document)]
        assert lines and all(f"TEST[s/{EVIL}" in text.splitlines()[n - 1] for n in lines), (name, document.diagnostics)


def test_expected_response_regexes_fail_naming_the_regex_instead_of_hanging() -> None:
    for check in (lambda: match_exact(f"/{EVIL}/", LINE), lambda: match_subset({"v": f"/{EVIL}/"}, {"v": LINE}),
                  lambda: match_non_json(f"/{EVIL}/", LINE)):
        (mismatch,) = bounded(check, BOUND)
        assert "ran longer than" in mismatch.message and EVIL in mismatch.message + mismatch.expected


def test_a_catch_regex_is_bounded() -> None:
    reason = bounded(lambda: check_catch(f"/{EVIL}/", 400, {"error": LINE}), BOUND)
    assert reason is not None and "ran longer than" in reason and EVIL in reason


def test_java_replace_all_semantics_still_hold() -> None:
    from harness.model import Span, Substitution

    span = Span("p", 1)
    subs = [Substitution(r"(?<word>\w+)-(\d)", "${word}+$2", span), Substitution(r"\Qa.b\E", r"\$x", span)]
    assert apply_substitutions("abc-1 a.b axb", subs) == ("abc+1 $x axb", [])
