"""The "Example Request(s)" and "Example Response(s)" sections -> Examples.

Requests come from the code blocks of the example-request sections (completed
from the URI section when a block is body-only, or joined with the next block
when a request line stands alone). Every request line is an example of its own:
two lines offered as alternatives (a v2 and a v2.1 form) are two examples sharing
the body that follows them, never one sequence. Responses come from the
example-response sections, read and paired with their requests by
``harness.parsers.cloud_responses``. Directive comments right after a block
(``.. TEST[setup:x]``, ``<!-- TESTRESPONSE[...] -->``) are read by
``harness.parsers.directives``, exactly as for AsciiDoc.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

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
from harness.parsers.cloud_requests import (
    Chunk,
    documented_path,
    headers_only,
    make_request,
    read_body,
    split_block,
    starts_with_request,
)
from harness.parsers.cloud_responses import Response, ResponseState, expected_responses, header_lines, missing_example
from harness.parsers.cloud_pairing import pair_requests
from harness.parsers.cloud_responses import Label, inline_responses, is_success, label_of, status_line, status_only
from harness.parsers.cloud_sections import Kind, Section, is_none, placeholders, section_kind, status_label
from harness.parsers.directives import CATCH_STATUS, ResponseArgs, TestArgs, merged_response_args, merged_test_args
from harness.parsers.directives import parse_response_args, parse_test_args
from harness.parsers.live_directives import parse_capture_args, parse_retry_args
from harness.parsers.page import Block, Code, Table, Text
from harness.parsers.stray_directives import continuing_nothing, directives_after, stray_directives
from harness.parsers.substitutions import apply_substitutions

__all__ = ["read_examples"]

_BODYLESS = ("GET", "HEAD")
_GENERIC = {"example", "examples", "sample", "samples"}


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
    waiting: bool = False  # its request line has no body yet: a body-only block next completes it
    group: int = 0  # drafts read from one block (alternatives complete together)
    label: Label = field(default_factory=Label)
    response: Response | None = None  # shown right under the request, in the request section
    name_line: int = 0  # several examples from one block are named by their request lines
    captures: tuple[Capture, ...] = ()
    retry: Retry | None = None


class _Reader:
    """Reads the example sections of one page; collects drafts, responses and diagnostics."""

    def __init__(self, operation: Operation | None, path: str) -> None:
        self.operation, self.path = operation, path
        self.diagnostics: list[Diagnostic] = []
        self.drafts: list[_Draft] = []
        self.responses: list[Response] = []
        self.state = ResponseState()
        self.request_none: Span | None = None
        self.nested = False  # the section's content continues in a nested section of the same kind
        self.read: set[int] = set()  # first lines of the comments read as a block's directives
        self.generic = False  # an "Examples" / "Samples" section: requests and responses together
        self.label = Label()  # the label in force for the next request block
        self.groups = self.sections = 0
        self.section_of: dict[int, int] = {}  # each block's (group's) request section, to tell steps apart
        self.responses_follow = True  # the page has an example-response section (set by read_examples)
        self.last: tuple[str, str] | None = None  # the section's last request line, for body-only blocks

    def directives(self, blocks: list[Block], index: int) -> list[Directive]:
        """The directive comments right after ``blocks[index]``; near misses become warnings."""
        found, read, problems = directives_after(blocks, index, self.path)
        self.read |= read
        self.diagnostics += problems
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
        return Span(directive.span.path, directive.span.line, directive.span.column + len(directive.name) + 1)

    def _template(self, block: Code, directives: list[Directive]) -> _Draft | None:
        """A draft carrying the block's directives (``None`` for NOTCONSOLE: not an example)."""
        draft = _Draft(block.span, block.language, block.text, directives=directives, label=self.label)
        lines: list[TestArgs] = []  # every TEST comment counts, as every // TEST line does
        for directive in directives:
            if directive.name == "NOTCONSOLE":
                return None
            if directive.name == "TESTRESPONSE":
                self._misplaced(directive, "an example request", "the example response block")
            if directive.name == "TEST" and directive.args:  # a bare TEST has nothing to parse
                args, problems = parse_test_args(directive.args, self._args_span(directive))
                lines.append(args)
                self.diagnostics.extend(problems)
            if directive.name in ("CAPTURE", "RETRY"):
                self._live(draft, directive)
            draft.role = {"TESTSETUP": Role.SETUP, "TEARDOWN": Role.TEARDOWN}.get(directive.name, draft.role)
        if lines:
            draft.args = merged_test_args(lines)
        return draft

    def _waiting(self) -> list[_Draft]:
        """The drafts of the last block whose request lines still wait for a body."""
        last = self.drafts[-1].group if self.drafts else -1
        return [d for d in self.drafts if d.group == last and d.waiting]

    def request_block(self, block: Code, directives: list[Directive]) -> None:
        template = self._template(block, directives)
        if template is None:
            return
        text, problems = apply_substitutions(block.text, template.args.substitutions)
        self.diagnostics.extend(problems)
        chunks = split_block(text, block.span, block.content_line)
        waiting = self._waiting()
        if chunks[0].line is None and not chunks[0].unrecognised and waiting and not directives:
            self._complete(waiting, block, chunks[0])  # the request line stood in the block before
            chunks = chunks[1:]
        elif chunks[0].line is None and not chunks[0].unrecognised and self._is_response(block):
            self.state.add(Response(block.span, block.text, None, None, content_line=block.content_line),
                           self.responses)
            chunks = chunks[1:]
        if chunks:
            self._drafts(template, block, chunks)
        self.label = Label()

    def _is_response(self, block: Code) -> bool:
        """A body-only block in an "Examples" section of a GET/HEAD page is the response it shows."""
        return self.generic and self.operation is not None and self.operation.method in _BODYLESS and \
            bool(self.drafts)

    def _drafts(self, template: _Draft, block: Code, chunks: list[Chunk]) -> None:
        self._new_group()
        made: list[_Draft] = []
        for chunk in chunks:
            request = self._request(chunk, block)
            if request is None:
                continue
            draft = _Draft(template.span, template.language, template.source, [request],
                           directives=template.directives, args=template.args, role=template.role,
                           group=self.groups, label=template.label, captures=template.captures,
                           retry=template.retry)
            draft.variables += placeholders(chunk.line.target if chunk.line else request.path) + \
                placeholders(chunk.body)
            draft.waiting = chunk.line is not None and not chunk.body
            made.append(draft)
        for draft in made if len(made) > 1 else ():
            draft.name_line = draft.requests[0].span.line if draft.requests[0].span else 0
        for index, draft in enumerate(made):  # alternatives: bodiless lines share the body after them
            later = next((d for d in made[index + 1:] if d.requests[0].body is not None), None)
            if draft.waiting and later is not None and later.requests[0].method == draft.requests[0].method:
                self._share(draft, later.requests[0])
        self.drafts += made

    def _request(self, chunk: Chunk, block: Code) -> Request | None:
        if chunk.unrecognised:
            self.diagnostics.append(Diagnostic(
                Level.WARNING, "unrecognised-request-line", f"{chunk.unrecognised}; the example is not tested",
                Span(self.path, chunk.body_line), "show the body in the command itself (-d '{...}'), quotes balanced"
                if "curl" in chunk.unrecognised else "write the request line as 'METHOD /path' (or a full URL, or "
                "a curl command)"))
            return None
        method, path = (self.operation.method, documented_path(self.operation)) if self.operation else ("", "")
        if self.last is not None:  # body-only blocks after "Example URL request: POST https://.../x"
            method, path = self.last
        if (chunk.line is None or not chunk.line.method) and self.operation is None and self.last is None:
            self.diagnostics.append(Diagnostic(
                Level.WARNING, "body-without-request-line", "the example request gives no method, and the page "
                "documents no request line to take it from", block.span, "add the request line to the URI section"))
            return None
        return make_request(chunk, method, path, block.span, self.diagnostics)

    def _share(self, draft: _Draft, request: Request) -> None:
        last = draft.requests[-1]
        draft.requests[-1] = Request(last.method, last.path, request.body, request.body_kind, last.headers, last.span)
        draft.variables += placeholders(request.body or "")
        draft.waiting = False

    def _complete(self, drafts: list[_Draft], block: Code, chunk: Chunk) -> None:
        bodyless = all(d.requests[-1].method in _BODYLESS for d in drafts)
        if bodyless and not self.responses_follow:  # a GET shows its response right after it
            for draft in drafts:
                draft.response = Response(block.span, block.text, None, None, content_line=block.content_line)
                draft.waiting = False
            return
        kind, problem = read_body(chunk.body, chunk.body_line, self.path)
        if problem is not None:
            self.diagnostics.append(problem)
        if len(drafts) == 1:
            self.last = drafts[0].requests[-1].method, drafts[0].requests[-1].path
        for draft in drafts:
            last = draft.requests[-1]
            draft.requests[-1] = Request(last.method, last.path, chunk.body or None, kind, last.headers, last.span)
            draft.variables += placeholders(chunk.body)
            draft.source = f"{draft.source}\n\n{block.text}"
            draft.span = Span(self.path, draft.span.line, 1, block.span.last_line)
            draft.waiting = False

    def request_text(self, block: Text) -> None:
        chunks = [c for c in split_block(block.text, block.span, block.span.line) if c.line is not None]
        if chunks and all(c.line is not None and c.line.method for c in chunks):
            # request lines written as a paragraph; a body block may follow
            self._new_group()
            for chunk in chunks:
                draft = _Draft(block.span, "", block.text, group=self.groups, label=self.label,
                               name_line=chunk.line.span.line if chunk.line and len(chunks) > 1 else 0)
                draft.requests.append(make_request(chunk, "", "", block.span, self.diagnostics))
                draft.variables += placeholders(chunk.line.target if chunk.line else "")
                draft.waiting = not chunk.body
                self.drafts.append(draft)
        elif is_none(block.text):
            self.request_none = block.span
        else:
            self.label = label_of(block.text)

    def _new_group(self) -> None:
        self.groups += 1
        self.section_of[self.groups] = self.sections

    def read_requests(self, section: Section) -> None:
        before, self.sections = (len(self.drafts), self.request_none, len(self.diagnostics)), self.sections + 1
        if section.heading is None or section.heading.level < 7:  # a real heading; a label keeps the context
            self.last = None
            self.generic = section.heading is not None and section.heading.title.strip(" :").lower() in _GENERIC
        self.label = label_of(section.heading.title) if section.heading else Label()
        for index, block in enumerate(section.blocks):
            if isinstance(block, Code):
                self.request_block(block, self.directives(section.blocks, index))
            elif isinstance(block, Text):
                self.request_text(block)
        if (len(self.drafts), self.request_none, len(self.diagnostics)) == before and section.heading is not None:
            self._no_code(section)

    def read_responses(self, section: Section) -> None:
        before = len(self.responses)
        heading = section.heading
        if heading is not None and heading.level < 7:  # a real heading starts afresh; a label refines
            self.state.reset(self.responses)
        if heading is not None:
            self._label(heading.title, heading.span, heading=True)
        for index, block in enumerate(section.blocks):
            if isinstance(block, Text):
                if is_none(block.text):
                    self.state.add(Response(block.span, "", self.state.status, self.state.success,
                                            self.state.number, empty=True), self.responses)
                else:
                    self._label(block.text, block.span)
            elif isinstance(block, Code) and starts_with_request(block.text, block.span):  # the next example's request
                self.request_block(block, self.directives(section.blocks, index))
            elif isinstance(block, Code):  # a status alone, headers alone or a response; its directives read once
                status, found = status_only(block.text), None  # (reading them says their near misses)
                if status is not None and not (found := self.directives(section.blocks, index)):
                    self.state.lead_in(f"Status code: {status}", heading=False)  # "HTTP/1.1 200": the next's label
                    self.state.status_label(status, block.span, Label(), self.responses)
                elif headers_only(block.text):  # "X-Subject-Token: ..." blocks: the headers of the response beside them
                    self.state.shown(header_lines(block.text, block.content_line))
                else:
                    response = self._response(block, found or self.directives(section.blocks, index))
                    self.state.add(response, self.responses)
            elif isinstance(block, Table) and not any(isinstance(b, Code) for b in section.blocks):  # in a cell
                self.responses += self.state.table(block)
        if len(self.responses) == before and heading is not None and self.state.stated is None and \
                not self.state.pending:  # a block of headers only is the next response's
            self._no_code(section)

    def _label(self, text: str, span: Span, heading: bool = False) -> None:
        self.state.lead_in(text, heading)
        status = status_label(text)
        label = label_of(text)
        if status is not None:
            self.state.status_label(status, span, label, self.responses)
        elif label.success is not None or label.number is not None:
            self.state.label(label, span, self.responses)
        elif section_kind(text) is Kind.EXAMPLE_RESPONSE and self.state.used:  # "Example response for X"
            self.state.status = self.state.success = None  # the status in force was the earlier block's

    def _response(self, block: Code, directives: list[Directive]) -> Response:
        state = self.state
        status, source, skipped = status_line(block.text)  # "HTTP/1.1 201 Created" and headers first
        response = Response(block.span, source, status if status is not None else state.status, state.success,
                            state.number, content_line=block.content_line + skipped, empty=not source.strip(),
                            headers=header_lines(block.text, block.content_line) if status is not None else ())
        lines: list[ResponseArgs] = []  # every TESTRESPONSE comment counts, as every // TESTRESPONSE line does
        for directive in directives:
            if directive.name == "TESTRESPONSE":
                if directive.args:  # a bare TESTRESPONSE has nothing to parse
                    args, problems = parse_response_args(directive.args, self._args_span(directive))
                    lines.append(args)
                    self.diagnostics.extend(problems)
            elif directive.name != "CONSOLE":
                self._misplaced(directive, "an example response", "the example request block")
        if lines:
            response.args = merged_response_args(lines)
        return response

    def _misplaced(self, directive: Directive, block: str, place: str) -> None:
        self.diagnostics.append(Diagnostic(
            Level.WARNING, "misplaced-directive", f"{directive.name} after {block} has no effect", directive.span,
            hint=f"put it right after {place}"))

    def _no_code(self, section: Section) -> None:
        if not self.nested and (found := missing_example(section)) is not None:
            self.diagnostics.append(found)


def _example(draft: _Draft, expected: tuple[ExpectedResponse, ...]) -> Example:
    args = draft.args
    return Example(
        name=f"line_{draft.name_line or draft.span.line}", span=draft.span, role=draft.role, language=draft.language,
        source=draft.source, requests=tuple(draft.requests), expected=expected, setups=args.setups,
        teardowns=args.teardowns, continued=args.continued, skip=args.skip, catch=args.catch,
        warnings=args.warnings, skip_shard_failures=args.skip_shard_failures, substitutions=args.substitutions,
        directives=tuple(draft.directives), variables=tuple(dict.fromkeys(draft.variables)),
        captures=draft.captures, retry=draft.retry)


def _label(draft: _Draft) -> Label:
    """The draft's label; an example that expects an error (``TEST[catch:...]``) is a failure example."""
    catch = draft.args.catch
    if catch is None or draft.label.success is not None:
        return draft.label
    return replace(draft.label, success=False, status=CATCH_STATUS.get(catch), caught=True)


def _continues(section: Section, following: Section | None) -> bool:
    """An "Example Request" heading whose content sits under a nested label of the same kind."""
    if following is None or following.kind is not section.kind or section.heading is None or following.heading is None:
        return False
    return following.heading.level > section.heading.level


def read_examples(sections: list[Section], operation: Operation | None, path: str,
                  templates: tuple[str, ...] = ()) -> tuple[list[Example], list[Diagnostic]]:
    """The page's examples, each request paired with the response the page gives it (``templates``: the URI's)."""
    reader = _Reader(operation, path)
    reader.responses_follow = any(s.kind is Kind.EXAMPLE_RESPONSE for s in sections)
    for index, section in enumerate(sections):
        reader.nested = _continues(section, sections[index + 1] if index + 1 < len(sections) else None)
        if section.kind is Kind.EXAMPLE_REQUEST:
            reader.read_requests(section)
        elif section.kind is Kind.EXAMPLE_RESPONSE:
            reader.read_responses(section)
        else:
            reader.state.reset(reader.responses)
            reader.responses += inline_responses(section, reader.state)  # "Responses" then "{}" as a paragraph
    reader.state.reset(reader.responses)
    reader.diagnostics += stray_directives((b for s in sections for b in s.blocks), reader.read, path)
    drafts = [d for d in reader.drafts if d.requests]
    shown_only = operation is not None and operation.method in _BODYLESS and operation.span is not None and \
        any(not r.empty and is_success(r) for r in reader.responses)  # a GET page showing its answer only
    if not drafts and operation is not None and (reader.request_none is not None or shown_only):
        # "Example Request: None", or no example request for a GET: the request is the documented one, no body
        none = _Draft(reader.request_none or operation.span or Span(path, 1))
        documented = documented_path(operation)
        none.requests.append(Request(operation.method, documented, span=reader.request_none or operation.span))
        none.variables += placeholders(documented)
        drafts.append(none)
    tests = [d for d in drafts if d.role is Role.TEST]
    # every response is read (and checked) once, even when several examples share it
    built, defaults = expected_responses([*reader.responses, *(d.response for d in tests if d.response)], operation,
                                         path, reader.diagnostics)
    calls = [(d.requests[0].method, d.requests[0].path, d.group, d.requests[0].span or d.span,
              reader.section_of.get(d.group, 0)) for d in tests]
    paired, found = pair_requests([(_label(d), d.response) for d in tests], reader.responses, calls,
                                  templates or ((f"{operation.method} {operation.path}",) if operation else ()))
    chosen, reader.diagnostics = dict(zip(map(id, tests), paired)), reader.diagnostics + found
    examples: list[Example] = []
    for draft in drafts:
        expected: tuple[ExpectedResponse, ...] = ()
        response = chosen.get(id(draft))
        failure = draft.label.success is False if response is None else not is_success(response)
        if response is not None:
            expected = (built[id(response)],)
        elif draft.role is Role.TEST and defaults[failure] is not None:
            expected = (ExpectedResponse("", None, BodyKind.NONE, defaults[failure]),)
        example = _example(draft, expected)
        if draft.role is Role.TEST and failure and not draft.args.catch and (
                expected[0].status if expected else None) is None:
            # an error example whose status the page does not give: a 2xx check would be wrong
            example = replace(example, skip=example.skip or "the page shows this error response without its "
                              "status code")
        taken = sum(e.name == example.name or e.name.startswith(f"{example.name}_") for e in examples)
        # two examples on one line (a minified HTML page): one name each, or results and badges would swap
        examples.append(replace(example, name=f"{example.name}_{taken + 1}") if taken else example)
    return examples, reader.diagnostics + continuing_nothing(examples)
