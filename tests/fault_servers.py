"""Small real servers on loopback that misbehave on purpose, for the replay fault tests.

Each ``FaultServer`` accepts connections on 127.0.0.1:<free port> in a thread and
answers every request one way: a reset, silence, a slow drip, a 5xx, a non-JSON
body, a huge body, a redirect loop, or a correct JSON answer. No mocks: replay
talks to them over real sockets.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Behaviour = Callable[[socket.socket, bytes, threading.Event], None]


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    conn.settimeout(5)
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
            while len(body) < length:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                body += chunk
    return head


def answer(status: int, body: bytes, content_type: str = "application/json", extra: str = "") -> bytes:
    return (f"HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
            f"Connection: close\r\n{extra}\r\n").encode() + body


def reset(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close -> RST


def silent(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    stop.wait(30)


def drip(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
    for _ in range(1000):
        if stop.wait(0.1):
            return
        conn.sendall(b" ")


def server_error(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    conn.sendall(answer(503, b'{"error": "overloaded"}'))


def not_json(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    conn.sendall(answer(200, b"<html><body>maintenance</body></html>", "text/html"))


def deeply_nested(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    """Valid JSON nested deeper than any parser's recursion (100,000 arrays)."""
    conn.sendall(answer(200, b"[" * 100_000 + b"]" * 100_000))


def huge_declared(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 20000000\r\n\r\n{")


def huge_chunked(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    block = b"x" * 65536
    try:
        for _ in range(400):  # 26 MB, more than the cap
            conn.sendall(b"%x\r\n%s\r\n" % (len(block), block))
        conn.sendall(b"0\r\n\r\n")
    except OSError:
        pass  # the client hung up at its limit, as it should


def redirect_loop(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    path = head.split(b" ")[1].decode()
    conn.sendall(answer(302, b"", extra=f"Location: {path}\r\n"))


def ok_json(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    conn.sendall(answer(200, b'{"acknowledged": true}'))


def garbage(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    conn.sendall(b"SSH-2.0-OpenSSH_9.0\r\n\r\n")


class LoopbackServer:
    """A listener on a free loopback port whose every connection is handled on its own thread by
    ``_handle(conn, number)`` (connections numbered from 0 in arrival order); ``close`` stops it and
    waits for the handlers."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.listener.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except (TimeoutError, OSError):
                continue
            worker = threading.Thread(target=self._handle, args=(conn, len(self.threads)), daemon=True)
            self.threads.append(worker)
            worker.start()

    def _handle(self, conn: socket.socket, number: int) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        for worker in self.threads:
            worker.join(5)
        self.listener.close()


class FaultServer(LoopbackServer):
    """A loopback server answering every request with one behaviour.

    :param behaviour: what to do with each connection after reading the request.
    """

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.requests = 0
        super().__init__()

    def _handle(self, conn: socket.socket, number: int) -> None:
        try:
            head = _read_request(conn)
            if head:
                self.requests += 1
                self.behaviour(conn, head, self.stop)
        except OSError:
            pass
        finally:
            conn.close()


@contextmanager
def fault_server(behaviour: Behaviour) -> Iterator[FaultServer]:
    server = FaultServer(behaviour)
    try:
        yield server
    finally:
        server.close()


def refused_url() -> str:
    """A loopback URL nothing listens on."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    time.sleep(0.01)
    return f"http://127.0.0.1:{port}"


def echo_headers(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    """A 400 whose JSON body quotes the request head, secrets and all (a leaky server)."""
    import json

    body = json.dumps({"error": {"reason": head.decode("latin-1")}, "status": 400}).encode()
    conn.sendall(answer(400, body))


def header_drip(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    """The status line at once, then one header byte every 0.2 s for ever (never a blank line)."""
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    while not stop.wait(0.2):
        conn.sendall(b"X")


def body_drip(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    """Complete headers, then one body byte every 0.2 s."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
    while not stop.wait(0.2):
        conn.sendall(b" ")


def keepalive_close(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    """Answer as if the connection stayed open (no ``Connection: close``), then close it as soon as
    the client sends its next request on it: the race a closing keep-alive target causes, made certain."""
    body = b'{"acknowledged": true}'
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                 % (len(body), body))
    conn.settimeout(5)
    try:
        conn.recv(1, socket.MSG_PEEK)  # the next request arrived: hang up with it unread
    except OSError:
        pass
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def keepalive_close_now(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    """Answer as if the connection stayed open, then close it at once."""
    body = b'{"acknowledged": true}'
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                 % (len(body), body))


def slow_ok(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    """A correct JSON answer after 0.3 s: a slow but healthy target."""
    if not stop.wait(0.3):
        conn.sendall(answer(200, b'{"acknowledged": true}'))


class RecordingServer(LoopbackServer):
    """A kept-alive HTTP/1.1 server on loopback recording every request in arrival order, for the tests of
    what goes on the wire when (the pytest plugin's requests sent ahead).

    ``records`` holds ``(connection number, method, target, body)``; ``answer(method, target)`` gives the
    status and JSON body (default: 200 and ``{"acknowledged": true, "path": <path>}``); ``on_request``, when
    set, is called with each record before its answer goes out. ``closes`` lists how each connection
    ended: ``"eof"`` when the client closed it with nothing left unread, ``"reset"`` when it closed it with
    an answer unread (the kernel resets such a connection).
    """

    def __init__(self, answer: Callable[[str, str], tuple[int, bytes]] | None = None) -> None:
        self.answer = answer or self.acknowledged
        self.on_request: Callable[[tuple[int, str, str, bytes]], None] | None = None
        self.records: list[tuple[int, str, str, bytes]] = []
        self.closes: list[str] = []
        self.content_types: dict[str, str] = {}  # request target -> its Content-Type ("" when none)
        self.arrived = threading.Condition()
        super().__init__()

    @staticmethod
    def acknowledged(method: str, target: str) -> tuple[int, bytes]:
        path = target.partition("?")[0]
        return 200, b'{"acknowledged": true, "path": "%s"}' % path.encode()

    def paths(self) -> list[str]:
        """The path of every request received so far (query left out), in arrival order."""
        return [target.partition("?")[0] for _, _, target, _ in self.records]

    def wait_for(self, path: str, timeout: float, *, exact: bool = True) -> bool:
        """Whether a request for ``path`` (or, not ``exact``, a path starting so) arrives within ``timeout``
        seconds (at once if it already has)."""
        with self.arrived:
            return self.arrived.wait_for(lambda: any(p == path or (not exact and p.startswith(path))
                                                     for p in self.paths()), timeout)

    def wait_closes(self, count: int, timeout: float) -> list[str]:
        """``closes`` once ``count`` connections have ended (woken by each end, not polled), or at ``timeout``."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.closes) >= count, timeout)
            return list(self.closes)

    def _closed(self, how: str) -> None:
        with self.arrived:
            self.closes.append(how)
            self.arrived.notify_all()

    def _recv(self, conn: socket.socket) -> bytes:
        """The next bytes from the client; b"" at its end (or when the server stops)."""
        while not self.stop.is_set():
            try:
                return conn.recv(65536)
            except TimeoutError:
                continue
        return b""

    def _handle(self, conn: socket.socket, number: int) -> None:
        buffer = b""
        conn.settimeout(0.2)
        try:
            while not self.stop.is_set():
                while b"\r\n\r\n" not in buffer:
                    chunk = self._recv(conn)
                    if not chunk:
                        self._closed("eof" if not buffer else "partial")
                        return
                    buffer += chunk
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                length = next((int(v) for k, _, v in (h.partition(":") for h in lines[1:])
                               if k.strip().lower() == "content-length"), 0)
                while len(buffer) < length:
                    buffer += self._recv(conn)
                body, buffer = buffer[:length], buffer[length:]
                self.content_types[target] = next((v.strip() for k, _, v in (h.partition(":") for h in lines[1:])
                                                   if k.strip().lower() == "content-type"), "")
                record = (number, method, target, body)
                with self.arrived:
                    self.records.append(record)
                    self.arrived.notify_all()
                if self.on_request is not None:
                    self.on_request(record)
                status, payload = self.answer(method, target)
                conn.sendall(b"HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                             % (status, len(payload), payload))
        except ConnectionResetError:
            self._closed("reset")
        except OSError:
            self._closed("error")
        finally:
            conn.close()


@contextmanager
def recording_server(answer: Callable[[str, str], tuple[int, bytes]] | None = None) -> Iterator[RecordingServer]:
    server = RecordingServer(answer)
    try:
        yield server
    finally:
        server.close()
