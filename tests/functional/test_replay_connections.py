"""One deadline per request, and kept-alive connections a target closes, against real loopback servers."""

from __future__ import annotations

import time
from pathlib import Path

import fault_servers as fs
import pytest
from test_replay_faults import project, replay

from harness.replay.send import Sender, TargetError, new_session
from harness.results import FailureKind
from harness.server import ReferenceServer


@pytest.mark.parametrize("behaviour,phase", [(fs.header_drip, "headers"), (fs.body_drip, "body")])
def test_a_dripping_target_times_out_within_the_deadline_and_the_run_goes_on(
        behaviour: fs.Behaviour, phase: str, tmp_path: Path, fresh_reference_server: ReferenceServer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    with fs.fault_server(behaviour) as bad:
        started = time.monotonic()
        status, report, _ = replay(project(tmp_path, bad.url, fresh_reference_server.url), monkeypatch)
        elapsed = time.monotonic() - started
    assert status == 1
    results = {r["document"] + "::" + r["name"]: r for r in report["results"]}  # type: ignore[attr-defined]
    failure = results["docs_src/bad/health.asciidoc::line_2"]["failures"][0]
    assert failure["kind"] == "timeout"
    assert f"timed out after 0.5 s ({phase})" in failure["message"]
    assert results["docs_src/good/stop-job.asciidoc::line_42"]["outcome"] == "passed"
    # two examples against the dripping target, 0.5 s each: far below the drip's endless trickle
    assert elapsed < 20


@pytest.mark.parametrize("behaviour,phase", [(fs.header_drip, "headers"), (fs.body_drip, "body")])
def test_one_deadline_covers_the_whole_answer(behaviour: fs.Behaviour, phase: str) -> None:
    with fs.fault_server(behaviour) as server:
        sender = Sender(new_session(True), timeout=1.0)
        started = time.monotonic()
        with pytest.raises(TargetError) as caught:
            sender.send("GET", server.url + "/_cluster/health", {}, None)
        elapsed = time.monotonic() - started
    assert caught.value.kind is FailureKind.TIMEOUT
    assert caught.value.message.startswith(f"timed out after 1 s ({phase})")
    assert 0.9 < elapsed < 3.0  # the deadline, plus slack for a loaded machine


@pytest.mark.parametrize("behaviour", [fs.keepalive_close, fs.keepalive_close_now])
def test_a_target_closing_kept_alive_connections_does_not_fail_the_next_example(
        behaviour: fs.Behaviour, tmp_path: Path, fresh_reference_server: ReferenceServer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    with fs.fault_server(behaviour) as closing:
        status, report, junit = replay(project(tmp_path, closing.url, fresh_reference_server.url), monkeypatch)
    outcomes = {r["document"] + "::" + r["name"]: r["outcome"] for r in report["results"]}  # type: ignore[attr-defined]
    assert outcomes["docs_src/bad/health.asciidoc::line_2"] == "passed"
    assert outcomes["docs_src/bad/health.asciidoc::line_14"] == "passed"
    assert status == 0 and junit.get("errors") == "0"


def test_idempotent_requests_are_sent_again_once_and_a_post_is_not() -> None:
    with fs.fault_server(fs.keepalive_close) as closing:
        sender = Sender(new_session(True), timeout=2.0)
        for method in ("GET", "HEAD", "PUT", "DELETE", "OPTIONS"):
            assert sender.send(method, closing.url + "/x", {}, None).status == 200
        assert sender.retried == 4  # every request after the first met a closed kept-alive connection
        first_post = Sender(new_session(True), timeout=2.0)
        first_post.send("GET", closing.url + "/x", {}, None)
        with pytest.raises(TargetError) as caught:
            first_post.send("POST", closing.url + "/x", {}, b"{}")
        requests_seen = closing.requests
        # the next POST goes out on a new connection: the target was seen closing kept-alive ones
        assert first_post.send("POST", closing.url + "/x", {}, b"{}").status == 200
    assert caught.value.kind is FailureKind.CONNECTION
    assert "closed the kept-alive connection" in caught.value.message
    assert "POST is not idempotent, so it was not sent again" in caught.value.message
    # answered: the 5 (each resent once on a new connection) and the GET; the POST was neither
    # answered on its dead connection nor resent
    assert requests_seen == 6
