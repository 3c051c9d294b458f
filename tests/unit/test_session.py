"""harness.replay.session: what a document's session puts on the wire, against real loopback servers.

The session replaced ``requests.Session`` on replay's hot path; these pin the behaviour
replay kept from it: URLs quoted as requests quotes them, credentials in the URL sent as
Basic auth, cookies kept for the document, redirects rebuilt by requests' rules, and
the connection kept alive between requests.
"""

from __future__ import annotations

import base64
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import fault_servers as fs
import pytest

from harness.replay.send import Sender, TargetError, new_session
from harness.replay.session import requote, strips_auth
from harness.results import FailureKind


class Recorder:
    """A server answering every request on a kept-alive connection, noting each request head."""

    def __init__(self, extra: str = "", tls: ssl.SSLContext | None = None) -> None:
        self.heads: list[bytes] = []
        self.connections = 0
        self.extra = extra
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.listener.getsockname()[1]}"
        if tls is not None:  # wrapped before anyone accepts: a plain accept() must never take a TLS client
            self.listener = tls.wrap_socket(self.listener, server_side=True)
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            while True:
                try:
                    head = fs._read_request(conn)
                except OSError:  # the client went away
                    return
                if not head:
                    return
                self.heads.append(head)
                body = b'{"acknowledged": true}'
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n%s\r\n%s"
                             % (len(body), self.extra.encode(), body))

    def close(self) -> None:
        self.listener.close()


SENDERS: list[Sender] = []


@pytest.fixture(autouse=True)
def _close_sessions() -> Iterator[None]:
    yield
    while SENDERS:
        SENDERS.pop().session.close()


def sender(secret_headers: frozenset[str] = frozenset()) -> Sender:
    """A sender whose connections are closed after the test."""
    SENDERS.append(Sender(new_session(True, secret_headers), timeout=15))
    return SENDERS[-1]


def request_line(head: bytes) -> str:
    return head.split(b"\r\n", 1)[0].decode()


def header(head: bytes, name: str) -> str | None:
    for line in head.split(b"\r\n")[1:]:
        key, _, value = line.decode("latin-1").partition(":")
        if key.lower() == name.lower():
            return value.strip()
    return None


def test_requests_share_one_kept_alive_connection() -> None:
    server = Recorder()
    try:
        one = sender()
        for index in range(5):
            reply = one.send("GET", f"{server.url}/_doc/{index}", {}, None)
            assert (reply.status, reply.json()) == (200, {"acknowledged": True})
    finally:
        server.close()
    assert server.connections == 1 and len(server.heads) == 5


def test_urls_are_quoted_as_requests_quotes_them() -> None:
    server = Recorder()
    try:
        one = sender()
        one.send("GET", server.url + "/my index/_search?q=élan&x=%41%2F", {}, None)
        one.send("get", server.url + "/a/./b/../c?x=1#fragment", {}, None)
    finally:
        server.close()
    assert request_line(server.heads[0]) == "GET /my%20index/_search?q=%C3%A9lan&x=A%2F HTTP/1.1"
    assert request_line(server.heads[1]) == "GET /a/c?x=1 HTTP/1.1"  # dot segments out, no fragment
    assert requote("/x y%zz") == "/x%20y%25zz"  # a '%' that is no escape is quoted itself


def test_bodies_get_their_length_and_a_bodyless_write_says_zero() -> None:
    server = Recorder()
    try:
        one = sender()
        one.send("POST", server.url + "/x", {"Content-Type": "application/json", "Content-Length": "999"}, b"{}")
        one.send("DELETE", server.url + "/x", {}, None)
        one.send("GET", server.url + "/x", {}, None)
    finally:
        server.close()
    assert header(server.heads[0], "Content-Length") == "2"  # the page's wrong length is not sent
    assert header(server.heads[1], "Content-Length") == "0"
    assert header(server.heads[2], "Content-Length") is None
    assert header(server.heads[2], "User-Agent") == "docharness"


def test_credentials_in_the_url_are_sent_as_basic_auth() -> None:
    server = Recorder()
    try:
        url = server.url.replace("http://", "http://elastic:s%40cret@")
        sender().send("GET", url + "/", {"Authorization": "Bearer other"}, None)
    finally:
        server.close()
    assert header(server.heads[0], "Authorization") == "Basic " + base64.b64encode(b"elastic:s@cret").decode()


def test_cookies_the_target_sets_are_sent_back_for_the_document() -> None:
    server = Recorder(extra="Set-Cookie: session=abc123; Path=/\r\n")
    try:
        one = sender()
        one.send("GET", server.url + "/login", {}, None)
        one.send("GET", server.url + "/next", {}, None)
        sender().send("GET", server.url + "/other-document", {}, None)
    finally:
        server.close()
    assert header(server.heads[0], "Cookie") is None
    assert header(server.heads[1], "Cookie") == "session=abc123"
    assert header(server.heads[2], "Cookie") is None  # a new document starts without them


def test_a_307_to_another_port_keeps_the_request_without_secrets() -> None:
    landing = Recorder()
    try:
        def temporary(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
            conn.sendall(fs.answer(307, b"", extra=f"Location: {landing.url}/landing\r\n"))

        with fs.fault_server(temporary) as target:
            reply = sender(frozenset({"x-auth-token"})).send(
                "POST", target.url + "/x", {"Content-Type": "application/json", "X-Auth-Token": "t0ken-value",
                                            "X-Other": "kept"}, b'{"a": 1}')
    finally:
        landing.close()
    assert (reply.status, reply.json()) == (200, {"acknowledged": True})
    (head,) = landing.heads
    assert request_line(head) == "POST /landing HTTP/1.1"
    assert header(head, "X-Auth-Token") is None and header(head, "X-Other") == "kept"
    assert header(head, "Content-Type") == "application/json"


@pytest.mark.parametrize("status", [301, 302, 303])
def test_a_redirect_that_would_turn_a_post_into_a_get_is_the_answer(status: int) -> None:
    """The page's POST got a 3xx: the GET of another URL a client would make next is another request,
    whose answer was compared with the POST's documented one (curl without -L and the Elasticsearch
    client stop here too)."""
    landing = Recorder()
    try:
        def see_other(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
            conn.sendall(fs.answer(status, b"", extra=f"Location: {landing.url}/landing\r\n"))

        with fs.fault_server(see_other) as target:
            reply = sender(frozenset()).send("POST", target.url + "/x", {"Content-Type": "application/json"},
                                             b'{"a": 1}')
    finally:
        landing.close()
    assert reply.status == status and reply.header_values("Location") == [f"{landing.url}/landing"]
    assert landing.heads == []  # nothing went to the other URL


def test_redirect_rules_follow_requests() -> None:
    assert strips_auth("http://a:9200/x", "http://b:9200/x")
    assert strips_auth("http://a:9200/x", "http://a:9300/x")
    assert not strips_auth("http://a/x", "https://a/x")  # the upgrade on default ports keeps credentials
    assert not strips_auth("http://a:80/x", "http://a/y")
    session = new_session(True, frozenset({"x-auth-token"}))
    method, url, headers, body = session.redirect(
        "POST", "http://a:1/x", {"Content-Type": "application/json", "X-Auth-Token": "t", "Cookie": "c=1"}, b"{}",
        303, "//b:2/landing")
    assert (method, url, headers, body) == ("GET", "http://b:2/landing", {}, None)
    method, url, headers, body = session.redirect("PUT", "http://a:1/x", {"Content-Type": "text/plain"}, b"t", 307,
                                                  "/y z")
    assert (method, url, headers, body) == ("PUT", "http://a:1/y%20z", {"Content-Type": "text/plain"}, b"t")


def test_answer_headers_keep_their_order_repeats_and_limits() -> None:
    def many(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        conn.sendall(fs.answer(200, b"{}", extra="Warning: 299 a\r\nX-Folded: one\r\n two\r\nWarning: 299 b\r\n"))

    def too_many(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        conn.sendall(fs.answer(200, b"{}", extra="".join(f"X-{i}: v\r\n" for i in range(150))))

    with fs.fault_server(many) as server:
        reply = sender().send("GET", server.url, {}, None)
    assert reply.header_values("warning") == ["299 a", "299 b"]
    assert ("X-Folded", "one two") in reply.headers and reply.content_type == "application/json"
    with fs.fault_server(too_many) as server:
        try:
            sender().send("GET", server.url, {}, None)
        except TargetError as error:
            assert error.kind is FailureKind.PROTOCOL and "more than 100 headers" in error.message
        else:
            raise AssertionError("150 headers were accepted")


def test_https_targets_are_read_and_a_certificate_that_does_not_verify_is_a_connection_error(
        tmp_path: Path) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a self-signed certificate")
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem"), "-days", "1", "-subj", "/CN=localhost"],
                   check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    server = Recorder(tls=context)
    url = server.url
    try:
        unverified = Sender(new_session(False), timeout=15)
        SENDERS.append(unverified)
        assert [unverified.send("GET", f"{url}/{i}", {}, None).status for i in range(3)] == [200, 200, 200]
        try:
            sender().send("GET", url + "/checked", {}, None)
        except TargetError as error:
            assert error.kind is FailureKind.CONNECTION and "over TLS" in error.message, error.message
        else:
            raise AssertionError("a self-signed certificate was accepted")
    finally:
        server.close()
    assert server.connections == 1 and len(server.heads) == 3  # the three went out on one connection


@pytest.mark.parametrize("remote_writes,reaches", [(False, 0), (True, 1)])
def test_a_redirect_never_takes_a_write_off_loopback_without_opt_in(remote_writes: bool, reaches: int) -> None:
    """A loopback target answering 307 to another host: the write-safety check judged only the configured
    URL, so the PUT (method and body kept) went to the other host without --allow-writes. The other host
    here is 0.0.0.0, which is not a loopback address by name but reaches this machine's listener."""
    landing = Recorder()
    elsewhere = landing.url.replace("127.0.0.1", "0.0.0.0")
    try:
        def temporary(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
            conn.sendall(fs.answer(307, b"", extra=f"Location: {elsewhere}/landing\r\n"))

        with fs.fault_server(temporary) as target:
            SENDERS.append(Sender(new_session(True), timeout=15, remote_writes=remote_writes))
            try:
                SENDERS[-1].send("PUT", target.url + "/x", {"Content-Type": "application/json"}, b'{"a": 1}')
            except TargetError as exc:
                assert not remote_writes and exc.kind is FailureKind.REDIRECT
                assert "not on loopback; it was not sent" in exc.message and "--allow-writes" in exc.message
            else:
                assert remote_writes
            # a GET may follow the redirect wherever it goes
            assert sender().send("GET", target.url + "/x", {}, None).status == 200
    finally:
        landing.close()
    assert len([h for h in landing.heads if h.startswith(b"PUT")]) == reaches
