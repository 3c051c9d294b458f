"""harness.replay.headers: which documented response headers are compared, only found present, or ignored."""

from __future__ import annotations

from harness.model import ExpectedResponse
from harness.replay.headers import check_headers, header_checks
from harness.replay.send import Reply

DOCUMENTED = ExpectedResponse("", None, headers=(
    ("Content-Type", "application/json; charset=UTF-8"), ("Location", "/v1/jobs/1"), ("Date", "Thu"),
    ("X-Openstack-Request-Id", "req-1"), ("Access-Control-Allow-Origin", "*"), ("X-RateLimit-Remaining", "9"),
    ("content-type", "text/plain"), ("X-Table-Header", "")))


def _reply(*headers: tuple[str, str]) -> Reply:
    return Reply(200, headers, "{}", "application/json", 1.0)


def test_each_header_once_with_how_it_is_checked() -> None:
    assert header_checks(DOCUMENTED) == (
        ("Content-Type", "compared"), ("Location", "present"), ("Date", "ignored"),
        ("X-Openstack-Request-Id", "ignored"), ("Access-Control-Allow-Origin", "ignored"),
        ("X-RateLimit-Remaining", "ignored"), ("X-Table-Header", "present"))


def test_media_type_compared_other_values_only_present() -> None:
    ok = _reply(("content-type", "application/json"), ("location", "/v1/jobs/99"), ("X-Table-Header", "x"))
    assert check_headers(DOCUMENTED, ok) is None
    wrong = check_headers(DOCUMENTED, _reply(("Content-Type", "text/html"), ("X-Table-Header", "x")))
    assert wrong is not None and wrong.message == ("the response headers differ from the page: Content-Type is "
                                                   "text/html, not application/json; Location is missing")


def test_a_skipped_response_checks_no_header() -> None:
    skipped = ExpectedResponse("", None, skip="not comparable", headers=(("Location", "/x"),))
    assert header_checks(skipped) == () and check_headers(skipped, _reply()) is None


def test_a_table_named_content_type_is_only_found_present() -> None:
    tabled = ExpectedResponse("", None, headers=(("Content-Type", ""),))
    assert header_checks(tabled) == (("Content-Type", "present"),)
    assert check_headers(tabled, _reply(("Content-Type", "text/plain"))) is None
