"""The reference server: sockets, one thread per keep-alive connection, dispatch, shutdown.

``ReferenceServer`` listens on a loopback port (port 0 picks a free one), serves each
connection on its own thread (so concurrent clients and stateful keep-alive sequences
both work), answers every request through the router, and stops cleanly: ``stop()``
closes the listener, wakes every connection thread, and joins them all.
"""

from __future__ import annotations

import hmac
import json
import selectors
import socket
import sys
import threading
import time
from types import TracebackType
from typing import Self, TextIO

from harness.server import cdm, dli, indices, ml, rollup
from harness.server.errors import ApiError, CloudError, EsError, EsPlainError
from harness.server.routing import CLOUD, Call, Router, family_of, json_response
from harness.server.state import State
from harness.server.wire import (
    HttpRequest,
    HttpResponse,
    ProtocolError,
    Reader,
    read_request,
    render_response,
)

__all__ = ["MAX_BODY", "ReferenceServer"]

MAX_BODY = 10 * 1024 * 1024
_JSON_TYPES = ("application/json", "application/x-ndjson", "application/*+json", "text/json")


class ReferenceServer:
    """The embedded target: the documented job-lifecycle APIs over real HTTP/1.1.

    :param host: the address to listen on (loopback by default).
    :param port: the port; 0 picks a free one (see ``url`` after ``start()``).
    :param token: the only ``X-Auth-Token`` the cloud APIs accept; ``None`` accepts any non-empty one.
    :param idle_timeout: seconds a keep-alive connection may wait for its next request.
    :param header_timeout: seconds a request line and headers may take once started.
    :param body_timeout: seconds a request body may take.
    :param max_body: the largest request body accepted (413 above).
    :param max_connections: connections served at once; more are answered 503.
    :param log: where to write one access-log line per request (never headers), or ``None``.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, token: str | None = None, *,
                 idle_timeout: float = 60.0, header_timeout: float = 10.0, body_timeout: float = 30.0,
                 max_body: int = MAX_BODY, max_connections: int = 256, log: TextIO | None = None) -> None:
        self.host, self.port = host, port
        self._token = token
        self.idle_timeout, self.header_timeout, self.body_timeout = idle_timeout, header_timeout, body_timeout
        self.max_body, self.max_connections, self.log = max_body, max_connections, log
        self.state = State()
        self.router = self._build_router()
        self._count = 0
        self._count_lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._wake: tuple[socket.socket, socket.socket] | None = None  # wakes the accept loop on stop()
        self._accept_thread: threading.Thread | None = None
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._connections_lock = threading.Lock()
        self._connections_changed = threading.Condition(self._connections_lock)  # notified on every open and close
        self._stopping = threading.Event()

    def __repr__(self) -> str:  # the token never appears, not even here
        return f"ReferenceServer(url={self.url!r}, token={'set' if self._token else 'any'})"

    # --- lifecycle -------------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://host:port`` once started."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def request_count(self) -> int:
        """Requests answered so far (admin calls included)."""
        return self._count

    @property
    def open_connections(self) -> int:
        """Client connections being served right now."""
        with self._connections_lock:
            return len(self._connections)

    def wait_for_connections(self, count: int, timeout: float) -> bool:
        """Wait until exactly ``count`` connections are served (woken by every open and close, not polled);
        False if ``timeout`` seconds pass first."""
        with self._connections_changed:
            return self._connections_changed.wait_for(lambda: len(self._connections) == count, timeout)

    def start(self) -> Self:
        """Listen and start accepting; returns once the port is bound and listening."""
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        try:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((self.host, self.port))
            listener.listen(128)
            listener.setblocking(False)
        except OSError:
            listener.close()
            raise
        self._listener = listener
        self._wake = socket.socketpair()
        self.port = listener.getsockname()[1]
        self._accept_thread = threading.Thread(target=self._accept_loop, name=f"reference-accept-{self.port}",
                                               daemon=True)
        self._accept_thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, close every connection, join every thread. Safe to call twice."""
        if self._stopping.is_set() or self._wake is None:
            return
        self._stopping.set()
        self._wake[1].send(b"x")
        if self._accept_thread is not None:
            self._accept_thread.join()
        with self._connections_lock:
            connections = list(self._connections.items())
        for sock, _ in connections:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked in recv
            except OSError:
                pass
        for _, thread in connections:
            thread.join(timeout=5.0)
        if self._listener is not None:
            self._listener.close()
        for sock in self._wake:
            sock.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # --- connections -----------------------------------------------------------------

    def _accept_loop(self) -> None:
        assert self._listener is not None and self._wake is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self._listener, selectors.EVENT_READ)
            selector.register(self._wake[0], selectors.EVENT_READ)
            while not self._stopping.is_set():
                for key, _ in selector.select():
                    if key.fileobj is self._listener:
                        self._accept_one()

    def _accept_one(self) -> None:
        assert self._listener is not None
        try:
            sock, _ = self._listener.accept()
        except (BlockingIOError, OSError):
            return
        sock.setblocking(True)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._connections_lock:
            full = len(self._connections) >= self.max_connections
            if not full:
                thread = threading.Thread(target=self._serve_connection, args=(sock,), daemon=True,
                                          name=f"reference-conn-{self.port}")
                self._connections[sock] = thread
                self._connections_changed.notify_all()
        if full:
            # answered outside the lock: the drain may wait up to a second for the client, and
            # ending connections, open_connections and stop() all need the lock meanwhile
            busy = EsPlainError(503, "too many connections to the reference server")
            self._close_with(sock, self._error_response(busy, False))
            return
        thread.start()

    def _serve_connection(self, sock: socket.socket) -> None:
        reader = Reader(sock)
        first = True
        try:
            while not self._stopping.is_set():
                # a fresh connection gets the header deadline to start talking: idle sockets
                # opened by the hundred must not hold threads for the keep-alive timeout
                wait = self.header_timeout if first else self.idle_timeout
                first = False
                try:
                    request = read_request(reader, idle_timeout=wait,
                                           header_timeout=self.header_timeout, body_timeout=self.body_timeout,
                                           max_body=self.max_body)
                except ProtocolError as exc:
                    self._count_one()
                    self._close_with(sock, self._protocol_error(exc))
                    return
                except TimeoutError:
                    self._count_one()
                    self._close_with(sock, self._protocol_error(ProtocolError(408, "request not received in time")))
                    return
                if request is None:
                    return
                response = self.answer(request)
                keep_alive = request.keep_alive and not self._stopping.is_set()
                sock.settimeout(self.body_timeout)  # a client that never reads cannot pin the thread
                sock.sendall(render_response(response, head_only=request.method == "HEAD", keep_alive=keep_alive))
                if not keep_alive:
                    return
        except OSError:
            pass  # the client went away (reset, broken pipe) or stop() shut the socket
        finally:
            sock.close()
            with self._connections_lock:
                self._connections.pop(sock, None)
                self._connections_changed.notify_all()

    def _close_with(self, sock: socket.socket, response: HttpResponse) -> None:
        """Send a final response, then drain briefly so the client reads it instead of a reset."""
        try:
            sock.sendall(render_response(response, head_only=False, keep_alive=False))
            sock.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + 1.0
            while time.monotonic() < deadline:
                sock.settimeout(max(0.01, deadline - time.monotonic()))
                if not sock.recv(65536):
                    break
        except OSError:
            pass
        finally:
            sock.close()

    # --- dispatch --------------------------------------------------------------------

    def _count_one(self) -> None:
        with self._count_lock:
            self._count += 1

    def answer(self, request: HttpRequest) -> HttpResponse:
        """The response to one request: auth, content type, routing, the handler, errors."""
        self._count_one()
        family = family_of(request.path)
        error_trace = request.query.get("error_trace", "false").lower() in ("", "true")
        try:
            if family == CLOUD:
                self._authenticate(request)
            elif request.body and not self._json_content(request):
                raise EsPlainError(406, f"Content-Type header [{request.headers.get('content-type', '')}] "
                                        "is not supported")
            handler, params = self.router.resolve(request.method, request.path)
            response = handler(Call(request, params, self.state))
        except ApiError as error:
            response = self._error_response(error, error_trace)
        except Exception as exc:  # a handler bug must not kill the connection: answer 500, keep serving
            print(f"reference server: internal error on {request.method} {request.path}: {exc!r}", file=sys.stderr)
            response = self._error_response(EsError(500, "exception", f"internal error: {exc!r}"), error_trace)
        if "pretty" in request.query and response.body[:1] in (b"{", b"["):
            response.body = json.dumps(json.loads(response.body), indent=2, ensure_ascii=False).encode() + b"\n"
        if self.log is not None:
            print(f"{request.method} {request.path} {response.status}", file=self.log, flush=True)
        return response

    @staticmethod
    def _json_content(request: HttpRequest) -> bool:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        return not content_type or content_type.startswith(_JSON_TYPES) or content_type.endswith("+json")

    def _authenticate(self, request: HttpRequest) -> None:
        supplied = request.headers.get("x-auth-token", "")
        if not supplied:
            raise CloudError(401, "APIGW.0301", "Incorrect IAM authentication information: x-auth-token not found")
        if self._token is not None and not hmac.compare_digest(supplied.encode(), self._token.encode()):
            raise CloudError(401, "APIGW.0301", "Incorrect IAM authentication information: token is invalid")

    @staticmethod
    def _error_response(error: ApiError, error_trace: bool) -> HttpResponse:
        response = json_response(error.body(error_trace), error.status)
        if error.allowed:
            response.headers.append(("Allow", ", ".join(error.allowed)))
        return response

    def _protocol_error(self, exc: ProtocolError) -> HttpResponse:
        if family_of(exc.path) == CLOUD:
            return json_response({"error_code": "APIGW.0201", "error_msg": f"Request error: {exc.message}"},
                                 exc.status)
        return json_response(EsPlainError(exc.status, exc.message).body(False), exc.status)

    # --- routes ----------------------------------------------------------------------

    def _build_router(self) -> Router:
        router = Router()
        router.add("POST", "/_reference/reset", self._reset)
        router.add("GET", "/_reference/stats", self._stats)
        for family in (rollup, ml, cdm, dli, indices):  # indices last: its /{index} routes are the catch-all
            family.register(router)
        return router

    def _reset(self, call: Call) -> HttpResponse:
        call.state.reset()
        return json_response({"acknowledged": True})

    def _stats(self, call: Call) -> HttpResponse:
        return json_response({"requests": self.request_count})

