"""Sending one request to a target and reading its answer, with every limit enforced.

Every request has one deadline for connecting, the headers and the body
(``harness.replay.transport``), so a server that drips bytes cannot hold a run;
bodies are capped (16 MB by default) and redirect loops stop. An idempotent
request whose kept-alive connection the target had closed is sent again once. A
target that misbehaves raises ``TargetError`` with the failure kind the runner
reports. The document's connections, cookies and redirect rules are its
``harness.replay.session.Session``.

A request may be sent ahead (``Sender.send_ahead``): it goes on the wire at once and its answer is
read by the ``send`` of the same request, so the target works on it while the caller is busy (the
pytest plugin: pytest's bookkeeping of the previous item). A different request, or ``close``, reads
the pending answer and drops it first.
"""

from __future__ import annotations

import http.client
import ssl
import time
from collections.abc import Mapping
from typing import Any

from harness.parsers.repeated_keys import loads_with_repeats
from harness.replay.safety import changes_state, is_loopback
from harness.replay.session import REDIRECT_CODES, BuildError, Session, new_session
from harness.replay.stash import MISSING
from harness.replay.transport import RequestState
from harness.results import FailureKind

__all__ = ["MAX_BODY_BYTES", "Reply", "Sender", "TargetError", "new_session"]

MAX_BODY_BYTES = 16 * 1024 * 1024
MAX_REDIRECTS = 10
# RFC 9110 section 9.2.2: what may be sent again when a connection fails before the answer
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})
_CHUNK = 64 * 1024


class TargetError(Exception):
    """The target did not give a usable answer.

    :param kind: connection, timeout, protocol, too_large or redirect.
    :param message: one line saying what happened.
    """

    def __init__(self, kind: FailureKind, message: str) -> None:
        self.kind, self.message = kind, message
        super().__init__(message)


class Reply:
    """What came back for one request.

    :param status: the HTTP status.
    :param headers: every response header, repeated names kept apart.
    :param text: the body decoded as UTF-8 (undecodable bytes replaced).
    :param content_type: the media type, lower case, without parameters.
    :param elapsed_ms: wall time from sending to the last byte.
    :param redirected_to: the URL that gave this answer when a redirect was followed, else ``""``.
    """

    __slots__ = ("_json", "_repeated", "content_type", "elapsed_ms", "headers", "redirected_to", "status", "text")

    def __init__(self, status: int, headers: tuple[tuple[str, str], ...], text: str, content_type: str,
                 elapsed_ms: float, redirected_to: str = "") -> None:
        self.status, self.headers, self.text = status, headers, text
        self.content_type, self.elapsed_ms, self.redirected_to = content_type, elapsed_ms, redirected_to
        self._json: Any = None
        self._repeated: tuple[str, str] | None = None

    def header_values(self, name: str) -> list[str]:
        """Every value of a header (``Warning`` may repeat), case-insensitively."""
        wanted = name.lower()
        return [v for k, v in self.headers if k.lower() == wanted]

    def json(self) -> Any:
        """The body as JSON, ``MISSING`` when empty or not JSON (the runner's ``$body``); parsed once."""
        if self._json is None:
            self._json = self._parse()
        return self._json

    @property
    def repeated(self) -> tuple[str, str] | None:
        """(object path, key) of the first object of the JSON answer that gives a key twice, else ``None``:
        found in the read ``json`` makes (``loads_with_repeats``), whose values are ``json.loads``'s."""
        self.json()
        return self._repeated

    def stashed(self) -> Any:
        """The body as the Elasticsearch runner stashes it (reference spec §9.2): parsed JSON only under a
        JSON media type, else the text itself (a ``str``, whose every path is missing); ``MISSING`` when empty."""
        if "json" in self.content_type:
            return self.json()
        return self.text if self.text.strip() else MISSING

    def body(self, *, elasticsearch: bool) -> Any:
        """The body a ``$body`` path reads: as Elasticsearch's runner stashes it (``stashed``) on its pages,
        else as JSON (``json``)."""
        return self.stashed() if elasticsearch else self.json()

    def json_as_text(self) -> bool:
        """JSON text under a Content-Type that is not JSON: Elasticsearch's runner stashes it as a string."""
        return "json" not in self.content_type and self.json() is not MISSING

    def _parse(self) -> Any:
        stripped = self.text.strip()
        if not stripped or ("json" not in self.content_type and stripped[0] not in "[{\""):
            return MISSING
        try:
            value, self._repeated = loads_with_repeats(stripped)
        except (ValueError, RecursionError):  # RecursionError: nested deeper than Python can read
            return MISSING
        return value


class _Ahead:
    """A request sent ahead, its answer not read yet (or what failed while sending it)."""

    __slots__ = ("connection", "error", "key", "started", "state")

    def __init__(self, key: tuple[Any, ...], started: float, state: RequestState, connection: Any,
                 error: BaseException | None) -> None:
        self.key, self.started, self.state, self.connection, self.error = key, started, state, connection, error


class Sender:
    """Sends requests on one session with one timeout and body cap.

    :param session: the document's session (one kept-alive connection, reused in order).
    :param timeout: seconds for the whole answer: connecting, sending, the headers and the body.
    :param max_body: the largest body read before giving up.
    """

    def __init__(self, session: Session, timeout: float, max_body: int = MAX_BODY_BYTES, *,
                 remote_writes: bool = True) -> None:
        self.session, self.timeout, self.max_body = session, timeout, max_body
        self.remote_writes = remote_writes  # a redirect may take a state-changing request off loopback
        self.drops_kept_alive = False  # the target was seen closing a connection it had kept alive
        self.retried = 0  # idempotent requests sent again after a stale kept-alive connection
        self._ahead: _Ahead | None = None
        self.answered_ahead = 0  # sends whose request had gone out ahead
        self.discarded = 0  # answers to requests sent ahead, read and dropped unused

    def send_ahead(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None) -> bool:
        """Put a request on the wire now; the ``send`` of the same request reads its answer. Its deadline
        runs from now. What fails while sending it is that ``send``'s to handle, as if it had happened
        there. ``False`` (nothing sent) when a request is already pending or this one cannot be built."""
        if self._ahead is not None:
            return False
        method = method.upper()
        if method not in IDEMPOTENT_METHODS and self.drops_kept_alive:
            self.session.close()  # as send does: this target closes kept-alive connections
        started = time.perf_counter()
        state = RequestState(started + self.timeout)
        key = (method, url, tuple(headers.items()), body)
        try:
            connection = self.session.send(method, url, headers, body, state)
        except BuildError:
            return False  # nothing went out: send finds the same error
        except (OSError, http.client.HTTPException) as exc:
            self._ahead = _Ahead(key, started, state, None, exc)
            return True
        self._ahead = _Ahead(key, started, state, connection, None)
        return True

    def discard(self) -> None:
        """Read and drop the answer to the request sent ahead, if any: nothing will use it (another request
        is sent, or the document ends). The connection stays usable; one that fails to answer is closed."""
        ahead, self._ahead = self._ahead, None
        if ahead is None or ahead.connection is None:
            return
        self.discarded += 1
        try:
            self._read(self.session.receive(ahead.connection, ahead.key[1]), ahead.started)
        except BaseException as exc:
            ahead.connection.close()
            if not isinstance(exc, Exception):
                raise

    def close(self) -> None:
        """Drop the answer to a request sent ahead, then close every connection."""
        self.discard()
        self.session.close()

    def _take(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None) -> _Ahead | None:
        """The request sent ahead when it is this one; another one's answer is dropped."""
        ahead = self._ahead
        if ahead is None:
            return None
        if ahead.key != (method, url, tuple(headers.items()), body):
            self.discard()
            if ahead.key[0] not in IDEMPOTENT_METHODS:  # never by design: the run builds what was sent ahead
                raise TargetError(FailureKind.PROTOCOL, f"the {ahead.key[0]} sent ahead for this example differs from "
                                  "the request it builds now, so it is not sent again (a second write); this is a "
                                  "docharness bug: please report it with the page")
            return None
        self._ahead = None
        self.answered_ahead += 1
        return ahead

    def send(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None) -> Reply:
        """Send one request (following redirects); raise ``TargetError`` when no usable answer came. A
        request sent ahead is not sent again: its answer is read, and its time counts from when it went."""
        method, first = method.upper(), url
        ahead = self._take(method, url, headers, body)
        started = time.perf_counter() if ahead is None else ahead.started
        state = RequestState(started + self.timeout) if ahead is None else ahead.state
        for _ in range(MAX_REDIRECTS + 1):
            connection, response = self._open(method, url, headers, body, state, ahead)
            ahead = None
            try:
                raw = self._read(response, started)
            except BaseException:
                connection.close()  # a half-read answer: the connection cannot be reused
                raise
            location = response.getheader("Location") if response.status in REDIRECT_CODES else None
            following = self.session.redirect(method, url, headers, body, response.status, location) \
                if location else None
            # a redirect that turns the request into another (a POST answered 302/303 becomes a GET of
            # another URL) is the answer itself: the page's request got a 3xx, not what the GET returns
            if following is None or following[0] != method:
                content_type = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
                return Reply(status=response.status, headers=tuple(response.msg.items()),
                             text=raw.decode("utf-8", errors="replace"), content_type=content_type,
                             elapsed_ms=(time.perf_counter() - started) * 1000,
                             redirected_to="" if url == first else url)
            if not self.remote_writes and changes_state(method) and not is_loopback(following[1]):
                raise TargetError(FailureKind.REDIRECT, f"the target redirected this {method} to {following[1]}, "
                                  "which is not on loopback; it was not sent (pass --allow-writes or set "
                                  "allow_writes = true for this target to send state-changing requests there)")
            method, url, headers, body = following
        raise TargetError(FailureKind.REDIRECT, f"more than {MAX_REDIRECTS} redirects (a redirect loop?)")

    def _open(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None,
              state: RequestState, ahead: _Ahead | None = None) -> tuple[Any, http.client.HTTPResponse]:
        """Send the request and read the status line and headers, under the request's deadline.

        An idempotent request whose kept-alive connection the target had closed is sent once more
        on a new connection (the failure is the earlier answer's connection, not this request's).
        A request sent ahead is the first attempt: what it met is handled here as if met now.
        """
        idempotent = method in IDEMPOTENT_METHODS
        if not idempotent and self.drops_kept_alive and ahead is None:
            self.session.close()  # this target closes kept-alive connections: start on a new one
        for attempt in (1, 2):
            try:
                if ahead is not None and attempt == 1:
                    opened = self._answer(ahead)
                else:
                    state.reused = False
                    opened = self.session.exchange(method, url, headers, body, state)
            except BuildError as exc:  # a URL or header that cannot go on the wire
                raise TargetError(FailureKind.PROTOCOL, f"cannot build the request: {exc}") from exc
            except (OSError, http.client.HTTPException) as exc:
                stale = state.reused and _stale_connection(exc)
                self.drops_kept_alive = self.drops_kept_alive or stale or state.dropped
                if stale and idempotent and attempt == 1:
                    continue
                if stale:
                    raise TargetError(FailureKind.CONNECTION, _not_resent(method)) from exc
                raise _classify(exc, self.timeout, state.phase) from exc
            self.drops_kept_alive = self.drops_kept_alive or state.dropped
            self.retried += attempt - 1
            return opened
        raise AssertionError("unreachable: the second attempt returns or raises")

    def _answer(self, ahead: _Ahead) -> tuple[Any, http.client.HTTPResponse]:
        """The status line and headers of the answer to a request sent ahead (or what failed sending it)."""
        if ahead.error is not None:
            raise ahead.error
        return ahead.connection, self.session.receive(ahead.connection, ahead.key[1])

    def _read(self, response: http.client.HTTPResponse, started: float) -> bytes:
        declared = response.length  # from Content-Length; None when chunked or until the connection closes
        if declared is not None and declared > self.max_body:
            raise TargetError(FailureKind.TOO_LARGE, f"the response announces {declared} bytes, "
                                                     f"more than the {self.max_body}-byte limit")
        try:
            if declared is not None:
                return response.read()  # every read of it is bounded by the request's deadline
            chunks: list[bytes] = []
            size = 0
            while chunk := response.read1(_CHUNK):  # what has arrived: a slow drip is seen chunk by chunk
                chunks.append(chunk)
                size += len(chunk)
                if size > self.max_body:
                    raise TargetError(FailureKind.TOO_LARGE, f"the response is larger than the {self.max_body}-byte limit")
                if time.perf_counter() - started > self.timeout:
                    raise TargetError(FailureKind.TIMEOUT, _timed_out(self.timeout, "body"))
            return b"".join(chunks)
        except TargetError:
            raise
        except Exception as exc:  # a reset, the deadline, bad chunking, a short body
            raise _classify(exc, self.timeout, "body") from exc


def _timed_out(timeout: float, phase: str) -> str:
    return f"timed out after {timeout:g} s ({phase}): the whole answer must arrive within the target's timeout"


def _stale_connection(exc: BaseException) -> bool:
    """Whether the target dropped the connection before any answer (what a closed kept-alive one gives)."""
    return isinstance(exc, (ConnectionResetError, BrokenPipeError, ConnectionAbortedError))


def _not_resent(method: str) -> str:
    return (f"the target closed the kept-alive connection this {method.upper()} went out on, without answering "
            f"(it had answered the previous request on it without `Connection: close`); a {method.upper()} "
            f"is not idempotent, so it was not sent again")


def _classify(exc: BaseException, timeout: float, phase: str = "headers") -> TargetError:
    """The failure kind and message for an exception raised while talking to the target.

    :param phase: connect, headers or body: where a timeout happened.
    """
    text = str(exc)
    lowered = text.lower()
    if isinstance(exc, TimeoutError) or "timed out" in lowered:
        return TargetError(FailureKind.TIMEOUT, _timed_out(timeout, phase))
    if isinstance(exc, ConnectionRefusedError):
        return TargetError(FailureKind.CONNECTION, "connection refused: is the target running at this address?")
    if isinstance(exc, http.client.RemoteDisconnected):  # before ConnectionResetError, its base
        return TargetError(FailureKind.CONNECTION, "the target closed the connection without answering")
    if isinstance(exc, (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)):
        return TargetError(FailureKind.CONNECTION, "the target reset the connection")
    if isinstance(exc, ssl.SSLError):  # before ValueError: a certificate that does not verify is one too
        return TargetError(FailureKind.CONNECTION, f"could not talk to the target over TLS: {_first_line(text)}")
    if isinstance(exc, (http.client.HTTPException, ValueError)):  # a bad status line, chunk size or header
        return TargetError(FailureKind.PROTOCOL, f"the target broke the HTTP protocol: {type(exc).__name__}: "
                                                 f"{_first_line(text)}")
    return TargetError(FailureKind.CONNECTION, f"could not talk to the target: {_first_line(text)}")


def _first_line(text: str) -> str:
    return text.splitlines()[0][:300] if text else "no detail"
