"""One document's HTTP session: kept-alive connections, default headers, cookies and redirects.

What ``requests.Session`` did for replay, without its per-request machinery: the
wire form of a URL (dot segments removed, illegal characters quoted as requests
quotes them, credentials in the URL sent as Basic auth), the default headers,
the cookies the target sets (kept for the document, as a browser would), and the
next request of a redirect (the method and body rules of requests, and
``Authorization`` plus every configured secret header dropped when the
redirect leaves the host, port or scheme). Nothing here reads the environment:
no proxy, no netrc.
"""

from __future__ import annotations

import base64
import http.client
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit

from harness.replay.transport import Connection, RequestState, TLSConnection, tls_context

__all__ = ["REDIRECT_CODES", "Session", "new_session"]

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_DEFAULT_HEADERS = (("User-Agent", "docharness"), ("Accept-Encoding", "identity"), ("Accept", "*/*"))
# a request target needing no requoting: what requests would send unchanged
_PLAIN_TARGET = re.compile(r"/[A-Za-z0-9\-._~!$&'()*+,;=:@/?]*")
_DOT_SEGMENT = re.compile(r"(?:^|/)\.\.?(?:/|$)")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_BODY_HEADERS = ("content-length", "content-type", "transfer-encoding")

Origin = tuple[str, str, int]


class BuildError(ValueError):
    """A URL or header that cannot go on the wire."""


class Session:
    """The connections (one per origin), cookies and redirect policy of one document.

    :param verify_tls: check HTTPS certificates.
    :param secret_headers: lower-case header names never forwarded to another host, port or scheme.
    """

    def __init__(self, verify_tls: bool = True, secret_headers: frozenset[str] = frozenset()) -> None:
        self.verify_tls = verify_tls
        self.secret_headers = secret_headers
        self._connections: dict[Origin, Connection] = {}
        self._jar: Any = None  # an http.cookiejar.CookieJar once the target set a cookie

    def close(self) -> None:
        """Close every connection (the next request opens a new one)."""
        for connection in self._connections.values():
            connection.close()

    def exchange(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None,
                 state: RequestState) -> tuple[Connection, http.client.HTTPResponse]:
        """Send one request and read its status line and headers; ``BuildError`` when it cannot be sent."""
        connection = self.send(method, url, headers, body, state)
        return connection, self.receive(connection, url)

    def send(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None,
             state: RequestState) -> Connection:
        """Put one request on the wire, its answer left for ``receive`` (http.client lets the answer be read
        later: the target works on it meanwhile); ``BuildError`` when it cannot be sent."""
        origin, target, auth = _split(url)
        connection = self._connection(origin)
        try:
            connection.begin(state)
            wire = self._headers(url, method, headers, body is not None, auth)
            try:
                connection.request(method, target, body, wire)
            except (ValueError, http.client.InvalidURL) as exc:
                if isinstance(exc, OSError):  # a certificate that does not verify is a ValueError too
                    raise
                raise BuildError(str(exc)) from exc
        except BaseException:
            connection.close()  # a request half sent: the socket cannot be reused
            raise
        return connection

    def receive(self, connection: Connection, url: str) -> http.client.HTTPResponse:
        """Read the status line and headers of the answer to the request ``send`` put on ``connection``."""
        try:
            response = connection.getresponse()
        except BaseException:
            connection.close()  # an answer half read: the socket cannot be reused
            raise
        connection.answered()
        if self._jar is not None or response.msg.get("Set-Cookie") is not None:
            self._keep_cookies(url, response)
        return response

    def _connection(self, origin: Origin) -> Connection:
        connection = self._connections.get(origin)
        if connection is None:
            scheme, host, port = origin
            connection = (TLSConnection(host, port, context=tls_context(self.verify_tls)) if scheme == "https"
                          else Connection(host, port))
            self._connections[origin] = connection
        return connection

    def _headers(self, url: str, method: str, given: Mapping[str, str], has_body: bool,
                 auth: str | None) -> dict[str, str]:
        """The headers sent: the defaults, then the request's own (a body's length is always computed)."""
        names = {k.lower() for k in given}
        wire = {k: v for k, v in _DEFAULT_HEADERS if k.lower() not in names}
        wire.update((k, v) for k, v in given.items() if not (has_body and k.lower() == "content-length"))
        if not has_body and method not in ("GET", "HEAD") and "content-length" not in names:
            wire["Content-Length"] = "0"  # what requests sends for a method other than GET or HEAD without a body
        if auth is not None:
            wire = {k: v for k, v in wire.items() if k.lower() != "authorization"}
            wire["Authorization"] = auth
        if self._jar is not None and "cookie" not in names:
            cookie = self._cookie_header(url)
            if cookie:
                wire["Cookie"] = cookie
        return wire

    def redirect(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None, status: int,
                 location: str) -> tuple[str, str, dict[str, str], bytes | None]:
        """The next request of a redirect, as requests builds it."""
        location = location.encode("latin-1", "replace").decode("utf-8", "replace")
        if location.startswith("//"):
            location = f"{urlsplit(url).scheme}:{location}"
        following = urljoin(url, requote(location)) if not urlsplit(location).netloc else requote(location)
        if (status in (302, 303) and method != "HEAD") or (status == 301 and method == "POST"):
            method = "GET"
        kept = dict(headers)
        if status not in (307, 308):
            kept = {k: v for k, v in kept.items() if k.lower() not in _BODY_HEADERS}
            body = None
        kept = {k: v for k, v in kept.items() if k.lower() != "cookie"}
        if strips_auth(url, following):
            dropped = self.secret_headers | {"authorization"}
            kept = {k: v for k, v in kept.items() if k.lower() not in dropped}
        return method, following, kept, body

    def _keep_cookies(self, url: str, response: http.client.HTTPResponse) -> None:
        import http.cookiejar
        import urllib.request

        if self._jar is None:
            self._jar = http.cookiejar.CookieJar()
        self._jar.extract_cookies(response, urllib.request.Request(url))

    def _cookie_header(self, url: str) -> str | None:
        import urllib.request

        request = urllib.request.Request(url)
        self._jar.add_cookie_header(request)
        return request.get_header("Cookie")


def new_session(verify_tls: bool, secret_headers: frozenset[str] = frozenset()) -> Session:
    """A session for one document.

    :param secret_headers: lower-case header names never forwarded to another host or port.
    """
    return Session(verify_tls, secret_headers)


_ORIGINS: dict[str, tuple[Origin, str | None]] = {}  # "scheme://authority" -> origin and Basic auth


def _split(url: str) -> tuple[Origin, str, str | None]:
    """The origin, the request target (path and query as requests would send them) and Basic auth."""
    scheme, sep, rest = url.partition("://")
    authority, slash, tail = rest.partition("/")
    if "?" in authority or "#" in authority:  # http://host?query: no path at all
        return _split(url.replace("?", "/?", 1) if "?" in authority else url.replace("#", "/#", 1))
    base = scheme + sep + authority
    if base not in _ORIGINS:
        _ORIGINS[base] = _origin(base)
    origin, auth = _ORIGINS[base]
    target = slash + tail.partition("#")[0] or "/"
    path, mark, query = target.partition("?")
    if not _PLAIN_TARGET.fullmatch(target) or _DOT_SEGMENT.search(path):
        target = requote(_without_dot_segments(path or "/") + mark + query)
    return origin, target, auth


def _origin(base: str) -> tuple[Origin, str | None]:
    """``scheme://authority`` as (scheme, host, port) and the Basic auth its credentials give."""
    try:
        parts = urlsplit(base)
    except ValueError as exc:  # an unclosed IPv6 bracket
        raise BuildError(str(exc)) from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise BuildError(f"no connection adapter for {base!r}: only http:// and https:// URLs")
    try:
        host, port = parts.hostname, parts.port
    except ValueError as exc:  # a port that is not a number
        raise BuildError(str(exc)) from exc
    if not host:
        raise BuildError(f"invalid URL {base!r}: no host")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise BuildError(f"invalid host name {host!r}") from exc
    auth = None
    if parts.username is not None:
        credentials = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode("latin-1", "replace")
        auth = "Basic " + base64.b64encode(credentials).decode("ascii")
    return (scheme, host, port or _DEFAULT_PORTS[scheme]), auth


def _without_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, as urllib3 normalises the paths requests sends."""
    if not _DOT_SEGMENT.search(path):
        return path
    out: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if len(out) > 1:
                out.pop()
        elif segment != ".":
            out.append(segment)
    if path.endswith(("/.", "/..")):
        out.append("")
    joined = "/".join(out)
    return joined if joined.startswith("/") else "/" + joined


def requote(uri: str) -> str:
    """``requests.utils.requote_uri``: unreserved escapes decoded, illegal characters quoted."""
    parts = uri.split("%")
    for i in range(1, len(parts)):
        pair = parts[i][:2]
        if len(pair) == 2 and pair.isalnum():
            try:
                char = chr(int(pair, 16))
            except ValueError:  # not an escape at all: quote every '%'
                return quote(uri, safe="!#$&'()*+,/:;=?@[]~")
            parts[i] = char + parts[i][2:] if char in _UNRESERVED else f"%{parts[i]}"
        else:
            parts[i] = f"%{parts[i]}"
    return quote("".join(parts), safe="!#$%&'()*+,/:;=?@[]~")


def strips_auth(old_url: str, new_url: str) -> bool:
    """requests' rule: credentials go no further when a redirect changes the host, or the port or
    scheme (an upgrade from http to https on the default ports keeps them)."""
    old, new = urlsplit(old_url), urlsplit(new_url)
    if old.hostname != new.hostname:
        return True
    if old.scheme == "http" and old.port in (80, None) and new.scheme == "https" and new.port in (443, None):
        return False
    default = (_DEFAULT_PORTS.get(old.scheme), None)
    if old.scheme == new.scheme and old.port in default and new.port in default:
        return False
    return old.port != new.port or old.scheme != new.scheme
