"""The "Example Request(s)" and "Example Response(s)" sections -> Examples.

Requests come from the code blocks of the example-request sections (completed
from the URI section when a block is body-only, or joined with the next block
when a request line stands alone); responses from the example-response sections,
under "Status code: NNN" or "Success/Failure response" labels. Each request
example gets the success response at its position (or the only one). Directive
comments right after a block (``.. TEST[setup:x]``, ``<!-- TESTRESPONSE[...] -->``)
are read by ``harness.parsers.directives``, exactly as for AsciiDoc.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from harness.model import (
    BodyKind,
    Capture,
    Diagnostic,
    Directive,
    Example,
    ExpectedResponse,
    Level,
    Operation,
    Request,
    Retry,
    Role,
    Span,
)
from harness.parsers.cloud_requests import Chunk, make_request, read_body, split_block
from harness.parsers.cloud_sections import Kind, Section, placeholders, status_label
from harness.parsers.directives import (
    ResponseArgs,
    TestArgs,
    match_directive,
    near_miss,
    parse_response_args,
    parse_test_args,
)
from harness.parsers.live_directives import parse_capture_args, parse_retry_args
from harness.parsers.page import Block, Code, Comment, Heading, Text
from harness.parsers.snippets import quote_stash_tokens
from harness.parsers.stray_directives import stray_directives
from harness.parsers.substitutions import apply_substitutions

__all__ = ["read_examples"]

_NONE = {"none", "n/a", "na", "null", "not applicable", "not involved", "-"}
_SUCCESS = re.compile(r"^(success(ful)?|normal|correct)\b.*\b(response|example)s?\b", re.I)
_FAILURE = re.compile(r"^(fail(ed|ure)?|error|abnormal|exception)\b.*\b(response|example)s?\b", re.I)


@dataclass(slots=True)
class _Draft:
    span: Span
    language: str = ""
    source: str = ""
    requests: list[Request] = field(default_factory=list)
    variables: list[str] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)
    args: TestArgs = field(default_factory=TestArgs)
    role: Role = Role.TEST
    waiting: bool = False  # its last request line has no body yet
    captures: tuple[Capture, ...] = ()
    retry: Retry | None = None


@dataclass(slots=True)
class _Response:
    span: Span
    source: str
    status: int | None
    success: bool | None
    args: ResponseArgs = field(default_factory=ResponseArgs)
    empty: bool = False
    content_line: int = 0


def _is_none(text: str) -> bool:
    return " ".join(text.lower().split()).rstrip(".") in _NONE


class _Reader:
    """Reads the example sections of one page; collects drafts, responses and diagnostics."""

    def __init__(self, operation: Operation | None, path: str) -> None:
        self.operation, self.path = operation, path
        self.diagnostics: list[Diagnostic] = []
        self.drafts: list[_Draft] = []
        self.responses: list[_Response] = []
        self.request_none: Span | None = None
        self.nested = False  # the section's content continues in a nested section of the same kind
        self.read: set[int] = set()  # first lines of the comments read as a block's directives

    def directives(self, blocks: list[Block], index: int) -> list[Directive]:
        """The directive comments right after ``blocks[index]``; near misses become warnings."""
        found: list[Directive] = []
        for block in blocks[index + 1:]:
            if not isinstance(block, Comment):
                break
            self.read.add(block.span.line)
            for offset, line in enumerate(block.text.split("\n")):
                span = Span(self.path, block.span.line + offset, block.span.column if offset == 0 else 1)
                text = line.strip()
                named = match_directive(text)
                if named is not None:
                    found.append(Directive(named[0], named[1], span))
                elif (miss := near_miss(text, span)) is not None:
                    self.diagnostics.append(miss)
        return found

    def _live(self, draft: _Draft, directive: Directive) -> None:
        """``CAPTURE[...]`` / ``RETRY[...]`` after a request block (``harness.parsers.live_directives``)."""
        where = self._args_span(directive)
        if directive.name == "CAPTURE":
            captures, problems = parse_capture_args(directive.args, where.path, where.line, where.column)
            draft.captures += captures
        else:
            retry, problems = parse_retry_args(directive.args, where.path, where.line, where.column)
            draft.retry = retry or draft.retry
        self.diagnostics.extend(problems)

    def _args_span(self, directive: Directive) -> Span:
        column = directive.span.column + len(directive.name) + 1
        return Span(directive.span.path, directive.span.line, column)

    def request_block(self, block: Code, directives: list[Directive]) -> None:
        draft = _Draft(block.span, block.language, block.text, directives=directives)
        for directive in directives:
            if directive.name == "NOTCONSOLE":
                return
            if directive.name == "TESTRESPONSE":
                self._misplaced(directive, "an example request", "the example response block")
            if directive.name == "TEST" and directive.args:  # a bare TEST has nothing to parse
                draft.args, problems = parse_test_args(directive.args, self._args_span(directive))
                self.diagnostics.extend(problems)
            if directive.name in ("CAPTURE", "RETRY"):
                self._live(draft, directive)
            draft.role = {"TESTSETUP": Role.SETUP, "TEARDOWN": Role.TEARDOWN}.get(directive.name, draft.role)
        text, problems = apply_substitutions(block.text, draft.args.substitutions)
        self.diagnostics.extend(problems)
        chunks = split_block(text, block.span, block.content_line)
        previous = self.drafts[-1] if self.drafts else None
        if chunks[0].line is None and previous is not None and previous.waiting and not directives:
            self._complete(previous, block, chunks[0])  # the request line stood in the block before
            chunks = chunks[1:]
            if not chunks:
                return
        for chunk in chunks:
            if chunk.line is None and self.operation is None:
                self.diagnostics.append(Diagnostic(
                    Level.WARNING, "body-without-request-line", "a body-only example request, but the page "
                    "documents no request line to complete it", block.span, "add the request line to the URI section"))
                return
            method, path = (self.operation.method, self.operation.path) if self.operation else ("", "")
            draft.requests.append(make_request(chunk, method, path, block.span, self.diagnostics))
            draft.variables += placeholders(chunk.line.target if chunk.line else path) + placeholders(chunk.body)
        draft.waiting = chunks[-1].line is not None and not chunks[-1].body
        self.drafts.append(draft)

    def _complete(self, draft: _Draft, block: Code, chunk: Chunk) -> None:
        last = draft.requests[-1]
        kind, problem = read_body(chunk.body, chunk.body_line, self.path)
        if problem is not None:
            self.diagnostics.append(problem)
        draft.requests[-1] = Request(last.method, last.path, chunk.body or None, kind, last.headers, last.span)
        draft.variables += placeholders(chunk.body)
        draft.source = f"{draft.source}\n\n{block.text}"
        draft.span = Span(self.path, draft.span.line, 1, block.span.last_line)
        draft.waiting = False

    def request_text(self, block: Text) -> None:
        chunks = [c for c in split_block(block.text, block.span, block.span.line) if c.line is not None]
        if chunks:  # request lines written as a paragraph; a body block may follow
            draft = _Draft(block.span, "", block.text)
            for chunk in chunks:
                draft.requests.append(make_request(chunk, "", "", block.span, self.diagnostics))
                draft.variables += placeholders(chunk.line.target if chunk.line else "")
            draft.waiting = not chunks[-1].body
            self.drafts.append(draft)
        elif _is_none(block.text):
            self.request_none = block.span

    def read_requests(self, section: Section) -> None:
        before = len(self.drafts), self.request_none
        for index, block in enumerate(section.blocks):
            if isinstance(block, Code):
                self.request_block(block, self.directives(section.blocks, index))
            elif isinstance(block, Text):
                self.request_text(block)
        if (len(self.drafts), self.request_none) == before and section.heading is not None:
            self._no_code(section.heading)

    def read_responses(self, section: Section) -> None:
        before = len(self.responses)
        status: int | None = None
        success: bool | None = None
        if section.heading is not None and status_label(section.heading.title) is not None:
            status = status_label(section.heading.title)
        for index, block in enumerate(section.blocks):
            if isinstance(block, Text):
                if status_label(block.text) is not None:
                    status, success = status_label(block.text), None
                elif _SUCCESS.match(block.text.strip()) or _FAILURE.match(block.text.strip()):
                    success, status = bool(_SUCCESS.match(block.text.strip())), None
                elif _is_none(block.text):
                    self.responses.append(_Response(block.span, "", status, success, empty=True))
            elif isinstance(block, Code):
                self.responses.append(self._response(block, status, success, self.directives(section.blocks, index)))
        if len(self.responses) == before and section.heading is not None and status_label(
                section.heading.title) is None:
            self._no_code(section.heading)

    def _response(self, block: Code, status: int | None, success: bool | None,
                  directives: list[Directive]) -> _Response:
        response = _Response(block.span, block.text, status, success, content_line=block.content_line)
        for directive in directives:
            if directive.name == "TESTRESPONSE":
                if directive.args:  # a bare TESTRESPONSE has nothing to parse
                    response.args, problems = parse_response_args(directive.args, self._args_span(directive))
                    self.diagnostics.extend(problems)
            elif directive.name != "CONSOLE":
                self._misplaced(directive, "an example response", "the example request block")
        return response

    def _misplaced(self, directive: Directive, block: str, place: str) -> None:
        self.diagnostics.append(Diagnostic(
            Level.WARNING, "misplaced-directive", f"{directive.name} after {block} has no effect", directive.span,
            hint=f"put it right after {place}"))

    def _no_code(self, heading: Heading) -> None:
        if self.nested:
            return
        self.diagnostics.append(Diagnostic(
            Level.WARNING, "example-without-code", f"the section {heading.title!r} has no code block",
            heading.span, hint="put the example in a code block, or write 'None' if there is none"))


def _expected(response: _Response, default_status: int | None, path: str,
              diagnostics: list[Diagnostic]) -> ExpectedResponse:
    status = response.status if response.status is not None else default_status
    if response.empty:
        return ExpectedResponse("", None, BodyKind.NONE, status, span=response.span)
    args = response.args
    body, problems = apply_substitutions(response.source, args.substitutions)
    diagnostics.extend(problems)
    # the body a test matches is the substituted one: JSON as written, else read the way the build reads it
    # ($body tokens quoted); quoting first would break a '$' inside a string ("lambda$handle$0")
    line = response.content_line or response.span.line
    kind, problem = read_body(body, line, path)
    if problem is not None:
        kind, problem = read_body(quote_stash_tokens(body), line, path)
    if problem is not None and not args.non_json:
        diagnostics.append(problem)
    return ExpectedResponse(
        source=response.source, body=body, body_kind=BodyKind.TEXT if args.non_json else kind, status=status,
        match=args.policy, skip=args.skip, substitutions=args.substitutions, span=response.span,
        volatile=args.volatile)


def _is_success(response: _Response) -> bool:
    if response.status is not None:
        return 200 <= response.status < 300
    return response.success is not False


def _example(draft: _Draft, expected: tuple[ExpectedResponse, ...]) -> Example:
    args = draft.args
    return Example(
        name=f"line_{draft.span.line}", span=draft.span, role=draft.role, language=draft.language,
        source=draft.source, requests=tuple(draft.requests), expected=expected, setups=args.setups,
        teardowns=args.teardowns, continued=args.continued, skip=args.skip, catch=args.catch,
        warnings=args.warnings, skip_shard_failures=args.skip_shard_failures, substitutions=args.substitutions,
        directives=tuple(draft.directives), variables=tuple(dict.fromkeys(draft.variables)),
        captures=draft.captures, retry=draft.retry)


def _default_status(operation: Operation | None) -> int | None:
    """The single 2xx of the status-code table, the status a page's examples are expected to get."""
    codes = [s.code for s in operation.status_codes if 200 <= s.code < 300] if operation else []
    return codes[0] if len(codes) == 1 else None


def _continues(section: Section, following: Section | None) -> bool:
    """An "Example Request" heading whose content sits under a nested label of the same kind."""
    if following is None or following.kind is not section.kind:
        return False
    if section.heading is None or following.heading is None:
        return False
    return following.heading.level > section.heading.level


def read_examples(sections: list[Section], operation: Operation | None,
                  path: str) -> tuple[list[Example], list[Diagnostic]]:
    """The page's examples, each request example paired with its success response."""
    reader = _Reader(operation, path)
    for index, section in enumerate(sections):
        reader.nested = _continues(section, sections[index + 1] if index + 1 < len(sections) else None)
        if section.kind is Kind.EXAMPLE_REQUEST:
            reader.read_requests(section)
        elif section.kind is Kind.EXAMPLE_RESPONSE:
            reader.read_responses(section)
    reader.diagnostics += stray_directives((b for s in sections for b in s.blocks), reader.read, path)
    drafts = [d for d in reader.drafts if d.requests]
    if not drafts and reader.request_none is not None and operation is not None:
        # "Example Request: None": the request is the documented one, with no body
        none = _Draft(reader.request_none)
        none.requests.append(Request(operation.method, operation.path, span=reader.request_none))
        none.variables += placeholders(operation.path)
        drafts.append(none)
    default = _default_status(operation)
    # every response is read (and checked) once, even when several examples share it
    built = [(_expected(r, default, path, reader.diagnostics), _is_success(r)) for r in reader.responses]
    success = [expected for expected, ok in built if ok]
    errors = [expected for expected, ok in built if not ok and expected.status is not None]
    examples: list[Example] = []
    # an example that expects an error (catch:) gets the documented error responses, in order, when
    # the page documents any; the others get the success responses
    caught = [d for d in drafts if d.role is Role.TEST and d.args.catch is not None] if errors else []
    tests = [d for d in drafts if d.role is Role.TEST and d not in caught]
    for draft in drafts:
        expected: tuple[ExpectedResponse, ...] = ()
        if draft in caught:
            expected = (errors[min(caught.index(draft), len(errors) - 1)],)
        elif draft.role is Role.TEST and success:
            expected = (success[min(tests.index(draft), len(success) - 1)],)
        elif draft.role is Role.TEST and default is not None:
            expected = (ExpectedResponse("", None, BodyKind.NONE, default),)
        examples.append(_example(draft, expected))
    return examples, reader.diagnostics
