"""harness.report.html_report without a browser: escaping, masking, the policy, partial runs."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from lxml import html

from harness.model import Span
from harness.report.html_report import html_report, write_html_report
from harness.report.redact import Redactor
from harness.results import ExampleResult, Exchange, Failure, FailureKind, Outcome, RunResult

SECRET = "s3cr&t<tok>"  # characters escaping changes: masking must happen before escaping


def failed_run(complete: bool = True) -> RunResult:
    exchange = Exchange("test", "GET", f"http://127.0.0.1:1/x?token={SECRET}", (("Authorization", f"Bearer {SECRET}"),),
                        status=500, response_body=f'{{"echo": "{SECRET}", "html": "</pre><i>italic</i>"}}')
    failure = Failure(FailureKind.STATUS, "expected status 2xx but got 500", Span("p.asciidoc", 4),
                      expected="200", actual="500")
    return RunResult(results=(
        ExampleResult("p.asciidoc", "line_3", Span("p.asciidoc", 3), Outcome.FAILED, reason="status",
                      failures=(failure,), exchanges=(exchange,)),
        ExampleResult("p.asciidoc", "line_9", Span("p.asciidoc", 9), Outcome.NOT_RUN, reason="interrupted"),
    ), complete=complete)


def test_secrets_are_masked_before_escaping() -> None:
    text = html_report(failed_run(), Redactor([SECRET]))
    assert SECRET not in text and "s3cr&amp;t&lt;tok&gt;" not in text
    root = html.fromstring(text)
    request = root.xpath("string(//pre[@class='request'])")
    assert "Authorization: Bearer ***" in request and "token=***" in request


def test_markup_in_a_body_stays_inside_its_block() -> None:
    root = html.fromstring(html_report(failed_run()))
    assert root.xpath("//i") == []
    assert '"html": "</pre><i>italic</i>"' in root.xpath("string(//pre[@class='actual'])")


def test_the_policy_admits_exactly_the_inline_style_and_script() -> None:
    text = html_report(failed_run())
    root = html.fromstring(text)
    policy = root.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    for tag, directive in (("style", "style-src"), ("script", "script-src")):
        (block,) = re.findall(f"<{tag}>(.*?)</{tag}>", text, re.S)
        digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
        assert f"{directive} 'sha256-{digest}'" in policy


def test_a_partial_run_says_so_and_counts_not_run(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "report.html"
    write_html_report(failed_run(complete=False), target)
    root = html.fromstring(target.read_text(encoding="utf-8"))
    assert "interrupted: partial results" in root.xpath("string(//p[@class='meta'])")
    assert root.xpath("string(//a[@id='count-not_run']/b)") == "1"


def test_an_empty_run_is_a_valid_report() -> None:
    root = html.fromstring(html_report(RunResult()))
    assert root.xpath("string(//a[@id='count-all']/b)") == "0" and root.xpath("//article") == []
