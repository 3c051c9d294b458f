"""harness.replay.send: one request on a real loopback socket, every misbehaviour classified."""

from __future__ import annotations

import time

import fault_servers as fs
import pytest

from harness.replay.send import Sender, TargetError, new_session
from harness.results import FailureKind


def sender(timeout: float = 1.0, max_body: int = 16 * 1024 * 1024) -> Sender:
    return Sender(new_session(verify_tls=True), timeout, max_body)


def test_a_good_answer_is_read() -> None:
    with fs.fault_server(fs.ok_json) as server:
        reply = sender().send("POST", server.url + "/x", {"Content-Type": "application/json"}, b"{}")
    assert (reply.status, reply.content_type, reply.json()) == (200, "application/json", {"acknowledged": True})


def test_sessions_ignore_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # a proxy that does not exist
    with fs.fault_server(fs.ok_json) as server:
        assert sender().send("GET", server.url, {}, None).status == 200


@pytest.mark.parametrize("behaviour,kind", [
    (fs.reset, FailureKind.CONNECTION),
    (fs.silent, FailureKind.TIMEOUT),
    (fs.drip, FailureKind.TIMEOUT),
    (fs.huge_declared, FailureKind.TOO_LARGE),
    (fs.huge_chunked, FailureKind.TOO_LARGE),
    (fs.redirect_loop, FailureKind.REDIRECT),
    (fs.garbage, FailureKind.PROTOCOL),
])
def test_misbehaviour_becomes_a_target_error(behaviour: fs.Behaviour, kind: FailureKind) -> None:
    with fs.fault_server(behaviour) as server:
        started = time.monotonic()
        with pytest.raises(TargetError) as caught:
            sender(timeout=0.5).send("GET", server.url + "/", {}, None)
    assert caught.value.kind is kind, caught.value.message
    assert time.monotonic() - started < 10  # bounded: no hang (generous; not a speed check)


def test_connection_refused() -> None:
    with pytest.raises(TargetError) as caught:
        sender().send("GET", fs.refused_url(), {}, None)
    assert caught.value.kind is FailureKind.CONNECTION
    assert "refused" in caught.value.message


def test_the_body_cap_is_configurable() -> None:
    with fs.fault_server(fs.not_json) as server:
        with pytest.raises(TargetError) as caught:
            sender(max_body=10).send("GET", server.url, {}, None)
    assert caught.value.kind is FailureKind.TOO_LARGE


def test_secret_headers_do_not_follow_a_redirect_to_another_port() -> None:
    heads: list[bytes] = []

    def record(conn: fs.socket.socket, head: bytes, stop: fs.threading.Event) -> None:
        heads.append(head)
        fs.ok_json(conn, head, stop)

    with fs.fault_server(record) as elsewhere:
        def bounce(conn: fs.socket.socket, head: bytes, stop: fs.threading.Event) -> None:
            conn.sendall(fs.answer(307, b"", extra=f"Location: {elsewhere.url}/landing\r\n"))

        with fs.fault_server(bounce) as target:
            session = new_session(verify_tls=True, secret_headers=frozenset({"x-auth-token"}))
            reply = Sender(session, 2).send("GET", target.url + "/", {"X-Auth-Token": "secret-1234", "X-Other": "kept"},
                                            None)
    assert reply.status == 200
    (landed,) = heads
    assert b"secret-1234" not in landed and b"X-Other: kept" in landed
