"""harness.replay.safety and the runner: no state change reaches a non-loopback target without opt-in."""

from __future__ import annotations

import pytest
from remote_names import closed_port, remote_name_on_loopback

from harness.model import Example, MatchPolicy, Request, Span
from harness.replay.execute import DocumentRunner
from harness.replay.plan import PlannedTest, Step
from harness.replay.safety import changes_state, is_loopback
from harness.replay.target import Target
from harness.replay.variables import Variables
from harness.report.redact import Redactor
from harness.results import FailureKind, Outcome


@pytest.mark.parametrize("url,local", [("http://127.0.0.1:9200", True), ("http://localhost", True),
                                       ("http://[::1]:80", True), ("http://127.5.5.5", True),
                                       ("https://es.example.com", False), ("http://10.0.0.1", False)])
def test_loopback(url: str, local: bool) -> None:
    assert is_loopback(url) is local


def test_only_get_and_head_are_read_only() -> None:
    assert [m for m in ("GET", "head", "POST", "PUT", "DELETE", "PATCH", "OPTIONS") if changes_state(m)] == \
        ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]


def planned(*methods: str) -> PlannedTest:
    example = Example(name="line_1", span=Span("p.asciidoc", 1))
    steps = tuple(Step("test", Request(m, "x", span=Span("p.asciidoc", 2)), "line_1") for m in methods)
    return PlannedTest(document="p.asciidoc", example=example, steps=steps)


def runner(allow_writes: bool, url: str) -> DocumentRunner:
    target = Target(name="live", url=url, timeout=0.2, allow_writes=allow_writes)
    return DocumentRunner(target, family="elasticsearch", policy=MatchPolicy.EXACT, variables=Variables({}),
                          redactor=Redactor())


@pytest.fixture
def remote_url(monkeypatch: pytest.MonkeyPatch) -> str:
    """A URL that is remote by name; it resolves to a closed loopback port (nothing answers)."""
    return f"http://{remote_name_on_loopback(monkeypatch)}:{closed_port()}"


def test_writes_are_skipped_with_the_reason_and_nothing_is_sent(remote_url: str) -> None:
    result = runner(allow_writes=False, url=remote_url).run(planned("GET", "POST"))
    assert result.outcome is Outcome.SKIPPED and result.exchanges == ()
    assert result.reason.startswith(f"POST changes state and {remote_url} is not on loopback")


def test_reads_and_opted_in_writes_are_sent(remote_url: str) -> None:
    for allow, methods in ((False, ("GET",)), (True, ("POST",))):
        result = runner(allow_writes=allow, url=remote_url).run(planned(*methods))
        assert result.outcome is Outcome.ERROR
        assert result.failures[0].kind in (FailureKind.TIMEOUT, FailureKind.CONNECTION)
        assert len(result.exchanges) == 1 and result.exchanges[0].status is None
