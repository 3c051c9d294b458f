"""The socket layer under ``send``: kept-alive connections where every read obeys one request deadline.

A plain socket timeout bounds each read on its own, so a target that sends its
status line and then one header byte a second would never trip it. Here every
read of an answer (status line, headers, body) gets only what is left of the
request's deadline, and connecting and sending get no more either.

A ``Connection`` is ``http.client``'s, kept alive between the requests of one
document. It notes whether a request went out on a socket that had already
carried an answer (``RequestState.reused``) and whether a kept-alive socket was
found closed by the target before sending (``RequestState.dropped``): ``send``
resends an idempotent request once when a reused socket turns out dead, and
stops reusing sockets for requests it may not resend.
"""

from __future__ import annotations

import http.client
import io
import select
import socket
import ssl
import time
from typing import Any

__all__ = ["Connection", "Headers", "RequestState", "TLSConnection", "tls_context"]

_MAX_LINE = 65536  # http.client's limits on one header line and on the number of headers
_MAX_HEADERS = 100


class RequestState:
    """What the connection layer learns while one request is sent.

    :param deadline: ``time.perf_counter()`` value by which the whole answer must be in.
    """

    __slots__ = ("deadline", "dropped", "phase", "reused")

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.phase = "headers"  # where a timeout happens: connect, or waiting for the answer's headers
        self.reused = False  # sent on a socket that had already carried an answer
        self.dropped = False  # a kept-alive socket was found closed by the target

    def remaining(self) -> float:
        """Seconds left before the deadline (never negative)."""
        return max(self.deadline - time.perf_counter(), 0.0)


class _DeadlineReader(io.RawIOBase):
    """A socket's reading side where no read may outlast the request's deadline."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        super().__init__()
        self._sock = sock
        self._inner = sock.makefile("rb", buffering=0)  # the socket's reference counting: it outlives close()
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        remaining = self._deadline - time.perf_counter()
        if remaining <= 0:
            raise TimeoutError("timed out: the request's deadline passed")
        self._sock.settimeout(remaining)
        return self._inner.readinto(buffer)

    def fileno(self) -> int:
        return self._sock.fileno()

    def close(self) -> None:
        self._inner.close()
        super().close()


class _SocketView:
    """What ``http.client.HTTPResponse`` needs of a socket: ``makefile``, here bound to a deadline."""

    __slots__ = ("_deadline", "_sock")

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock, self._deadline = sock, deadline

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))


class Headers:
    """An answer's headers in wire order, read without the ``email`` package (what
    ``http.client.HTTPMessage`` offers that replay and ``http.cookiejar`` use).

    :param pairs: ``(name, value)`` as received, repeated names kept apart.
    """

    __slots__ = ("_by_name", "pairs")

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = pairs
        self._by_name: dict[str, list[str]] | None = None  # lower-case name -> values, made at the first look-up

    def _values(self, name: str) -> list[str] | None:
        by_name = self._by_name
        if by_name is None:  # an answer's headers are looked up several times each (http.client, replay)
            by_name = self._by_name = {}
            for key, value in self.pairs:
                by_name.setdefault(key.lower(), []).append(value)
        return by_name.get(name.lower())

    def get(self, name: str, default: str | None = None) -> str | None:
        """The first value of a header, case-insensitively."""
        values = self._values(name)
        return values[0] if values else default

    def get_all(self, name: str, failobj: Any = None) -> Any:
        """Every value of a header, or ``failobj`` when there is none."""
        values = self._values(name)
        return list(values) if values else failobj

    def items(self) -> list[tuple[str, str]]:
        """Every header, in the order received."""
        return list(self.pairs)


def _read_headers(fp: Any) -> Headers:
    """The header lines up to the blank line, with ``http.client``'s limits (line length, count);
    a value is read as the ``email`` package reads it: leading blanks dropped, folded lines joined."""
    pairs: list[tuple[str, str]] = []
    while True:
        line = fp.readline(_MAX_LINE + 1)
        if len(line) > _MAX_LINE:
            raise http.client.LineTooLong("header line")
        if line in (b"\r\n", b"\n", b""):
            return Headers(pairs)
        if len(pairs) >= _MAX_HEADERS:
            raise http.client.HTTPException(f"got more than {_MAX_HEADERS} headers")
        text = line.decode("iso-8859-1").rstrip("\r\n")
        if text[:1] in (" ", "\t") and pairs:  # an obsolete folded line continues the previous value
            name, value = pairs[-1]
            pairs[-1] = (name, f"{value} {text.strip()}")
            continue
        name, colon, value = text.partition(":")
        if colon:
            pairs.append((name, value.lstrip(" \t")))


class _Response(http.client.HTTPResponse):
    """``http.client``'s answer, its headers read by ``_read_headers`` (the ``email`` parser costs more
    than the rest of a small answer)."""

    def begin(self) -> None:  # http.client.HTTPResponse.begin, with the header parser replaced
        if self.headers is not None:
            return
        while True:
            version, status, reason = self._read_status()
            # any interim 1xx answer (100 Continue, 102 Processing, 103 Early Hints) comes before the real
            # one and a client reads past it (RFC 9110 15.2), as Elasticsearch's client does; http.client
            # skipped 100 only, so a 103 was taken for the answer. 101 ends HTTP on the connection: final
            if not 100 <= status < 200 or status == http.client.SWITCHING_PROTOCOLS:
                break
            _read_headers(self.fp)  # the interim answer's headers
        self.code = self.status = status
        self.reason = reason.strip()
        if version in ("HTTP/1.0", "HTTP/0.9"):
            self.version = 10
        elif version.startswith("HTTP/1."):
            self.version = 11
        else:
            raise http.client.UnknownProtocol(version)
        headers = _read_headers(self.fp)
        self.headers = self.msg = headers  # duck-typed: what http.client and http.cookiejar read of it
        encoding = headers.get("transfer-encoding")
        self.chunked = bool(encoding and encoding.lower() == "chunked")
        self.chunk_left = None
        self.will_close = self._check_close()
        self.length = None
        length = headers.get("content-length")
        if length and not self.chunked:
            try:
                self.length = int(length)
            except ValueError:
                self.length = None
            else:
                if self.length < 0:  # nonsensical: ignored
                    self.length = None
        if status in (http.client.NO_CONTENT, http.client.NOT_MODIFIED) or 100 <= status < 200 \
                or self._method == "HEAD":
            self.length = 0
        if not self.will_close and not self.chunked and self.length is None:
            self.will_close = True  # the body ends when the connection does


class Connection(http.client.HTTPConnection):
    """One kept-alive connection to one origin, every step bounded by the current request's deadline.

    :param host: the host name or address.
    :param port: the port.
    """

    def __init__(self, host: str, port: int | None = None) -> None:
        super().__init__(host, port)
        self.state = RequestState(0.0)
        self.answers = 0  # answers read on the current socket
        self.response_class = self._response  # type: ignore[assignment]

    def _response(self, sock: socket.socket, *args: Any, **kwargs: Any) -> http.client.HTTPResponse:
        return _Response(_SocketView(sock, self.state.deadline), *args, **kwargs)  # type: ignore[arg-type]

    def connect(self) -> None:
        """Open a socket within what is left of the deadline (TLS handshake included)."""
        self.answers = 0
        self.timeout = self.state.remaining() or 0.001
        self.state.phase = "connect"
        super().connect()
        self.state.phase = "headers"

    def begin(self, state: RequestState) -> None:
        """Make ``state`` the current request: note reuse, and drop a socket the target has closed."""
        self.state = state
        if self.sock is not None and self.answers > 0:
            if _readable(self.sock):  # EOF (or stray bytes) on an idle kept-alive socket: it is done
                state.dropped = True
                self.close()
            else:
                state.reused = True
                self.sock.settimeout(state.remaining() or 0.001)  # sending is bounded by the deadline too

    def answered(self) -> None:
        """One more answer was read on this socket."""
        self.answers += 1


class TLSConnection(Connection, http.client.HTTPSConnection):
    """``Connection`` over TLS.

    :param context: the TLS settings (``tls_context``).
    """

    def __init__(self, host: str, port: int | None = None, *, context: ssl.SSLContext) -> None:
        http.client.HTTPSConnection.__init__(self, host, port, context=context)
        self.state = RequestState(0.0)
        self.answers = 0
        self.response_class = self._response  # type: ignore[assignment]


_CONTEXTS: dict[bool, ssl.SSLContext] = {}


def tls_context(verify: bool) -> ssl.SSLContext:
    """The TLS context, made once per process: certificates checked against certifi's bundle (as
    requests does) when ``verify``, else not checked at all."""
    if verify not in _CONTEXTS:
        if verify:
            try:
                import certifi  # the bundle requests would use

                context = ssl.create_default_context(cafile=certifi.where())
            except ImportError:  # pragma: no cover - certifi comes with requests
                context = ssl.create_default_context()
        else:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        _CONTEXTS[verify] = context
    return _CONTEXTS[verify]


def _readable(sock: socket.socket) -> bool:
    """Whether an idle socket has something to read: the target closed it (or sent what no one asked for)."""
    try:
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(sock, select.POLLIN)
            return bool(poller.poll(0))
        return bool(select.select([sock], [], [], 0)[0])
    except (OSError, ValueError):
        return True
