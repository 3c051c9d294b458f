"""DocumentRunner.prepare_all and run(whole=False): what the pytest plugin's send-ahead and its results rely on.

A test prepared before its turn (``prepare_all``, as ``harness.replay.ahead`` does) is sent as prepared then,
but only by that test's run and only while nothing was captured since; a run for the plugin's own use
(``whole=False``) leaves masking to its caller and carries no examples digest. A real loopback server
records what goes on the wire.
"""

from __future__ import annotations

from collections.abc import Iterator

import fault_servers as fs
import pytest

from harness.model import Example, MatchPolicy, Request, Span
from harness.replay.captures import Captured
from harness.replay.execute import DocumentRunner
from harness.replay.plan import PlannedTest, Step
from harness.replay.target import Target
from harness.replay.variables import Variables
from harness.report.redact import MASK, Redactor
from harness.results import Outcome


@pytest.fixture()
def server() -> Iterator[fs.RecordingServer]:
    with fs.recording_server() as recorder:
        yield recorder


def planned(path: str, line: int = 1) -> PlannedTest:
    example = Example(name=f"line_{line}", span=Span("p.asciidoc", line))
    step = Step("test", Request("GET", path, span=Span("p.asciidoc", line + 1)), f"line_{line}")
    return PlannedTest(document="p.asciidoc", example=example, steps=(step,))


def runner(url: str, *, secret: str = "", declared: frozenset[str] = frozenset()) -> DocumentRunner:
    return DocumentRunner(Target(name="t", url=url, timeout=5), family="elasticsearch", policy=MatchPolicy.EXACT,
                          variables=Variables({"token": secret} if secret else {}),
                          redactor=Redactor([secret] if secret else []), captured=Captured(declared))


def test_a_test_prepared_ahead_is_sent_as_prepared_and_another_test_prepares_its_own(
        server: fs.RecordingServer) -> None:
    documents = runner(server.url)
    first, second = planned("/first"), planned("/second", 5)
    prepared = documents.prepare_all(first)
    assert [p.url.partition("?")[0] for p in prepared] == [f"{server.url}/first"]
    assert documents.run(second).outcome is Outcome.PASSED  # not the requests prepared for the first
    assert documents.run(first).outcome is Outcome.PASSED
    assert server.paths() == ["/second", "/first"]
    documents.close()


def test_a_capture_bound_after_preparing_is_in_the_request_sent(server: fs.RecordingServer) -> None:
    documents = runner(server.url, declared=frozenset({"jobid"}))
    test = planned("/jobs/{job_id}")
    documents.prepare_all(test)  # before the capture: left as written
    documents.captured.bind("job_id", "j1")
    assert documents.run(test).outcome is Outcome.PASSED
    assert server.paths() == ["/jobs/j1"]
    documents.close()


def test_a_run_for_the_caller_leaves_masking_to_it_and_has_no_digest(server: fs.RecordingServer) -> None:
    documents = runner(server.url, secret="s3cr3t-value")
    test = planned("/keys/{token}")
    whole, own = documents.run(test), documents.run(test, whole=False)
    assert whole.outcome is own.outcome is Outcome.PASSED
    assert MASK in whole.exchanges[0].url and len(whole.examples_digest) == 16
    assert "s3cr3t-value" in own.exchanges[0].url and own.examples_digest == ""
    assert documents.redactor.data(own).exchanges[0].url == whole.exchanges[0].url
    documents.close()
