"""The reference server's HTTP/1.1 layer, over real sockets on loopback.

Keep-alive, pipelining, HEAD, ``Expect: 100-continue``, chunked bodies, malformed
requests, oversized bodies and headers, slow clients, clean shutdown and the admin
endpoints.
"""

from __future__ import annotations

import http.client
import json
import select
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import requests

from harness.server import ReferenceServer
from harness.testing import running_reference_server


def raw_exchange(server: ReferenceServer, data: bytes, *, timeout: float = 5.0) -> bytes:
    """Send ``data`` on a fresh connection and read until the server closes it."""
    with socket.create_connection((server.host, server.port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


@pytest.fixture()
def quick_server() -> Iterator[ReferenceServer]:
    """A server with short timeouts and a small body cap, so limits are cheap to hit."""
    with ReferenceServer(header_timeout=0.5, body_timeout=0.5, idle_timeout=2.0, max_body=1024) as server:
        yield server


def test_start_binds_an_ephemeral_loopback_port_and_url_names_it() -> None:
    with running_reference_server() as server:
        assert server.port > 0
        assert server.url == f"http://127.0.0.1:{server.port}"
        assert requests.get(server.url + "/_xpack/rollup/job/_all", timeout=5).json() == {"jobs": []}


def test_keep_alive_serves_many_requests_on_one_connection(reference_server: ReferenceServer) -> None:
    connection = http.client.HTTPConnection(reference_server.host, reference_server.port, timeout=5)
    connection.connect()
    local = connection.sock.getsockname()
    for _ in range(20):
        connection.request("GET", "/_reference/stats")
        response = connection.getresponse()
        assert response.status == 200
        assert "requests" in json.loads(response.read())
        assert response.getheader("Connection") == "keep-alive"
    assert connection.sock.getsockname() == local  # never reconnected
    connection.close()


def test_pipelined_requests_are_answered_in_order(reference_server: ReferenceServer) -> None:
    request = b"GET /_xpack/rollup/job/_all HTTP/1.1\r\nHost: x\r\n\r\n"
    last = b"GET /does-not-exist HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    answer = raw_exchange(reference_server, request * 3 + last)
    assert answer.count(b"HTTP/1.1 200 OK") == 3
    assert answer.rstrip().endswith(b'"status":404}')
    assert b"Connection: close" in answer


def test_repeated_equal_content_length_is_accepted(fresh_reference_server: ReferenceServer) -> None:
    answer = raw_exchange(fresh_reference_server, b"PUT /twice HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                                                  b"Content-Length: 2\r\nConnection: close\r\n\r\n{}")
    assert answer.startswith(b"HTTP/1.1 200 OK")


def test_connection_close_and_http10_close_after_one_response(reference_server: ReferenceServer) -> None:
    answer = raw_exchange(reference_server, b"GET /_reference/stats HTTP/1.0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200 OK") and b"Connection: close" in answer


def test_head_answers_headers_without_a_body(reference_server: ReferenceServer) -> None:
    requests.post(reference_server.url + "/_reference/reset", timeout=5)
    assert requests.put(reference_server.url + "/head-check", timeout=5).status_code == 200
    present = requests.head(reference_server.url + "/head-check", timeout=5)
    missing = requests.head(reference_server.url + "/no-such-index", timeout=5)
    assert (present.status_code, present.content) == (200, b"")
    assert (missing.status_code, missing.content) == (404, b"")
    assert int(missing.headers["Content-Length"]) > 0  # the length GET would have sent


def test_expect_100_continue_gets_an_interim_response(reference_server: ReferenceServer) -> None:
    body = b'{"settings": {"number_of_shards": 1}}'
    head = (f"PUT /continue-check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n").encode()
    with socket.create_connection((reference_server.host, reference_server.port), timeout=5) as sock:
        sock.sendall(head)
        assert sock.recv(1024).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
        sock.sendall(body)
        final = sock.recv(65536)
    assert final.startswith(b"HTTP/1.1 200 OK") or b"HTTP/1.1 400" in final  # 400 if a previous run left it
    assert b'"index":"continue-check"' in final or b"already exists" in final


def test_chunked_request_body_is_decoded(fresh_reference_server: ReferenceServer) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"settings": '
        yield b'{"number_of_replicas": 0}}'

    response = requests.put(fresh_reference_server.url + "/chunked", data=chunks(),
                            headers={"Content-Type": "application/json"}, timeout=5)
    assert response.status_code == 200, response.text
    settings = requests.get(fresh_reference_server.url + "/chunked", timeout=5).json()["chunked"]["settings"]
    assert settings["index"]["number_of_replicas"] == "0"


@pytest.mark.parametrize("data, status", [
    (b"GARBAGE\r\n\r\n", b"400"),
    (b"GET /_reference/stats HTTP/1.1\r\n\r\n", b"400"),  # HTTP/1.1 without Host
    (b"GET /_reference/stats HTTP/2.0\r\nHost: x\r\n\r\n", b"505"),
    (b"GET /_reference/stats HTTP/1.1\r\nHost: x\r\nbad header line\r\n\r\n", b"400"),
    (b"POST /_bulk HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", b"400"),
    (b"POST /_bulk HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\n", b"400"),
    (b"POST /_bulk HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", b"501"),
    (b"GET /%ff%fe HTTP/1.1\r\nHost: x\r\n\r\n", b"400"),
])
def test_malformed_requests_get_a_4xx_or_5xx_json_answer_and_a_close(reference_server: ReferenceServer,
                                                                     data: bytes, status: bytes) -> None:
    answer = raw_exchange(reference_server, data)
    assert answer.startswith(b"HTTP/1.1 " + status), answer[:80]
    assert b"Connection: close" in answer
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["status"] == int(status)


def test_oversized_body_is_refused_with_413_before_it_is_read(quick_server: ReferenceServer) -> None:
    response = requests.post(quick_server.url + "/_bulk", data=b"x" * 5000,
                             headers={"Content-Type": "application/x-ndjson"}, timeout=5)
    assert response.status_code == 413
    assert "exceeds" in response.json()["error"]


def test_oversized_cloud_body_gets_the_cloud_envelope(quick_server: ReferenceServer) -> None:
    response = requests.post(quick_server.url + "/v1.0/p/streaming/jobs/stop", data=b"x" * 5000,
                             headers={"X-Auth-Token": "t"}, timeout=5)
    assert response.status_code == 413
    assert set(response.json()) == {"error_code", "error_msg"}


def test_oversized_headers_get_431(reference_server: ReferenceServer) -> None:
    answer = raw_exchange(reference_server, b"GET /_reference/stats HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 431")


def test_slowloris_partial_request_times_out_with_408(quick_server: ReferenceServer) -> None:
    started = time.monotonic()
    with socket.create_connection((quick_server.host, quick_server.port), timeout=5) as sock:
        sock.sendall(b"GET /_reference/stats HTTP/1.1\r\n")
        for _ in range(6):  # keep dripping: a per-read timeout alone would never fire
            time.sleep(0.15)
            try:
                sock.sendall(b"X")
            except OSError:
                break
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 408")
    assert time.monotonic() - started < 3.0


def test_slow_body_times_out(quick_server: ReferenceServer) -> None:
    with socket.create_connection((quick_server.host, quick_server.port), timeout=5) as sock:
        sock.sendall(b"PUT /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 408")


def test_idle_keep_alive_connection_is_closed_quietly(quick_server: ReferenceServer) -> None:
    with socket.create_connection((quick_server.host, quick_server.port), timeout=5) as sock:
        sock.sendall(b"GET /_reference/stats HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.1)
        sock.recv(65536)
        time.sleep(2.3)
        assert sock.recv(1024) == b""  # closed after the idle timeout, with no stray bytes


def test_stop_closes_open_keep_alive_connections_and_joins_threads() -> None:
    server = ReferenceServer().start()
    before = threading.active_count()
    sockets = [socket.create_connection((server.host, server.port), timeout=5) for _ in range(5)]
    for sock in sockets:
        sock.sendall(b"GET /_reference/stats HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.recv(65536)
    assert threading.active_count() >= before + 5
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 2.0
    for sock in sockets:
        assert sock.recv(1024) == b""
        sock.close()
    assert threading.active_count() <= before - 1  # the accept thread is gone too
    with pytest.raises(OSError):
        socket.create_connection((server.host, server.port), timeout=1).close()
    server.stop()  # idempotent


def test_request_count_and_stats_and_reset(fresh_reference_server: ReferenceServer) -> None:
    before = fresh_reference_server.request_count
    requests.put(fresh_reference_server.url + "/counted", timeout=5)
    requests.get(fresh_reference_server.url + "/counted", timeout=5)
    assert fresh_reference_server.request_count == before + 2
    stats = requests.get(fresh_reference_server.url + "/_reference/stats", timeout=5).json()
    assert stats == {"requests": before + 3}
    reset = requests.post(fresh_reference_server.url + "/_reference/reset", timeout=5)
    assert reset.json() == {"acknowledged": True}
    assert requests.get(fresh_reference_server.url + "/counted", timeout=5).status_code == 404


def test_unknown_admin_endpoint_and_wrong_method(reference_server: ReferenceServer) -> None:
    assert requests.get(reference_server.url + "/_reference/nothing", timeout=5).status_code == 404
    wrong = requests.get(reference_server.url + "/_reference/reset", timeout=5)
    assert wrong.status_code == 405 and wrong.headers["Allow"] == "POST"


def test_pretty_query_indents_json(reference_server: ReferenceServer) -> None:
    text = requests.get(reference_server.url + "/_reference/stats?pretty", timeout=5).text
    assert text.startswith("{\n  ") and "requests" in json.loads(text)


def test_too_many_connections_are_answered_503() -> None:
    with ReferenceServer(max_connections=2) as server:
        held = [socket.create_connection((server.host, server.port), timeout=5) for _ in range(2)]
        time.sleep(0.2)
        answer = raw_exchange(server, b"GET /_reference/stats HTTP/1.1\r\nHost: x\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 503")
        for sock in held:
            sock.close()


def test_repr_never_shows_the_token() -> None:
    server = ReferenceServer(token="very-secret-value")
    assert "very-secret-value" not in repr(server)
    assert "very-secret-value" not in str(vars(server).get("url", ""))


def test_a_silent_new_connection_is_dropped_after_the_header_deadline(quick_server: ReferenceServer) -> None:
    started = time.monotonic()
    with socket.create_connection((quick_server.host, quick_server.port), timeout=5) as sock:
        assert sock.recv(1024) == b""  # nothing was asked, so nothing is answered
    assert time.monotonic() - started < 1.5  # the header deadline (0.5 s), not the 2 s keep-alive one


def test_running_reference_server_stops_even_when_the_block_fails() -> None:
    with pytest.raises(RuntimeError), running_reference_server(token="abc") as server:
        url = server.url
        assert requests.get(url + "/v1.0/p/streaming/jobs", headers={"X-Auth-Token": "abc"}, timeout=5).ok
        assert requests.get(url + "/v1.0/p/streaming/jobs", headers={"X-Auth-Token": "x"}, timeout=5).status_code == 401
        raise RuntimeError("the test body failed")
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/_reference/stats", timeout=2)


def test_a_client_that_never_reads_is_cut_off() -> None:
    with ReferenceServer(body_timeout=0.5, header_timeout=120) as server:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a small window fills up fast
        sock.connect((server.host, server.port))
        # the server has taken the connection before the flood: counted after it, a slow accept or an early
        # cut-off (a flood thread descheduled past the body timeout) both read as 0
        assert server.wait_for_connections(1, timeout=120)
        request = b"GET /_xpack/rollup/job/_all?pretty HTTP/1.1\r\nHost: x\r\n\r\n"
        sent, pending = 0, b""
        # pipeline, never reading, for as long as the server takes requests: it reads until its own send
        # blocks on answers nobody reads, and stops reading; then only its send timeout can end it. Stopping
        # at the first full buffer (as before) could leave the server reading a backlog whose answers all
        # fit in the buffers, so it never blocked and waited for the next request instead
        while server.open_connections:
            select.select([], [sock], [], 0.2)  # room to write, or a look at the server again
            pending = pending or request  # the rest of a request cut short first: the stream stays well-formed
            try:
                written = sock.send(pending, socket.MSG_DONTWAIT)
                sent, pending = sent + written, pending[written:]
            except BlockingIOError:
                continue
            except (ConnectionResetError, BrokenPipeError):
                break  # the server hung up while this side was still writing
        assert server.wait_for_connections(0, timeout=120)  # only the send timeout ends it
        assert sent > 0
        sock.close()
        assert requests.get(server.url + "/_reference/stats", timeout=5).status_code == 200


def test_a_cloud_405_names_the_allowed_methods_too(reference_server: ReferenceServer) -> None:
    # RFC 9110: a 405 carries Allow, whatever the family's error body looks like
    url = reference_server.url + "/v1.1/p1/clusters/c1/cdm/job/jdbc2hive/stop"
    wrong = requests.get(url, headers={"X-Auth-Token": "t"}, timeout=5)
    assert wrong.status_code == 405 and wrong.headers["Allow"] == "PUT"
    assert set(wrong.json()) == {"error_code", "error_msg"}
