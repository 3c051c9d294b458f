"""The socket layer under ``send``: one deadline per request, and stale kept-alive connections seen.

requests and urllib3 time out each socket operation on its own, so a target that
sends its status line and then one header byte a second never trips a read
timeout. Here every read of an answer (status line, headers, body) gets only what
is left of the request's deadline, and connecting gets no more either.

The connections also note whether a request went out on a connection kept alive
from an earlier answer, and whether a pooled connection was found closed by the
target: ``send`` retries an idempotent request once when such a reused connection
turns out to be dead, and stops reusing connections for requests it may not resend.
"""

from __future__ import annotations

import http.client
import io
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

__all__ = ["DeadlineAdapter", "RequestState", "deadline_for"]

_CURRENT = threading.local()


class RequestState:
    """What the connection layer learns while one request is sent.

    :param deadline: ``time.perf_counter()`` value by which the whole answer must be in.
    """

    __slots__ = ("deadline", "dropped", "reused")

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.reused = False  # sent on a connection that had already carried an answer
        self.dropped = False  # the pool held a kept-alive connection the target had closed

    def remaining(self) -> float:
        """Seconds left before the deadline (never negative)."""
        return max(self.deadline - time.perf_counter(), 0.0)


@contextmanager
def deadline_for(state: RequestState) -> Iterator[RequestState]:
    """Make ``state`` the current request of this thread while its request is sent and read."""
    previous = getattr(_CURRENT, "state", None)
    _CURRENT.state = state
    try:
        yield state
    finally:
        _CURRENT.state = previous


def _current() -> RequestState | None:
    return getattr(_CURRENT, "state", None)


class _DeadlineReader(io.RawIOBase):
    """A socket's reading side where no read may outlast the request's deadline."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        super().__init__()
        self._sock = sock
        self._inner = sock.makefile("rb", buffering=0)  # keeps the socket's own reference counting
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

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock, self._deadline = sock, deadline

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _DeadlineResponse(http.client.HTTPResponse):
    """An answer read under the current request's deadline (status line, headers and body)."""

    def __init__(self, sock: socket.socket, *args: Any, **kwargs: Any) -> None:
        state = _current()
        view: Any = sock if state is None else _SocketView(sock, state.deadline)
        super().__init__(view, *args, **kwargs)


class _Connection(HTTPConnection):
    """A connection whose connect is bounded by the deadline and that notes when it is reused."""

    response_class = _DeadlineResponse
    _answers = 0  # requests sent on this socket so far

    def _new_conn(self) -> socket.socket:
        self._answers = 0  # a new socket: nothing was kept alive on it
        state = _current()
        if state is not None:
            limit = state.remaining() or 0.001
            self.timeout = min(self.timeout, limit) if isinstance(self.timeout, (int, float)) else limit
        return super()._new_conn()

    def request(self, *args: Any, **kwargs: Any) -> None:
        state = _current()
        if state is not None:  # the socket is made inside request() when there is none yet
            state.reused = self._answers > 0 and self.sock is not None
            self.timeout = state.remaining() or 0.001  # sending the request is bounded by the deadline too
        try:
            super().request(*args, **kwargs)
        finally:
            self._answers += 1

    @property
    def is_connected(self) -> bool:
        connected = super().is_connected
        state = _current()
        if not connected and state is not None and self._answers > 0:
            state.dropped = True  # the pool will quietly open a new one; the sender learns from it
        return connected


class _TLSConnection(_Connection, HTTPSConnection):
    pass


class _Pool(HTTPConnectionPool):
    ConnectionCls = _Connection


class _TLSPool(HTTPSConnectionPool):
    ConnectionCls = _TLSConnection


class DeadlineAdapter(HTTPAdapter):
    """requests' adapter over connections that honour ``deadline_for`` and note reuse."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _Pool, "https": _TLSPool}
