"""Sending one request to a target and reading its answer, with every limit enforced.

Every request has one deadline for connecting, the headers and the body
(``harness.replay.transport``), so a server that drips bytes cannot hold a run;
bodies are capped (16 MB by default) and redirect loops stop. An idempotent
request whose kept-alive connection the target had closed is sent again once. A
target that misbehaves raises ``TargetError`` with the failure kind the runner
reports.
"""

from __future__ import annotations

import json
import time
from typing import Any

import requests

from harness.replay.stash import MISSING
from harness.replay.transport import DeadlineAdapter, RequestState, deadline_for
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
    """

    __slots__ = ("_json", "content_type", "elapsed_ms", "headers", "status", "text")

    def __init__(self, status: int, headers: tuple[tuple[str, str], ...], text: str, content_type: str,
                 elapsed_ms: float) -> None:
        self.status, self.headers, self.text = status, headers, text
        self.content_type, self.elapsed_ms = content_type, elapsed_ms
        self._json: Any = None

    def header_values(self, name: str) -> list[str]:
        """Every value of a header (``Warning`` may repeat), case-insensitively."""
        wanted = name.lower()
        return [v for k, v in self.headers if k.lower() == wanted]

    def json(self) -> Any:
        """The body as JSON, ``MISSING`` when empty or not JSON (the runner's ``$body``); parsed once."""
        if self._json is None:
            self._json = self._parse()
        return self._json

    def _parse(self) -> Any:
        stripped = self.text.strip()
        if not stripped or ("json" not in self.content_type and stripped[0] not in "[{\""):
            return MISSING
        try:
            return json.loads(stripped)
        except (ValueError, RecursionError):  # RecursionError: nested deeper than Python can read
            return MISSING


class _TargetSession(requests.Session):
    """A session that drops secret headers when a redirect leaves the target's host or port.

    requests strips ``Authorization`` on such redirects; ``X-Auth-Token`` and other
    configured secret headers need the same care.
    """

    secret_headers: frozenset[str] = frozenset()

    def rebuild_auth(self, prepared_request: requests.PreparedRequest, response: requests.Response) -> None:
        super().rebuild_auth(prepared_request, response)  # type: ignore[no-untyped-call]
        previous = response.request.url if response.request is not None else None
        if previous and prepared_request.url and self.should_strip_auth(  # type: ignore[no-untyped-call]
                previous, prepared_request.url):
            for name in [n for n in prepared_request.headers if n.lower() in self.secret_headers]:
                del prepared_request.headers[name]


def new_session(verify_tls: bool, secret_headers: frozenset[str] = frozenset()) -> requests.Session:
    """A session for one document: no proxies or netrc from the environment, bounded redirects.

    :param secret_headers: lower-case header names never forwarded to another host or port.
    """
    session = _TargetSession()
    session.secret_headers = secret_headers
    # the target is named by the configuration alone; proxy variables must not reroute it
    session.trust_env = False
    session.verify = verify_tls
    session.max_redirects = MAX_REDIRECTS
    for scheme in ("http://", "https://"):
        session.mount(scheme, DeadlineAdapter())
    return session


class Sender:
    """Sends requests on one session with one timeout and body cap.

    :param session: the document's session (one connection, reused in order).
    :param timeout: seconds for connecting, for each read, and for the whole answer.
    :param max_body: the largest body read before giving up.
    """

    def __init__(self, session: requests.Session, timeout: float, max_body: int = MAX_BODY_BYTES) -> None:
        self.session, self.timeout, self.max_body = session, timeout, max_body
        self.drops_kept_alive = False  # the target was seen closing a connection it had kept alive
        self.retried = 0  # idempotent requests sent again after a stale kept-alive connection

    def send(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> Reply:
        """Send one request; raise ``TargetError`` when no usable answer came."""
        started = time.perf_counter()
        state = RequestState(started + self.timeout)
        response = self._open(method, url, headers, body, state)
        try:
            with deadline_for(state):
                raw = self._read(response, started)
        except BaseException:
            response.close()  # a half-read answer: the connection cannot be reused
            raise
        # fully read: hand the connection back to the pool for the document's next request
        # (Response.close() would drop it, since requests did not read the body itself)
        response.raw.release_conn()
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        return Reply(status=response.status_code, headers=_all_headers(response),
                     text=raw.decode("utf-8", errors="replace"), content_type=content_type,
                     elapsed_ms=(time.perf_counter() - started) * 1000)

    def _open(self, method: str, url: str, headers: dict[str, str], body: bytes | None,
              state: RequestState) -> requests.Response:
        """Send the request and read the status line and headers, under the request's deadline.

        An idempotent request whose kept-alive connection the target had closed is sent once more
        on a new connection (the failure is the earlier answer's connection, not this request's).
        """
        idempotent = method.upper() in IDEMPOTENT_METHODS
        if not idempotent and self.drops_kept_alive:
            self.session.close()  # this target closes kept-alive connections: start on a new one
        for attempt in (1, 2):
            with deadline_for(state):
                try:
                    prepared = requests.PreparedRequest()
                    # built here rather than by Session.request: its per-call merging of environment
                    # settings (proxies, netrc) is what trust_env = False turns off anyway
                    prepared.prepare(method=method, url=url, headers={**self.session.headers, **headers},
                                     data=body, cookies=self.session.cookies)
                    response = self.session.send(prepared, stream=True, timeout=self.timeout,
                                                 allow_redirects=True, verify=self.session.verify, proxies={})
                except requests.exceptions.RequestException as exc:
                    stale = state.reused and _stale_connection(exc)
                    self.drops_kept_alive = self.drops_kept_alive or stale or state.dropped
                    if stale and idempotent and attempt == 1:
                        continue
                    if stale:
                        raise TargetError(FailureKind.CONNECTION, _not_resent(method)) from exc
                    phase = "connect" if isinstance(exc, requests.exceptions.ConnectTimeout) else "headers"
                    raise _classify(exc, self.timeout, phase) from exc
                except (ValueError, TypeError) as exc:  # a URL or header requests refuses to build
                    raise TargetError(FailureKind.PROTOCOL, f"cannot build the request: {exc}") from exc
            self.drops_kept_alive = self.drops_kept_alive or state.dropped
            self.retried += attempt - 1
            return response
        raise AssertionError("unreachable: the second attempt returns or raises")

    def _read(self, response: requests.Response, started: float) -> bytes:
        declared = response.headers.get("Content-Length", "")
        expected_size = int(declared) if declared.isdigit() else -1
        if expected_size > self.max_body:
            raise TargetError(FailureKind.TOO_LARGE, f"the response announces {declared} bytes, "
                                                     f"more than the {self.max_body}-byte limit")
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                # read1 returns what has arrived, so a slow drip is seen chunk by chunk
                chunk = response.raw.read1(_CHUNK) if hasattr(response.raw, "read1") else response.raw.read(_CHUNK)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size == expected_size and not response.raw.headers.get("Content-Encoding"):
                    break  # all announced bytes are here: no need to ask again
                if size > self.max_body:
                    raise TargetError(FailureKind.TOO_LARGE, f"the response is larger than the {self.max_body}-byte limit")
                if time.perf_counter() - started > self.timeout:
                    raise TargetError(FailureKind.TIMEOUT, _timed_out(self.timeout, "body"))
        except TargetError:
            raise
        except Exception as exc:  # urllib3 read errors: reset, timeout, bad chunking
            raise _classify(exc, self.timeout, "body") from exc
        return b"".join(chunks)


def _all_headers(response: requests.Response) -> tuple[tuple[str, str], ...]:
    raw_headers = getattr(response.raw, "headers", None)
    if raw_headers is not None and hasattr(raw_headers, "items"):
        return tuple((str(k), str(v)) for k, v in raw_headers.items())
    return tuple(response.headers.items())


def _timed_out(timeout: float, phase: str) -> str:
    return f"timed out after {timeout:g} s ({phase}): the whole answer must arrive within the target's timeout"


def _stale_connection(exc: BaseException) -> bool:
    """Whether the target dropped the connection before any answer (what a closed kept-alive one gives)."""
    if not isinstance(exc, requests.exceptions.ConnectionError) or isinstance(exc, requests.exceptions.Timeout):
        return False
    lowered = f"{exc!r}".lower()
    return any(word in lowered for word in ("connection aborted", "remotedisconnected", "reset by peer",
                                             "broken pipe", "connectionreseterror"))


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
    if isinstance(exc, requests.exceptions.TooManyRedirects):
        return TargetError(FailureKind.REDIRECT, f"more than {MAX_REDIRECTS} redirects (a redirect loop?)")
    if isinstance(exc, requests.exceptions.Timeout) or "timed out" in lowered or "timeout" in type(exc).__name__.lower():
        return TargetError(FailureKind.TIMEOUT, _timed_out(timeout, phase))
    if any(word in lowered for word in ("badstatusline", "linetoolong", "headerparsingerror", "invalidheader")):
        return TargetError(FailureKind.PROTOCOL, f"the target broke the HTTP protocol: {_first_line(text)}")
    if "refused" in lowered:
        return TargetError(FailureKind.CONNECTION, "connection refused: is the target running at this address?")
    if "reset" in lowered or "broken pipe" in lowered:
        return TargetError(FailureKind.CONNECTION, "the target reset the connection")
    if "without response" in lowered or "remotedisconnected" in lowered:
        return TargetError(FailureKind.CONNECTION, "the target closed the connection without answering")
    if isinstance(exc, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError,
                        requests.exceptions.InvalidHeader)) or "protocol" in lowered or "incomplete" in lowered:
        return TargetError(FailureKind.PROTOCOL, f"the target broke the HTTP protocol: {_first_line(text)}")
    return TargetError(FailureKind.CONNECTION, f"could not talk to the target: {_first_line(text)}")


def _first_line(text: str) -> str:
    return text.splitlines()[0][:300] if text else "no detail"
