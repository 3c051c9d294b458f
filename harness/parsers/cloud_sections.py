"""The sections of a cloud-style page, and the request line they document.

Splits a page outline into sections by heading (an unknown sub-heading inherits
its parent's kind) and reads ``METHOD target`` lines, turning full URLs such as
``https://{Endpoint}/v1.0/{project_id}/jobs`` into the path the template uses.
"""

from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass, field

from harness.model import Span
from harness.parsers.page import Block, Heading, Text

__all__ = ["Kind", "Section", "RequestLine", "find_request_line", "is_none", "labelled_request",
           "request_line_indices", "refers_elsewhere",
           "split_target", "placeholders", "section_kind", "split_sections", "status_label"]

# a method (any case, as pages write it), the target, maybe broken by stray spaces, maybe "HTTP/1.1"
_REQUEST_LINE = re.compile(
    r"^[ \t]*(?:(?:request[ \t]*)?(?:url|uri|line)?[ \t]*[:：][ \t]*)?"  # "Request URL: POST https://..."
    r"(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)[ \t]+(\S[^\n]*?)(?:[ \t]+HTTP/[\d.]+)?[ \t]*$", re.M | re.I)
# a full URL alone on its line: the method comes from the page's URI section
_BARE_URL = re.compile(r"^[ \t]*(?:(?:request[ \t]*)?(?:url|uri)[ \t]*[:：][ \t]*)?"
                       r"((?:https?://|\{[\w-]*endpoint[\w-]*\}/)\S*)[ \t]*$", re.M | re.I)
# the "Method: POST" / "PATH: /v1/{project_id}/jobs" form of URI sections
_METHOD_LABEL = re.compile(r"^[ \t]*(?:request[ \t]+|http[ \t]+)?method[ \t]*[:：][ \t]*([A-Za-z]+)[ \t]*$", re.M | re.I)
_PATH_LABEL = re.compile(r"^[ \t]*(?:request[ \t]+)?(?:path|uri|url)[ \t]*[:：][ \t]*(\S+)[ \t]*$", re.M | re.I)
_SCHEME_HOST = re.compile(r"^(?:[A-Za-z][\w+.-]*://)?(?P<host>[^/?#]*)(?P<rest>[/?#].*)?$")
# "Status code: 404", "HTTP status code 204", "(status code 202)", "Status Code 201 Created"
_STATUS_LABEL = re.compile(r"(?:^\s*|[(\[,;:–-]\s*)(?:http\s+)?status\s+code\s*[:：]?\s*(\d{3})\b", re.I)
_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
_LABEL_WORDS = 14  # longer text is prose that mentions a status, not a label
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w.\-]*)\}")


class Kind(enum.Enum):
    """What a page section is about, judged from its heading."""

    FUNCTION = "function"
    URI = "uri"
    REQUEST = "request"
    RESPONSE = "response"
    EXAMPLE_REQUEST = "example-request"
    EXAMPLE_RESPONSE = "example-response"
    STATUS = "status"
    OTHER = "other"


# "Example normal response", "Failed sample response", "Successful example request"
_QUALIFIER = r"((successful|success|failed|failure|normal|abnormal|error|exception|correct) )?"
# (pattern on the lower-cased heading, kind), first match wins: "example request"
# must be tried before "request"
_KINDS: tuple[tuple[re.Pattern[str], Kind], ...] = tuple((re.compile(p), k) for p, k in (
    (rf"^{_QUALIFIER}(example|sample)s? (of )?{_QUALIFIER}(url )?requests?\b|^requests? (examples?|samples?)\b",
     Kind.EXAMPLE_REQUEST),
    (rf"^{_QUALIFIER}(example|sample)s? (of )?{_QUALIFIER}(http )?responses?\b|^responses? (examples?|samples?)\b"
     r"|^responses? (to|for|of) (the )?(example|sample|request)s?\b", Kind.EXAMPLE_RESPONSE),
    (r"^(examples?|samples?)$", Kind.EXAMPLE_REQUEST),
    (r"^status codes?\b|^returned values?\b|^http status", Kind.STATUS),
    (r"^(function|description|api description|functions)\b", Kind.FUNCTION),
    (r"^(uri|url|request uri|request url|uri format|path)\b", Kind.URI),
    (r"^requests?\b", Kind.REQUEST),
    (r"^responses?\b", Kind.RESPONSE),
))


_LABEL_KINDS = (Kind.EXAMPLE_REQUEST, Kind.EXAMPLE_RESPONSE, Kind.URI)
# "Example: Query the alarm rule quota." over a request block (one naming a response is that response's)
_LEADING_LABEL = re.compile(r"^\s*(?:examples?|samples?)\s*:\s(?!.*\bresponses?\b)", re.I)
_EXAMPLE_KINDS = {Kind.REQUEST: Kind.EXAMPLE_REQUEST, Kind.RESPONSE: Kind.EXAMPLE_RESPONSE,
                  Kind.EXAMPLE_REQUEST: Kind.EXAMPLE_REQUEST, Kind.EXAMPLE_RESPONSE: Kind.EXAMPLE_RESPONSE}
_LABEL_LEVEL = 99
_BARE_LABELS = {"request": Kind.EXAMPLE_REQUEST, "request body": Kind.EXAMPLE_REQUEST,
                "response": Kind.EXAMPLE_RESPONSE, "response body": Kind.EXAMPLE_RESPONSE}


def status_label(text: str) -> int | None:
    """The NNN of a ``Status code: NNN`` label, or ``None``."""
    if text.isascii() and "status" not in text.lower():  # most text: in ASCII text re.I finds "status" only so
        return None
    if len(text.split()) > _LABEL_WORDS:
        return None
    found = _STATUS_LABEL.search(text)
    return int(found[1]) if found else None


@functools.lru_cache(maxsize=4096)  # pages share their headings: "URI", "Example Request", "Status code: 200"
def section_kind(title: str) -> Kind:
    """Classify a section heading (``Example Requests`` -> EXAMPLE_REQUEST)."""
    if status_label(title) is not None and _STATUS_LABEL.match(title.strip()):
        # "Status code: 200" sub-headings belong to their parent
        return Kind.OTHER
    path_label = _PATH_LABEL.search(title)
    if path_label is not None and _target(path_label[1]) is not None:
        return Kind.OTHER  # "PATH: /v1/{project_id}/jobs" is a request line, not a heading
    lowered = " ".join(title.lower().replace(":", " ").split())
    return next((kind for pattern, kind in _KINDS if pattern.search(lowered)), Kind.OTHER)


@dataclass(slots=True)
class Section:
    """A run of blocks under one heading, with the kind the cloud rules give it."""

    kind: Kind
    heading: Heading | None
    blocks: list[Block] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RequestLine:
    """A ``METHOD target`` line: the target as written and the path the template uses."""

    method: str
    target: str
    path: str
    span: Span


def split_target(target: str) -> str:
    """The path and query of a request target, without scheme and host.

    ``https://{Endpoint}/v1.0/{project_id}/jobs`` and ``{endpoint}/v1/x`` lose their
    host; ``/v1/x`` and ``_xpack/x`` stay as written.
    """
    if target.startswith("/"):
        return target
    found = _SCHEME_HOST.match(target)
    host = found["host"] if found else ""
    if found and ("://" in target or host.startswith("{") or "." in host or ":" in host):
        return found["rest"] or "/"
    return target


def placeholders(text: str) -> tuple[str, ...]:
    """The ``{name}`` placeholders in ``text``, as written, first occurrence first."""
    return tuple(dict.fromkeys(_PLACEHOLDER.findall(text)))


_INVISIBLE = {ord(c): None for c in "\u200b\u200c\u200d\u2060\ufeff"}
# a host placeholder written with spaces ("https://{Cloud Eye endpoint}/V1.0/x"): one piece of the target
_SPACED_HOST = re.compile(r"^((?:[A-Za-z][\w+.-]*://)?\{)([A-Za-z][\w .-]*?)(\}/)")
_WRAPPERS = {("'", "'"), ('"', '"'), ("<", ">"), ("`", "`")}


def _target(text: str) -> str | None:
    """The request target of ``text`` with stray spaces closed up, or ``None`` when it is prose.

    ``https://host/v3/x/instances/ 49b9/switch`` is one target: every piece after the
    first continues a path (it holds a ``/`` or follows one, or is a ``?&=`` part).
    """
    text = text.translate(_INVISIBLE).strip().rstrip("\\").strip()  # a zero-width space, a shell "\\"
    if len(text) > 2 and (text[0], text[-1]) in _WRAPPERS:  # 'https://...', "...", <...>, `...`
        text = text[1:-1].strip()
    text = _SPACED_HOST.sub(lambda found: found[1] + "_".join(found[2].split()) + found[3], text, count=1)
    pieces = text.split()
    if not pieces:
        return None
    first = pieces[0]
    if not first.startswith(("/", "{", "?")) and "://" not in first and "/" not in first:
        return None
    for before, piece in zip(pieces, pieces[1:]):
        if "/" not in piece and not piece.startswith(("?", "&", "=")) and not before.endswith(("/", "?", "&", "=")):
            return None
    return "".join(pieces)


def find_request_line(text: str, span: Span, bare: bool = False) -> RequestLine | None:
    """The first ``METHOD target`` line in ``text`` (a paragraph or code block starting at ``span``).

    :param bare: also take a full URL alone on its line (method ``""``: the caller completes it).
    """
    for found in _REQUEST_LINE.finditer(text):
        target = _target(found[2])
        if target is not None:
            line = span.line + text.count("\n", 0, found.start(1))
            return RequestLine(found[1].upper(), target, split_target(target), Span(span.path, line))
    found_url = _BARE_URL.search(text) if bare else None
    if found_url is not None:
        line = span.line + text.count("\n", 0, found_url.start(1))
        return RequestLine("", found_url[1], split_target(found_url[1]), Span(span.path, line))
    return None


# where a line can start a request line or a bare URL: its first character after spaces and tabs is
# that of "request", "url", "uri", "line", ":", a method, "http" or "{" (compiled like the patterns,
# with re.I, so every character they take case-insensitively is taken here too)
_REQUEST_LINE_START = re.compile(r"\n[ \t]*[rulgpdho:：{]", re.I)


def request_line_indices(lines: list[str]) -> list[int]:
    """The indices of the ``lines`` (none holding a newline) that ``find_request_line(line, span, bare=True)``
    finds a request line in: a ``METHOD target`` line or a full URL alone on its line.

    Both patterns match from a line's start only (``^`` and ``$`` are line anchors, no part crosses a
    newline), so one search of the joined block for the lines that may start one (a literal newline
    first: quick to look for), then the patterns tried at those lines only; most lines of a request block
    are its body's, which start with a quote or a bracket.
    """
    text = "\n" + "\n".join(lines)
    found: list[int] = []
    index, position = -1, 0  # the line at ``position`` (text's first newline opens line 0)
    for candidate in _REQUEST_LINE_START.finditer(text):
        start = candidate.start()
        index += text.count("\n", position, start + 1)
        position = start + 1
        request = _REQUEST_LINE.match(text, position)
        if request is not None and _target(request[2]) is not None or _BARE_URL.match(text, position):
            found.append(index)
    return found


def labelled_request(parts: list[tuple[str, Span]]) -> RequestLine | None:
    """A request written as ``Method: POST`` and ``PATH: /v1/...`` lines (in one block or in several)."""
    method = path = None
    for text, span in parts:
        if method is None and (found := _METHOD_LABEL.search(text)) and found[1].upper() in _METHODS:
            method = found[1].upper()
        if path is None and (found := _PATH_LABEL.search(text)) and _target(found[1]) is not None:
            path = (found[1], Span(span.path, span.line + text.count("\n", 0, found.start(1))))
    if method is None or path is None:
        return None
    return RequestLine(method, path[0], split_target(path[0]), path[1])


def _label_kind(text: Text, enclosing: Kind) -> Kind | None:
    """The kind of a paragraph used as a heading (``**Example request**``, ``Response:``), or ``None``.

    Inside an example section a bare ``Request:`` / ``Response:`` switches between the
    example's request and its response.
    """
    words = text.text.split()
    if len(words) > 8:
        return None
    kind = section_kind(text.text)
    leading = _LEADING_LABEL.match(text.text) is not None
    if leading and kind is Kind.OTHER:
        kind = Kind.EXAMPLE_REQUEST
    labelled = text.strong or text.text.rstrip().endswith(":") or leading
    near_examples = enclosing in (Kind.EXAMPLE_REQUEST, Kind.EXAMPLE_RESPONSE, Kind.REQUEST, Kind.RESPONSE)
    if kind in (Kind.EXAMPLE_REQUEST, Kind.EXAMPLE_RESPONSE) and (near_examples or labelled or len(words) <= 3):
        return kind  # "Example request 2: ...", "Response to example 2 (status code 400)"
    if not (labelled or len(words) <= 3):
        return None
    bare = text.text.strip().rstrip(":").strip().lower()
    if bare in _BARE_LABELS and (enclosing in (Kind.EXAMPLE_REQUEST, Kind.EXAMPLE_RESPONSE) or
                                 enclosing in (Kind.OTHER, Kind.REQUEST, Kind.RESPONSE) and labelled):
        # "**Request**" / "Response:" in an example, a walk-through step, or after a parameters section
        return _BARE_LABELS[bare]
    if enclosing in (Kind.EXAMPLE_REQUEST, Kind.EXAMPLE_RESPONSE):
        mentions = {k for word, k in _MENTIONS if word.search(bare)}
        if len(mentions) == 1 and labelled:  # "The response is as follows:" inside a "Samples" section
            return mentions.pop()
    return kind if kind in _LABEL_KINDS else None


_MENTIONS = ((re.compile(r"\bresponses?\b"), Kind.EXAMPLE_RESPONSE), (re.compile(r"\brequests?\b"), Kind.EXAMPLE_REQUEST))


def split_sections(blocks: list[Block]) -> list[Section]:
    """Group blocks under their headings; an unknown sub-heading inherits its parent's kind."""
    sections = [Section(Kind.OTHER, None)]
    stack: list[tuple[int, Kind]] = []
    for block in blocks:
        label = _label_kind(block, sections[-1].kind) if isinstance(block, Text) else None
        if label is not None and isinstance(block, Text):
            while stack and stack[-1][0] >= _LABEL_LEVEL:
                stack.pop()
            stack.append((_LABEL_LEVEL, label))
            sections.append(Section(label, Heading(block.text, _LABEL_LEVEL, block.span)))
            continue
        if not isinstance(block, Heading):
            sections[-1].blocks.append(block)
            continue
        while stack and stack[-1][0] >= block.level:
            stack.pop()
        kind = section_kind(block.title)
        if kind is Kind.OTHER and stack:
            kind = stack[-1][1]
        elif stack and stack[-1][1] in _EXAMPLE_KINDS and kind in _EXAMPLE_KINDS:
            kind = _EXAMPLE_KINDS[kind]  # "Request 1" / "Response body" under "Example Requests" is an example
        stack.append((block.level, kind))
        sections.append(Section(kind, block))
    return sections


_NONE = {"none", "n/a", "na", "null", "not applicable", "not involved", "-"}
# "See Responses (Task).", "For details, see Status Codes": a pointer to another documented topic
_ELSEWHERE = re.compile(r"\b(?:[Ss]ee|[Rr]efer to|described in|[Ss]ame as)\s+(?:the\s+)?[\"“:`]?[A-Z]")


def is_none(text: str) -> bool:
    return " ".join(text.lower().split()).rstrip(".") in _NONE


def refers_elsewhere(text: str) -> bool:
    """Whether the text points the reader at another documented topic for the example."""
    return bool(_ELSEWHERE.search(" ".join(text.split())))
