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


def test_derived_secrets_of_basic_bearer_and_urls_are_masked() -> None:
    import base64

    basic = base64.b64encode(b"elastic:ch/ange+me").decode()
    redactor = Redactor([f"Basic {basic}", "Bearer abcdefgh12345678"])
    redactor.add_url("https://deploy:p%40ss%2Fword@example.test:9200/")
    assert {"elastic:ch/ange+me", "ch/ange+me", basic, "abcdefgh12345678", "p@ss/word", "deploy:p@ss/word"} <= set(
        redactor.secrets)
    for leaked in ("ch\\/ange%2Bme", "abcdefgh12345678", "p%40ss%2Fword", "p@ss\\/word",
                   base64.b64encode(b"deploy:p@ss/word").decode(), base64.urlsafe_b64encode(b"xch/ange+me").decode()):
        assert redactor.text(f"<{leaked}>") != f"<{leaked}>", leaked


def test_every_url_password_is_masked_without_knowing_it() -> None:
    redactor = Redactor()
    assert redactor.text("GET http://u:hunter22@h:1/x and \"https:\\/\\/tok@h\"") == (
        "GET http://u:***@h:1/x and \"https:\\/\\/***@h\"")
    exchange = Exchange(phase="test", method="GET", url="http://u:hunter22@h/", request_headers=(),
                        response_body="")
    assert redactor.data(exchange).url == "http://u:***@h/"
    assert redactor.text("mail me at a@b.c, see http://h/p@q") == "mail me at a@b.c, see http://h/p@q"


def test_a_secret_cut_by_a_shortened_diff_value_is_masked_at_the_cut() -> None:
    from harness.replay.match import show

    secret = "tok-" + "9f8e7d6c5b4a" * 3
    redactor = Redactor([secret])
    for padding in (150, 160, 175):  # the cut falls at several places inside the secret
        shown = show({"note": "x" * padding + secret + " and more"})
        assert shown.endswith("...") and secret not in shown and secret[:8] in shown
        masked = redactor.text(shown)
        kept = masked.removesuffix("***...")
        assert masked.endswith("***...") and not any(secret[:k] in kept[-k:] for k in range(4, len(secret)))
    assert redactor.text("plain text... and tok- alone") == "plain text... and tok- alone"


def test_cut_tails_stay_linear_in_the_text() -> None:
    redactor = Redactor(["tok-" + "9f8e7d6c5b4a" * 3])
    dots = "..." * 20_000
    assert redactor.text(dots) == dots  # 20,000 cuts, each looked at over one secret's length only
