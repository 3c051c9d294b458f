"""Interim 1xx answers (``102 Processing``, ``103 Early Hints``) come before the real answer: replay reads past them.

HTTP/1.1 lets a server send any number of 1xx answers before the final one, and a client must read past
them (RFC 9110 §15.2; Elasticsearch's own client, Apache HttpClient, does). ``http.client`` skips only
``100 Continue``: a CDN or proxy that sends ``103 Early Hints`` made the example fail with "expected 2xx but
got 103", and its real answer was never read. A real loopback server sends them, on one kept-alive
connection, so the answer after them must still go with its own request.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harness.config import load_config
from harness.parsers.loader import load
from harness.replay import Replay, run
from harness.results import RunResult

INTERIM = {
    "/early": b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n",
    "/busy": b"HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n",
}


@contextmanager
def interim_server(seen: list[str]) -> Iterator[str]:
    """Every request answered ``{"path": <path>}`` on a kept-alive connection, after the interim answers
    of ``INTERIM`` for its path."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    stop = threading.Event()

    def handle(conn: socket.socket) -> None:
        buffer = b""
        with conn:
            while not stop.is_set():
                while b"\r\n\r\n" not in buffer:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                line = head.split(b"\r\n")[0].decode()
                seen.append(line)
                path = line.split(" ")[1].partition("?")[0]
                body = json.dumps({"path": path}).encode()
                conn.sendall(INTERIM.get(path, b"") + b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            conn.settimeout(5)
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def block(body: str, *directives: str) -> str:
    return f"[source,js]\n----\n{body}\n----\n" + "".join(d + "\n" for d in directives) + "\n"


def replay(tmp_path: Path, page: str, seen: list[str]) -> RunResult:
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "docs" / "page.asciidoc").write_text(page, encoding="utf-8")
    with interim_server(seen) as url:
        (tmp_path / "docharness.toml").write_text(f'[targets.t]\nurl = "{url}"\n', encoding="utf-8")
        config = load_config(tmp_path / "docharness.toml")
        with Replay(config, environ={}, document_root=tmp_path) as session:
            return run(load([tmp_path / "docs"], root=tmp_path, dialect=config.dialect_at), session)


def test_interim_answers_are_read_past_and_each_answer_goes_with_its_request(tmp_path: Path) -> None:
    page = "".join(block(f"GET {path}", "// CONSOLE") + block(json.dumps({"path": path}), "// TESTRESPONSE")
                   for path in ("/early", "/plain", "/busy", "/last"))
    seen: list[str] = []
    result = replay(tmp_path, page, seen)
    assert [(r.outcome.value, r.checked) for r in result.results] == [("passed", "exact")] * 4, \
        [f.message for r in result.results for f in r.failures]
    assert [e.status for r in result.results for e in r.exchanges] == [200] * 4
    assert [line.split("?")[0] for line in seen] == ["GET /early", "GET /plain", "GET /busy", "GET /last"]


def test_a_wrong_answer_after_interim_answers_still_fails(tmp_path: Path) -> None:
    page = block("GET /early", "// CONSOLE") + block('{"path": "/elsewhere"}', "// TESTRESPONSE")
    result = replay(tmp_path, page, [])
    assert [(r.outcome.value, r.failures[0].kind.value) for r in result.results] == [("failed", "body")]
