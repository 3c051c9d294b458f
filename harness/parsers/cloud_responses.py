"""The example responses of a cloud page, and which request each one answers.

A response block belongs to the status and label the page states for it: a
"Status code: 404" heading or paragraph, "HTTP status code 204", a list label such as
"Example response 2 (status code 202)", "Successful sample response" / "Failed
sample response", "Example normal/abnormal response", "Response to example 2". A
label followed by no code block still documents a status ("Success response / HTTP
status code 204"): it becomes a response with no body.

Which request each response answers is decided in ``harness.parsers.cloud_pairing``.
An error-shaped body (``{"error": ...}``, ``error_code`` / ``error_msg``) with no
status is a failure, never paired with an ordinary request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from harness.model import BodyKind, Diagnostic, ExpectedResponse, Level, MatchPolicy, Operation, Span
from harness.parsers.cloud_requests import body_label_lines, read_body
from harness.parsers.console import json_value
from harness.parsers.directives import ResponseArgs
from harness.parsers.cloud_sections import Kind, Section, is_none, refers_elsewhere, section_kind, status_label
from harness.parsers.cloud_tables import RESPONSE_HEADER, response_fields
from harness.parsers.lenient_json import quote_stash_tokens
from harness.parsers.page import Code, Table, Text
from harness.parsers.substitutions import apply_substitutions

__all__ = ["Header", "Label", "Response", "ResponseState", "default_status", "expected_response", "expected_responses",
           "header_lines", "label_of", "is_success", "missing_example", "status_line"]

Header = tuple[str, str, int]  # a documented response header: name, value, its page line (0: unknown)
_NUMBER = re.compile(r"\b(?:example|request|response|sample)s?\s*(?:no\.?\s*|#\s*)?(\d{1,2})\b", re.I)
# the qualifier must sit next to the label's noun: "Failed sample request", "Example normal response",
# "Response (failure)"; "Querying failed tasks" is a request that succeeds
_NOUN = r"(?:request|response|example|sample|result|call)s?"
_QUALIFIED = r"\b({words})\s+(?:(?:sample|example|http)\s+)*{noun}\b|\b{noun}\s*[(:,-]?\s*\(?({words})\b"
_SUCCESS = re.compile(_QUALIFIED.format(words=r"success|successful|normal|correct", noun=_NOUN), re.I)
_FAILURE = re.compile(_QUALIFIED.format(words=r"fail|failed|failure|error|abnormal|exception|invalid",
                                        noun=_NOUN), re.I)
_BARE = re.compile(r"^\W*(success(ful)?|normal|fail(ed|ure)?|error|abnormal)\W*$", re.I)
_ERROR_KEYS = {"error", "error_code", "error_msg", "errorCode", "errorMsg", "error_message", "errorMessage"}
_LABEL_WORDS = 12


@dataclass(frozen=True, slots=True)
class Label:
    """What a label says about the examples under it: their number and success or failure."""

    number: int | None = None
    success: bool | None = None
    status: int | None = None  # the error status it expects (``TEST[catch:conflict]``: 409)
    caught: bool = False  # a failure only by its ``TEST[catch:...]``: a page with no error response pairs it as usual


def label_of(text: str) -> Label:
    """The number and success/failure a short label states (``Example request 2 (failed)``).

    The patterns, case-insensitive, are tried at every position: in ASCII text (where ``re.I`` matches
    exactly what ``lower()`` gives) only those whose words the text holds are run, most texts holding none.
    """
    text = " ".join(text.split()[:_LABEL_WORDS])  # a long label says what it is in its first words
    if text.isascii():
        lowered = text.lower()
        numbered = "example" in lowered or "request" in lowered or "response" in lowered or "sample" in lowered
        failing = "fail" in lowered or "error" in lowered or "abnormal" in lowered or "exception" in lowered or \
            "invalid" in lowered
        succeeding = "success" in lowered or "normal" in lowered or "correct" in lowered
    else:
        numbered = failing = succeeding = True
    number = _NUMBER.search(text) if numbered else None
    success: bool | None = None
    bare = _BARE.match(text) if failing or succeeding else None
    if failing and _FAILURE.search(text) or bare and re.match(r"\W*(fail|error|abnormal)", text, re.I):
        success = False
    elif succeeding and _SUCCESS.search(text) or bare:
        success = True
    return Label(int(number[1]) if number else None, success)


@dataclass(slots=True)
class Response:
    """One documented response: its block (or ``empty`` for "None" / a status with no body)."""

    span: Span
    source: str
    status: int | None
    success: bool | None
    number: int | None = None
    args: ResponseArgs = field(default_factory=ResponseArgs)
    empty: bool = False
    content_line: int = 0
    headers: tuple[Header, ...] = ()  # the response headers the page shows with it, each with its line
    group: int = 0  # responses of one group follow one lead-in (a heading, a label, a sentence ending in ":")


def _error_shaped(source: str) -> bool:
    try:
        value: Any = json_value(source)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the JSON reader goes
        return False
    return isinstance(value, dict) and 0 < len(value) <= 3 and any(
        value.get(key) not in (None, "") for key in _ERROR_KEYS)


def _json_body(text: str) -> bool:
    try:
        return isinstance(json_value(text), (dict, list))
    except (ValueError, RecursionError):
        return False


def inline_responses(section: Section, state: ResponseState) -> list[Response]:
    """The responses a "Response(s)" section writes as a paragraph of JSON ("{}") with no code block."""
    if section.kind is not Kind.RESPONSE or any(isinstance(b, Code) for b in section.blocks):
        return []
    return [Response(b.span, b.text, state.status, state.success, content_line=b.span.line, group=state.group)
            for b in section.blocks if isinstance(b, Text) and _json_body(b.text)]


def missing_example(section: Section) -> Diagnostic | None:
    """The warning for an example section with no code block, no "None" and no pointer to another page; a
    table there holds no JSON body either (a response written in a cell is read: ``ResponseState.table``)."""
    if section.heading is None or section.heading.level >= 7:
        return None
    if any(isinstance(b, Text) and refers_elsewhere(b.text) for b in section.blocks):
        return None
    tables = [b for b in section.blocks if isinstance(b, Table)]
    if any(_json_body(c.text) for t in tables for row in (t.header, *t.rows) for c in row):  # a request's
        return Diagnostic(Level.WARNING, "example-without-code", f"the section {section.heading.title!r} shows its "
                          "example in a table cell, not a code block: it is not tested", section.heading.span,
                          hint="put the example in a code block")
    return Diagnostic(
        Level.WARNING, "example-without-code", f"the section {section.heading.title!r} has no code block"
        + (", and no table cell in it holds a JSON body" if tables else ""), section.heading.span,
        hint="put the example in a code block, or write 'None' if there is none")


_STATUS_LINE = re.compile(r"^\s*HTTP/\d(?:\.\d)?\s+(\d{3})\b[^\n]*\n?")
_HEADER_LINE = re.compile(r"^[A-Za-z][\w-]*:[ \t]*\S[^\n]*$")


# a response block that only names its status ("STATUS CODE 204", "Http Response Code: 204"): no body
_STATUS_ALONE = re.compile(
    r"^\s*(?:http\s+)?(?:status|response)(?:\s+code)?\s*[:：]?\s*(\d{3})(?:\s+[A-Za-z][A-Za-z ]*)?\s*$", re.I)


def status_line(text: str) -> tuple[int | None, str, int]:
    """A response block that starts ``HTTP/1.1 201 Created`` (then headers): the status, the body, lines skipped.

    A block that only names its status (``STATUS CODE 204``) has that status and no body, and one that says
    ``none`` (not JSON ``null``) has no body.
    """
    alone = _STATUS_ALONE.match(text)
    if alone is not None:
        return int(alone[1]), "", 0
    found = _STATUS_LINE.match(text)
    if found is None:
        return None, "" if is_none(text) and text.strip().lower() != "null" else text, 0
    lines = text[found.end():].split("\n")
    index = 0
    while index < len(lines) and _HEADER_LINE.match(lines[index].strip()):
        index += 1
    while index < len(lines) and not lines[index].strip():
        index += 1
    return int(found[1]), "\n".join(lines[index:]), text.count("\n", 0, found.end()) + index


def status_only(text: str) -> int | None:
    """The status of a block holding nothing but a status line (``HTTP/1.1 200``, ``STATUS CODE 204``): the
    response's body, when the page shows one, is the next block's."""
    status, source, _ = status_line(text)
    if status is None or source.strip() or header_lines(text):
        return None
    return status


def header_lines(text: str, first_line: int = 0) -> tuple[Header, ...]:
    """The ``Name: value`` lines of a response block after its ``HTTP/1.1 201 Created`` line (or of a block of
    headers only), up to the body: the response headers the page documents, each with its page line
    (``first_line``: the block's first content line; ``0``, unknown, gives ``0``)."""
    found = _STATUS_LINE.match(text)
    skipped = text.count("\n", 0, found.end()) if found else 0
    lines = text[found.end():].split("\n") if found else text.split("\n")
    headers: list[Header] = []
    for index, line in enumerate(lines):
        if not _HEADER_LINE.match(line.strip()):
            break
        name, _, value = line.strip().partition(":")
        headers.append((name.strip(), value.strip(), first_line + skipped + index if first_line else 0))
    return tuple(headers)


def is_success(response: Response) -> bool:
    """A 2xx status; with none stated, a label that does not say failure and a body that is not an error."""
    if response.status is not None:
        return 200 <= response.status < 300
    return response.success is not False and not _error_shaped(response.source)


@dataclass(slots=True)
class ResponseState:
    """The status, success and number in force while reading example-response blocks.

    ``stated`` is the status a label gave and no block has used yet: flushed as a
    bodiless response when the next label starts or the responses end.
    """

    status: int | None = None
    success: bool | None = None
    number: int | None = None
    stated: Span | None = None
    pending: tuple[Header, ...] = ()  # a block of response headers shown before its response
    start: int = 0  # where the responses under the current heading start
    # a block was read under the status in force: a label naming another example response ("Example response
    # for X") ends that status, which was the earlier block's (a "Status code: 400" shown in the first example's
    # item does not make the next example an error)
    used: bool = False
    group: int = 0  # the lead-ins read so far (``lead_in``)

    def shown(self, headers: tuple[Header, ...]) -> None:
        """A block of response headers ("X-Subject-Token: ..."): the next response's, else the last one's."""
        self.pending = (*self.pending, *headers)

    def status_label(self, status: int, span: Span, label: Label, out: list[Response]) -> None:
        self.flush(out)
        self.status, self.stated, self.used = status, span, False
        self.number = label.number  # a new status starts a new group: an earlier number does not carry over
        if label.success is not None:
            self.success = label.success

    def label(self, label: Label, span: Span, out: list[Response]) -> None:
        """A success/failure or numbered label with no status of its own.

        A label that agrees with the status in force ("Status code: 200" then "Normal
        response to the GET operation") only describes it.
        """
        implied = self.success if self.status is None else 200 <= self.status < 300
        if label.success in (None, implied) and label.number in (None, self.number):
            self.success = label.success if label.success is not None else self.success
            return
        if self.stated is not None and self.number is None and label.success in (None, implied):
            self.number = label.number  # "Status code: 200" then "Response to example 2": the status is its
            return
        self.flush(out)
        if label.success is not None:
            if self.status is not None and (200 <= self.status < 300) != label.success:
                self.status = None  # "Failure response" after "Status code: 200": a new status follows
            self.success = label.success
        if label.number is not None:
            self.number = label.number
        self.stated = span if self.status is not None else None

    def lead_in(self, text: str, heading: bool) -> None:
        """A heading, a label or a sentence introducing what follows ("The response is as follows:") starts a
        new group of responses; other prose ("JSON format") does not: blocks after it are shown side by side."""
        label = label_of(text) if not heading else Label()
        if heading or text.rstrip().endswith((":", "：")) or status_label(text) is not None or \
                label.success is not None or label.number is not None or section_kind(text) is Kind.EXAMPLE_RESPONSE:
            self.group += 1

    def add(self, response: Response, out: list[Response]) -> None:
        response.group = self.group
        if self.pending:
            response.headers, self.pending = (*self.pending, *response.headers), ()
        out.append(response)
        self.stated = None
        self.used = True

    def table(self, table: Table) -> list[Response]:
        """The responses a page writes in table cells instead of a code block: a cell holding a JSON object or
        list, with the status code written in a cell of the same row, else the status in force."""
        found: list[Response] = []
        for row in (table.header, *table.rows):
            if len(row) > 3:  # a parameter table (name, type, description, example ...), not a response
                continue
            bodies = [c.text.strip() for c in row if c.text.strip()[:1] in ("{", "[") and _json_body(c.text)]
            codes = [int(c.text) for c in row if re.fullmatch(r"\s*[1-5]\d\d\s*", c.text)]
            if bodies:
                status = codes[0] if codes else self.status
                found.append(Response(table.span, bodies[0], status, self.success, self.number,
                                      content_line=table.span.line, group=self.group))
                self.stated = None
        return found

    def flush(self, out: list[Response]) -> None:
        if self.stated is not None and self.status is not None:
            out.append(Response(self.stated, "", self.status, self.success, self.number, empty=True, group=self.group))
        self.stated = None

    def reset(self, out: list[Response]) -> None:
        self.flush(out)
        if self.pending and len(out) > self.start:  # the body (or a stated bodiless answer) first, then its headers
            out[-1].headers, self.pending = out[-1].headers + self.pending, ()
        # else a "Response Header" heading of their own: they are the next response's ("Response Body")
        self.start = len(out)
        self.status = self.success = self.number = None


_FILE_TYPES = {"file", "binary", "stream", "file stream", "byte stream", "blob"}
_FILE_SKIP = ("the page documents a file download (response type File): the example shows a stand-in for the file, "
              "so only the status is checked")


def expected_responses(responses: list[Response], operation: Operation | None, path: str,
                       diagnostics: list[Diagnostic]) -> tuple[dict[int, ExpectedResponse], tuple[int | None, int | None]]:
    """Every response read once (by ``id``), and the table's default success and failure statuses.

    When the response table documents a file (its only fields typed ``File``), a success example's
    body is a stand-in (a file name, ``"chart-file.tgz"``): it is shown, never compared.
    """
    defaults = default_status(operation), default_status(operation, success=False)
    fields = response_fields(operation)
    download = bool(fields) and all(f.type.strip().lower() in _FILE_TYPES for f in fields)
    # a "Response header parameters" table: headers every success answer carries (unless marked optional)
    tabled = [f.name for f in response_fields(operation, RESPONSE_HEADER) if f.required is not False]
    built = {}
    for response in responses:
        expected = expected_response(response, defaults, path, diagnostics)
        if download and is_success(response) and expected.body_kind is not BodyKind.NONE and expected.skip is None:
            expected = replace(expected, skip=_FILE_SKIP)
        shown = {name.lower() for name, _ in expected.headers}
        if tabled and is_success(response) and (expected.status is None or 200 <= expected.status < 300):
            added = tuple((n, "") for n in tabled if n.lower() not in shown)
            lines = (*expected.header_lines, *(0 for _ in added)) if expected.header_lines else ()
            expected = replace(expected, headers=(*expected.headers, *added), header_lines=lines)
        built[id(response)] = expected
    return built, defaults


_NO_CONTENT = frozenset({204, 205, 304})  # statuses whose response has no body (RFC 9110)


def default_status(operation: Operation | None, success: bool = True) -> int | None:
    """The single 2xx (or single error status) of the status-code table, when there is exactly one."""
    codes = {s.code for s in operation.status_codes if (200 <= s.code < 300) == success} if operation else set()
    return codes.pop() if len(codes) == 1 else None


def expected_response(response: Response, defaults: tuple[int | None, int | None], path: str,
              diagnostics: list[Diagnostic]) -> ExpectedResponse:
    """The expected response; with no status of its own, the table's single success (or error) status."""
    status = response.status if response.status is not None else defaults[0 if is_success(response) else 1]
    if response.empty:
        return ExpectedResponse("", None, BodyKind.NONE, status, span=response.span, **_headers(response))
    if status in _NO_CONTENT and response.source.strip():  # HTTP sends no body with these: never expect one
        diagnostics.append(Diagnostic(
            Level.WARNING, "body-for-no-content", f"the page shows a body for a {status} response, which has none; "
            "only the status is checked", response.span, hint="remove the body, or document the status the "
            "response with this body has"))
        return ExpectedResponse(response.source, None, BodyKind.NONE, status, span=response.span,
                                **_headers(response))
    args = response.args
    body, problems = apply_substitutions(response.source, args.substitutions)
    diagnostics.extend(problems)
    # the body a test matches is the substituted one: JSON as written, else read the way the build reads it
    # ($body tokens quoted); quoting first would break a '$' inside a string ("lambda$handle$0")
    line = response.content_line or response.span.line
    lines = body.split("\n")
    if skipped := body_label_lines(lines):  # "Response body:" over the JSON is not part of it
        body, line = "\n".join(lines[skipped:]), line + skipped
    kind, problem = read_body(body, line, path)
    if problem is not None:
        kind, problem = read_body(quote_stash_tokens(body), line, path)
    if problem is not None and not args.non_json:
        diagnostics.append(problem)
    return ExpectedResponse(
        source=response.source, body=body, body_kind=BodyKind.TEXT if args.non_json else kind, status=status,
        match=args.policy, skip=args.skip, substitutions=args.substitutions, span=response.span,
        volatile=args.volatile, **_headers(response))


def _headers(response: Response) -> dict[str, Any]:
    """The model's ``headers`` and ``header_lines`` of a response (no lines when none is known)."""
    lines = tuple(line for _, _, line in response.headers)
    return {"headers": tuple((name, value) for name, value, _ in response.headers),
            "header_lines": lines if any(lines) else ()}
