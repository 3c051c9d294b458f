"""HTTP/1.1 on one connection: read a request within deadlines, write a response.

Written on the socket directly (not ``http.server``) for two reasons: every read has a
*total* deadline, so a client dripping a header byte by byte (slowloris) is cut off
with 408 instead of holding a thread forever, and header parsing stays a few bytes
operations instead of ``email.parser`` (the keep-alive throughput the replay
benchmarks need). Supports keep-alive, pipelining, ``Expect: 100-continue``, chunked
request bodies, HEAD, and HTTP/1.0 clients.
"""

from __future__ import annotations

import re
import socket
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = ["REASONS", "HttpRequest", "HttpResponse", "ProtocolError", "Reader", "read_request", "render_response"]

REASONS = {
    100: "Continue", 200: "OK", 201: "Created", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
    405: "Method Not Allowed", 406: "Not Acceptable", 408: "Request Timeout", 409: "Conflict",
    411: "Length Required", 413: "Payload Too Large", 414: "URI Too Long", 415: "Unsupported Media Type",
    431: "Request Header Fields Too Large", 500: "Internal Server Error", 501: "Not Implemented",
    503: "Service Unavailable", 505: "HTTP Version Not Supported",
}
_TOKEN = re.compile(rb"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_METHOD = re.compile(r"^[A-Z]+$")
_SINGLE = ("content-length", "host", "transfer-encoding")


class ProtocolError(Exception):
    """The bytes on the connection are not an acceptable HTTP request.

    :param status: the status to answer with (400, 408, 413, 431 ...).
    :param path: the request path when the request line was readable, for the error family.
    """

    def __init__(self, status: int, message: str, path: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.path = path


@dataclass(slots=True)
class HttpRequest:
    """One parsed request.

    :param method: upper-case method.
    :param path: the percent-decoded path (``/_xpack/rollup/job/sensor/_stop``).
    :param query: query parameters; a repeated name keeps its last value.
    :param headers: header values by lower-case name.
    :param body: the raw body bytes.
    :param keep_alive: whether the connection may carry another request after this one.
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes = b""
    keep_alive: bool = True


@dataclass(slots=True)
class HttpResponse:
    """One response to write: status, body bytes and extra headers."""

    status: int
    body: bytes = b""
    content_type: str = "application/json; charset=UTF-8"
    headers: list[tuple[str, str]] = field(default_factory=list)


class Reader:
    """Buffered reads from one socket, each bounded by an absolute deadline.

    :param sock: the connected socket.
    """

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = bytearray()

    def fill(self, deadline: float) -> bool:
        """Receive more bytes before ``deadline``; ``False`` on a clean EOF."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        self.sock.settimeout(remaining)
        chunk = self.sock.recv(65536)
        if not chunk:
            return False
        self.buffer += chunk
        return True

    def until(self, marker: bytes, limit: int, deadline: float, status: int) -> bytes | None:
        """Bytes up to and including ``marker``; ``None`` on EOF before any byte arrives."""
        start = 0
        while True:
            index = self.buffer.find(marker, start)
            if index > limit or (index < 0 and len(self.buffer) > limit):
                raise ProtocolError(status, "request line or headers too large")
            if index >= 0:
                end = index + len(marker)
                data = bytes(self.buffer[:end])
                del self.buffer[:end]
                return data
            start = max(0, len(self.buffer) - len(marker) + 1)
            if not self.fill(deadline):
                if self.buffer:
                    raise ProtocolError(400, "connection closed in the middle of a request")
                return None

    def exact(self, size: int, deadline: float) -> bytes:
        """Exactly ``size`` bytes."""
        while len(self.buffer) < size:
            if not self.fill(deadline):
                raise ProtocolError(400, "connection closed before the whole body arrived")
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data


def _parse_head(head: bytes) -> tuple[str, str, str, dict[str, str]]:
    lines = head[:-4].split(b"\r\n")
    parts = lines[0].split(b" ")
    if len(parts) != 3:
        raise ProtocolError(400, "malformed request line")
    method, target, version = (p.decode("latin-1") for p in parts)
    if not _METHOD.match(method) or version not in ("HTTP/1.1", "HTTP/1.0"):
        raise ProtocolError(505 if version.startswith("HTTP/") and _METHOD.match(method) else 400,
                            "unsupported request line")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(b":")
        if not sep or not _TOKEN.match(name):
            raise ProtocolError(400, "malformed header line", target)
        key = name.decode("latin-1").lower()
        text = value.strip().decode("latin-1")
        if key not in headers:
            headers[key] = text
        elif key in _SINGLE:
            if headers[key] != text:  # two different lengths is how requests get smuggled
                raise ProtocolError(400, f"conflicting {key} headers", target)
        else:
            headers[key] = f"{headers[key]}, {text}"
    return method, target, version, headers


def _split_target(target: str) -> tuple[str, dict[str, str]]:
    if target.startswith(("http://", "https://")):
        parts = urlsplit(target)
        path, query = parts.path or "/", parts.query
    else:
        path, _, query = target.partition("?")
    if not path.startswith("/"):
        raise ProtocolError(400, "request target must be an absolute path")
    try:
        params = dict(parse_qsl(query, keep_blank_values=True, errors="strict"))
        return unquote(path, errors="strict"), params
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProtocolError(400, f"request target is not valid UTF-8: {exc}", path) from None


def _read_chunked(reader: Reader, max_body: int, deadline: float, path: str) -> bytes:
    body = bytearray()
    while True:
        line = reader.until(b"\r\n", 1024, deadline, 400)
        if line is None:
            raise ProtocolError(400, "connection closed inside a chunked body", path)
        try:
            size = int(line.split(b";")[0].strip(), 16)
        except ValueError:
            raise ProtocolError(400, "malformed chunk size", path) from None
        if len(body) + size > max_body:
            raise ProtocolError(413, f"request body exceeds {max_body} bytes", path)
        if size == 0:
            while reader.until(b"\r\n", 8192, deadline, 431) not in (b"\r\n", None):
                pass  # trailers carry nothing the reference APIs use
            return bytes(body)
        body += reader.exact(size, deadline)
        if reader.exact(2, deadline) != b"\r\n":
            raise ProtocolError(400, "chunk not terminated by CRLF", path)


def read_request(reader: Reader, *, idle_timeout: float, header_timeout: float, body_timeout: float,
                 max_body: int) -> HttpRequest | None:
    """Read the next request; ``None`` when the client closed or idled out between requests."""
    if not reader.buffer:
        try:
            if not reader.fill(time.monotonic() + idle_timeout):
                return None
        except TimeoutError:
            return None
    head = reader.until(b"\r\n\r\n", 65536, time.monotonic() + header_timeout, 431)
    if head is None:
        return None
    method, target, version, headers = _parse_head(head)
    path, query = _split_target(target)
    if version == "HTTP/1.1" and "host" not in headers:
        raise ProtocolError(400, "HTTP/1.1 request without a Host header", path)
    connection = headers.get("connection", "").lower()
    keep_alive = "close" not in connection if version == "HTTP/1.1" else "keep-alive" in connection
    deadline = time.monotonic() + body_timeout
    encoding = headers.get("transfer-encoding", "").lower()
    if encoding:
        if "content-length" in headers or encoding != "chunked":
            raise ProtocolError(400 if encoding == "chunked" else 501, "unsupported transfer-encoding", path)
        body = _read_chunked(reader, max_body, deadline, path)
        return HttpRequest(method, path, query, headers, body, keep_alive)
    length_text = headers.get("content-length", "0")
    if not (length_text.isascii() and length_text.isdigit()):
        raise ProtocolError(400, "malformed Content-Length", path)
    # thousands of digits: over any limit, and more than int() converts
    length = int(length_text) if len(length_text.lstrip("0")) <= 18 else max_body + 1
    if length > max_body:
        raise ProtocolError(413, f"request body of {length} bytes exceeds the {max_body}-byte limit", path)
    if length and headers.get("expect", "").lower() == "100-continue":
        reader.sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
    body = reader.exact(length, deadline) if length else b""
    return HttpRequest(method, path, query, headers, body, keep_alive)


_date_cache: tuple[int, str] = (0, "")


def _http_date() -> str:
    global _date_cache
    now = int(time.time())
    if _date_cache[0] != now:
        # cached per second: formatdate is the costliest part of a small response
        _date_cache = (now, formatdate(now, usegmt=True))
    return _date_cache[1]


def render_response(response: HttpResponse, *, head_only: bool, keep_alive: bool) -> bytes:
    """The bytes of ``response``: status line, headers, and the body unless ``head_only``."""
    lines = [
        f"HTTP/1.1 {response.status} {REASONS.get(response.status, 'Unknown')}",
        f"Date: {_http_date()}",
        "Server: docharness-reference",
        f"Content-Length: {len(response.body)}",
        f"Connection: {'keep-alive' if keep_alive else 'close'}",
        f"Content-Type: {response.content_type}",
    ]
    lines.extend(f"{name}: {value}" for name, value in response.headers)
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head if head_only else head + response.body
