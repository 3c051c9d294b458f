"""harness.replay.catch: the YAML runner's catch table (reference spec §9.3)."""

from __future__ import annotations

import pytest

from harness.replay.catch import CATCH_NAMES, CATCH_STATUS, NOT_SENT, check_catch, is_known_catch, java_string

ERROR = {"error": {"root_cause": [{"type": "resource_not_found_exception", "reason": "no job"}],
                   "type": "resource_not_found_exception", "reason": "no job"}, "status": 404}


@pytest.mark.parametrize("value,status", [("bad_request", 400), ("unauthorized", 401), ("forbidden", 403),
                                          ("missing", 404), ("request_timeout", 408), ("conflict", 409),
                                          ("unavailable", 503)])
def test_named_values_want_their_status(value: str, status: int) -> None:
    assert check_catch(value, status, {}) is None
    assert check_catch(value, 200, {}) is not None
    assert check_catch(value, 500, {}) is not None


@pytest.mark.parametrize("status,ok", [(400, False), (401, False), (403, False), (404, False), (408, False),
                                       (409, False), (429, True), (500, True), (503, True), (405, True), (200, False)])
def test_request_excludes_the_named_statuses(status: int, ok: bool) -> None:
    assert (check_catch("request", status, {}) is None) is ok


def test_regex_searches_the_error_as_java_prints_it() -> None:
    assert java_string(ERROR["error"]).startswith("{root_cause=[{type=resource_not_found_exception, reason=no job}]")
    assert check_catch("/type=resource_not_found/", 404, ERROR) is None
    assert check_catch("/conflict/", 404, ERROR) is not None
    assert check_catch("/no job/", 200, ERROR) is not None
    assert check_catch("/no job/", 404, {"status": 404}) is not None


def test_unknown_values_are_rejected() -> None:
    assert not is_known_catch("nope")
    assert all(is_known_catch(v) for v in ("missing", "request", "param", "/x/"))
    assert check_catch("nope", 404, {}) == "catch value [nope] not supported"


def test_the_runner_table_and_the_directive_language_name_the_same_values() -> None:
    assert set(CATCH_STATUS) | {"request", NOT_SENT} == set(CATCH_NAMES)
