"""A planned request turned into exactly what goes on the wire.

Placeholders are filled from the configured variables; the Elasticsearch
family gets absolute paths (``_xpack/...`` -> ``/_xpack/...``) and
``error_trace=true`` unless the request sets ``error_trace`` itself, as that
framework's runner does; bodies get their content type (JSON, NDJSON with a
final newline, or text). A page's own headers go with its request, except the
ones the connection sets (``Host``, ``Content-Length``, ...) and the ones the run
configures as secrets: a page's example ``Authorization`` or ``X-Auth-Token`` never
replaces the configured credential, and a credential the page writes literally
(``Authorization: Basic ...``) is never sent. ``--dry-run`` prints these, so the plan shown
is the plan sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from harness.model import BodyKind, Request
from harness.parsers.source_lines import is_page_credential
from harness.replay.multipart import encode_multipart
from harness.replay.target import Target
from harness.replay.variables import Variables, normalize
from harness.results import FailureKind

__all__ = ["MissingVariables", "PrepareError", "Prepared", "UnreadableFile", "prepare"]

_CONTENT_TYPES = {
    BodyKind.JSON: "application/json",
    BodyKind.NDJSON: "application/x-ndjson",
    BodyKind.TEXT: "text/plain; charset=utf-8",
}


class PrepareError(Exception):
    """A request that cannot be built; ``kind`` is the failure the runner reports."""

    kind = FailureKind.INVALID_EXAMPLE


class UnreadableFile(PrepareError):
    """A file a multipart setup uploads cannot be read."""


@dataclass(frozen=True, slots=True)
class Prepared:
    """A request ready to send.

    :param method: upper-case method.
    :param url: the full URL.
    :param headers: every header sent, target defaults first.
    :param body: the encoded body, or ``None``.
    :param shown: what reports show instead of the body (a multipart upload's fields), or ``None``.
    """

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    shown: str | None = None

    @property
    def body_text(self) -> str | None:
        """The body as text, for the dry run and the exchange record."""
        if self.shown is not None:
            return self.shown
        return None if self.body is None else self.body.decode("utf-8", errors="replace")


class MissingVariables(PrepareError):
    """Placeholders with no value: not configured, or captured by a request that has not run.

    :param names: the placeholder names as written.
    :param captured: normalised names the document's CAPTUREs bind.
    """

    kind = FailureKind.MISSING_VARIABLE

    def __init__(self, names: list[str], captured: Iterable[str] = ()) -> None:
        self.names = names
        declared = set(captured)
        later = [n for n in names if normalize(n) in declared]
        self.only_captures = len(later) == len(names)  # every missing name is a capture not bound (yet)
        unset = [n for n in names if n not in later]
        parts = []
        if unset:
            keys = ", ".join(f'{n} = "..."' for n in unset)
            parts.append(f"no value for placeholder{'s' if len(unset) > 1 else ''} "
                         f"{', '.join('{' + n + '}' for n in unset)}; add {keys} under [variables] in "
                         "docharness.toml, or pass --var NAME=VALUE")
        if later:
            parts.append(f"{', '.join('{' + n + '}' for n in later)} is captured by a CAPTURE of this document "
                         "that has not bound it (its request failed, or comes later in the page)")
        super().__init__("; ".join(parts))


def prepare(request: Request, target: Target, *, family: str, variables: Variables,
            body_variables: Iterable[str] = (), source_headers: bool = True) -> Prepared:
    """The wire form of ``request`` for ``target``; ``MissingVariables`` when a placeholder has no value.

    :param source_headers: send the source's own headers too (not for the target's reset steps).
    """
    path = request.path
    parts = urlsplit(path) if "://" in path else None
    if parts is not None and parts.scheme in ("http", "https"):  # a page's full URL: its path goes to the target
        path = parts.path + (f"?{parts.query}" if parts.query else "")
    path, missing = variables.fill(path)
    if family == "elasticsearch":
        # the runner sends an unfilled {name} as text, escaping <>{}| in the path (reference §5.5);
        # only a placeholder the page itself declares must have a value
        missing = [name for name in missing if name in body_variables]
        path = _escape_path(path)
    headers = list(target.headers)
    for name, value in target.source_headers if source_headers else ():
        headers = [(k, v) for k, v in headers if k.lower() != name.lower()] + [(name, value)]
    for name, value in request.headers:
        if name.lower() in _TRANSPORT or name.lower() in target.secret_headers:
            continue  # the connection's own, or an example credential where the run has a real one
        if is_page_credential(name, value):
            continue  # a credential written on the page is an example: only the run's own are sent (warned)
        filled, more = variables.fill(value)
        missing += more
        headers = [(k, v) for k, v in headers if k.lower() != name.lower()] + [(name, filled)]
    body_text = request.body
    body_variables = tuple(body_variables)
    if body_text is not None and body_variables:
        body_text, more = variables.fill(body_text, only=body_variables)
        missing += more
    if missing:
        raise MissingVariables(list(dict.fromkeys(missing)))
    if family == "elasticsearch":
        path = _with_error_trace(path)
    url = target.url + "/" + path.lstrip("/")
    if request.multipart:
        try:
            form, content_type, shown = encode_multipart(request.multipart)
        except OSError as exc:
            raise UnreadableFile(f"cannot read the file to upload: {exc}") from exc
        headers = [(k, v) for k, v in headers if k.lower() != "content-type"] + [("Content-Type", content_type)]
        return Prepared(method=request.method.upper(), url=url, headers=tuple(headers), body=form, shown=shown)
    body = _encode(body_text, request.body_kind)
    if body is not None and not any(k.lower() == "content-type" for k, _ in headers):
        headers.append(("Content-Type", _CONTENT_TYPES.get(request.body_kind, _CONTENT_TYPES[BodyKind.JSON])))
    return Prepared(method=request.method.upper(), url=url, headers=tuple(headers), body=body)


# headers of a page's HTTP-message example the connection sets itself: the page's Host names the
# documentation's example server, its Content-Length the example's body, not the target's request
_TRANSPORT = frozenset({"host", "content-length", "transfer-encoding", "connection"})
_PATH_ESCAPES = {ord(c): f"%{ord(c):02X}" for c in "<>{}|"}


def _escape_path(path: str) -> str:
    """What Elasticsearch's generator escapes in a request path before the query: ``< > { } |``."""
    base, mark, query = path.partition("?")
    return base.translate(_PATH_ESCAPES) + mark + query


def _with_error_trace(path: str) -> str:
    """``error_trace=true`` is added unless the request sets ``error_trace`` (reference spec §9.1).

    The runner's client builds the URL from the path and the query parameters apart: a ``#`` in the path
    starts a fragment, which is never sent, and one in a query value is part of the value (``%23``).
    """
    base, _, query = path.partition("?")
    base = base.partition("#")[0]
    query = _runner_query(query)
    if "error_trace" in query and any(name == "error_trace" for name, _ in parse_qsl(query, keep_blank_values=True)):
        return path
    return f"{base}?{query + '&' if query else ''}error_trace=true"


_AS_TEXT = str.maketrans({"%": "%25", "+": "%2B", "#": "%23"})


def _runner_query(query: str) -> str:
    """The query string as Elasticsearch's docs runner sends it (reference §5.5): the generator reads it up to
    the next ``?``, splits it on ``&`` and each parameter on ``=`` (empty tokens dropped, two kept), and the
    runner's HTTP client encodes each name and value; so a ``%``, ``+`` or ``#`` the page wrote reaches the
    server as that character (sent raw, a ``+`` is a space to the server and ``%41`` an ``A``). A parameter
    is kept as written otherwise, so the URL a report shows is the page's."""
    if not query or not any(c in query for c in "%+#?=&"):
        return query
    query = next((part for part in query.split("?") if part), "")
    params = []
    for param in query.split("&"):
        tokens = [token for token in param.split("=") if token]
        if not tokens:
            continue
        name = tokens[0].translate(_AS_TEXT)
        if len(tokens) > 1:
            params.append(f"{name}={tokens[1].translate(_AS_TEXT)}")
        else:
            params.append(f"{name}=" if "=" in param else name)
    return "&".join(params)


def _encode(body: str | None, kind: BodyKind) -> bytes | None:
    if body is None:
        return None
    if kind is BodyKind.NDJSON and not body.endswith("\n"):
        body += "\n"  # the bulk API needs the final newline
    return body.encode("utf-8")
