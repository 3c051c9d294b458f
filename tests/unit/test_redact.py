"""harness.report.redact: secrets masked by value in text and in result data."""

from __future__ import annotations

from harness.model import Span
from harness.report.redact import MASK, Redactor
from harness.results import ExampleResult, Exchange, Outcome, RunResult


def test_text_is_masked_everywhere_longest_first() -> None:
    redactor = Redactor(["s3cr3t-token", "s3cr3t", "ab"])
    assert redactor.text("a s3cr3t-token and s3cr3t") == f"a {MASK} and {MASK}"
    assert redactor.secrets == ("s3cr3t-token", "s3cr3t")  # two-letter values would mask words


def test_result_data_is_masked_and_keeps_its_types() -> None:
    exchange = Exchange(phase="test", method="GET", url="http://h/?t=tok-123456",
                        request_headers=(("X-Auth-Token", "tok-123456"),), response_body='{"echo": "tok-123456"}')
    result = ExampleResult(document="d", name="n", span=Span("d", 1), outcome=Outcome.FAILED, reason="tok-123456",
                           exchanges=(exchange,))
    masked = Redactor(["tok-123456"]).data(RunResult(results=(result,)))
    assert "tok-123456" not in repr(masked)
    assert masked.results[0].outcome is Outcome.FAILED
    assert masked.results[0].exchanges[0].request_headers == (("X-Auth-Token", MASK),)


def test_nothing_to_mask_returns_the_same_object() -> None:
    run = RunResult()
    assert Redactor().data(run) is run
