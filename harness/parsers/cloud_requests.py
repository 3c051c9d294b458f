"""Example request blocks of cloud-style pages -> Requests.

Cloud pages write example requests more loosely than Elasticsearch's console
grammar: a full URL (``POST https://{endpoint}/v1/{project_id}/jobs``), a blank
line before the body, ``PATCH``, several request lines in one block, a body with
no request line (the method and path then come from the URI section), bodies
with trailing commas or comments. This module splits a block into request
lines and bodies; the body kinds are the console grammar's (``console.body_kind``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from harness.model import BodyKind, Diagnostic, Level, Operation, Request, Span
from harness.parsers.cloud_curl import is_curl, read_curl
from harness.parsers.cloud_sections import (
    RequestLine,
    find_request_line,
    labelled_request,
    request_line_indices,
    split_target,
)
from harness.parsers.console import body_kind
from harness.parsers.source_lines import is_page_credential

__all__ = ["Chunk", "body_label_lines", "documented_path", "split_block", "make_request", "read_body", "headers_only",
           "starts_with_request", "without_query_templates"]

_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
_HEADER = re.compile(r"^([A-Za-z][\w-]*):[ \t]*(\S.*)$")
_SURE_HEADER = re.compile(r"^(?:[A-Za-z]+-[\w-]+|Authorization|Accept|Host|Cookie)$", re.I)


@dataclass(frozen=True, slots=True)
class Chunk:
    """One request of a block: its request line (``None`` for a body-only block), headers and body.

    :param unrecognised: set when this part of the block looks like a request line that could
        not be read (``POST: /v1/x``, a broken curl command): the reason, for a warning at
        ``body_line``; such a chunk is never sent.
    """

    line: RequestLine | None
    headers: tuple[tuple[str, str], ...]
    body: str
    body_line: int
    unrecognised: str = ""
    response_line: int = 0  # where the block goes on to show a response (cut from the body), else 0
    auth: tuple[str, ...] = ()  # a curl command's authentication options (-u, --basic): warned, never sent
    path_line: int = 0  # a path alone under the request line (cut from the body: never a body), else 0
    path_text: str = ""


_ATTEMPT = re.compile(r"\b(?:GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)\b|^\s*(?:get|post|put|delete|patch)\b|://|^\s*/\w")
_BODY_START = ("{", "[", "<", '"')
# a label line over the body inside the block ("Request body:", "Body (JSON):", "Payload:"): not body text
_BODY_LABEL = re.compile(r"^(?:(?:example|sample)\s+)?(?:(?:request|response)\s+)?(?:body|payload|json)"
                         r"(?:\s*\([^)]*\))?\s*:?$", re.I)
# a line that starts a response inside a request block: "Response:", "Example response", a status line
_RESPONSE_START = re.compile(r"^(?:HTTP/\d(?:\.\d)?\s+\d{3}\b.*|(?:(?:example|sample)\s+)?response"
                             r"(?:\s+(?:body|example))?(?:\s*\([^)]*\))?\s*:?)$", re.I)
_BRACKETED_METHOD = re.compile(r"^\[\s*(?:GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)\b", re.I)  # "[POST] /v1/x": no JSON
# a request line in double quotes (``"POST /v1/x"``): valid JSON, but no body line; it was sent as an NDJSON body
_QUOTED_METHOD = re.compile(r'^"\s*(?:GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)\s+(?:/|https?://)[^"]*"\s*,?$', re.I)
# a path alone on its line (``/v2/{project_id}/groups/{id}``): page tools repeat the URI under the request line
_PATH_ALONE = re.compile(r"^/(?![/*])[^\s\"'{}]*(?:\{[\w.-]+\}[^\s\"'{}]*)*$")  # never "//x", "/*x*/"


def split_block(text: str, span: Span, content_line: int) -> list[Chunk]:
    """Split a code block into requests at each request line (``METHOD target``, a full URL, curl)."""
    lines = _labelled_lines(_join_split_request_lines(text.split("\n")))
    # a curl line holds "curl" (the lines rewritten above start with a method): most blocks have none, and
    # one search of the block replaces a match of every line
    first_curl = next((i for i, line in enumerate(lines) if is_curl(line)), None) if "curl" in text else None
    if first_curl is not None:
        # request lines before the first curl command are requests too, never dropped unsaid
        before = split_block("\n".join(lines[:first_curl]), span, content_line) if first_curl else []
        return [c for c in before if c.line is not None or c.unrecognised] + \
            _curl_chunks(lines, span, content_line)
    starts = request_line_indices(lines)
    chunks: list[Chunk] = []
    if not starts or "".join(lines[:starts[0]]).strip():
        end = starts[0] if starts else len(lines)
        chunks.append(_leading(lines[:end], content_line, span.path))
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        found = find_request_line(lines[start], Span(span.path, content_line + start), bare=True)
        chunks.append(_chunk(found, lines[start + 1:end], content_line + start + 1))
    return chunks


def _leading(lines: list[str], first: int, path: str) -> Chunk:
    """The part of a block before its first request line: a body, a path alone (the method is the URI
    section's, as for a full URL alone), or a request line we cannot read."""
    index = next((i for i, line in enumerate(lines) if line.strip()), 0)
    head = lines[index].strip() if lines else ""
    if _PATH_ALONE.match(head):
        line = RequestLine("", head, head, Span(path, first + index))
        return _chunk(line, lines[index + 1:], first + index + 1)
    if (not head.startswith(_BODY_START) or _BRACKETED_METHOD.match(head) or _QUOTED_METHOD.match(head)) \
            and _ATTEMPT.search(head):
        return Chunk(None, (), "", first + index, unrecognised=f"the line {head[:60]!r} is not a request line")
    return _chunk(None, lines, first)


def _curl_chunks(lines: list[str], span: Span, first: int) -> list[Chunk]:
    """One chunk per curl command; text before the first command is not part of any request, but a file
    it shows (``1. Create the file ${filename}.json from this template``, then the JSON) is what the command
    sends with ``-d @${filename}.json``. A numbered step line after the command ends it (``3. Delete the
    file``: prose, never part of a command)."""
    starts = [i for i, line in enumerate(lines) if is_curl(line)]
    chunks: list[Chunk] = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        end = next((i for i in range(start + 1, end) if _STEP.match(lines[i])), end)
        before = starts[n - 1] + 1 if n else 0
        files = _shown_files(lines[before:start])
        command = read_curl("\n".join(lines[start:end]).strip(), {k: text for k, (text, _) in files.items()})
        where = Span(span.path, first + start)
        if isinstance(command, str):
            chunks.append(Chunk(None, (), "", first + start, unrecognised=command))
            continue
        body = command.body or ""
        shown = next((at for text, at in files.values() if text == body), None)
        offset = before + shown if shown is not None else \
            next((i for i in range(start, end) if body and body.split("\n")[0] in lines[i]), start)
        line = RequestLine(command.method, command.url, split_target(command.url), where)
        chunks.append(Chunk(line, command.headers, body, first + offset, auth=command.auth))
    return chunks


# "2. Run the following command": a numbered step of prose around a command
_STEP = re.compile(r"^\s*\d{1,2}[.)]\s+[A-Z]")
# a file a step names ("the temporary file ${filename}.json"): the name as a curl command would write it
# (it starts where a word starts, so the match is linear in the line's length)
_FILE_NAME = re.compile(r"(?<![\w@$.{}-])(?:\$\{\w+\})?\$?[\w.-]*\.json\b")


def _shown_files(lines: list[str]) -> dict[str, tuple[str, int]]:
    """The JSON documents the lines show for a file they name: a line naming ``NAME.json``, then (after blank
    lines) a JSON document up to the next numbered step or command. Name -> (text, index of its first line);
    text that is not JSON is no file's content."""
    files: dict[str, tuple[str, int]] = {}
    for index, line in enumerate(lines):
        names = [found.group() for found in _FILE_NAME.finditer(line)] if ".json" in line else []
        if not names or is_curl(line):
            continue
        begin = next((i for i in range(index + 1, len(lines)) if lines[i].strip()), None)
        if begin is None or not lines[begin].lstrip().startswith(("{", "[")):
            continue
        end = next((i for i in range(begin + 1, len(lines)) if _STEP.match(lines[i]) or is_curl(lines[i])), len(lines))
        text = "\n".join(lines[begin:end]).strip()
        try:
            json.loads(text)
        except ValueError:
            continue
        for name in names:
            files.setdefault(name, (text, begin))
    return files


def _labelled_lines(lines: list[str]) -> list[str]:
    """``Method: POST`` with ``PATH: /v1/x`` (either order, close together) -> ``POST /v1/x``."""
    for index, line in enumerate(lines):
        if ":" not in line or "method" not in line.lower():
            continue
        near = [(i, lines[i]) for i in range(max(index - 3, 0), min(index + 4, len(lines))) if i != index]
        for other, text in near:
            found = labelled_request([(line, Span("", 1)), (text, Span("", 1))])
            if found is not None and found.method.lower() in line.lower() and ":" in line:
                lines[index], lines[other] = f"{found.method} {found.target}", ""
                break
    return lines


def _join_split_request_lines(lines: list[str]) -> list[str]:
    """``POST`` alone on a line, the URL on a later one: one request line (blank lines keep numbering)."""
    for index, line in enumerate(lines):
        if line.strip().upper() not in _METHODS:
            continue
        after = next((i for i in range(index + 1, len(lines)) if lines[i].strip()), None)
        if after is not None and lines[after].strip().startswith(("/", "http://", "https://", "{")) and \
                " " not in lines[after].strip() and not lines[after].strip().startswith("{\""):
            lines[index] = f"{line.strip().upper()} {lines[after].strip()}"
            lines[after] = ""
    return lines


def _chunk(line: RequestLine | None, rest: list[str], first: int) -> Chunk:
    headers: list[tuple[str, str]] = []
    index = 0
    if line is not None:  # HTTP-message style header lines right under the request line
        while index < len(rest) and (found := _HEADER.match(rest[index].strip())):
            headers.append((found[1], found[2].strip()))
            index += 1
    while index < len(rest) and not rest[index].strip():
        index += 1
    if line is not None and not headers:  # after a blank line: only names that are surely headers
        while index < len(rest) and (found := _HEADER.match(rest[index].strip())) and _SURE_HEADER.match(found[1]):
            headers.append((found[1], found[2].strip()))
            index += 1
        while index < len(rest) and not rest[index].strip():
            index += 1
    index += body_label_lines(rest[index:])  # the label is not sent: curl and the server never see it
    end = next((i for i in range(index, len(rest)) if _RESPONSE_START.match(rest[i].strip())), len(rest))
    body = "\n".join(rest[index:end]).strip("\n")
    response_line = first + end if end < len(rest) else 0
    if line is not None and "\n" not in body.strip() and _PATH_ALONE.match(body.strip()):
        return Chunk(line, tuple(headers), "", first + index, response_line=response_line,
                     path_line=first + index, path_text=body.strip())
    return Chunk(line, tuple(headers), body, first + index, response_line=response_line)


def body_label_lines(lines: list[str]) -> int:
    """How many lines a label over a JSON body takes ("Request body:", "Body (JSON):", "Payload:" and the
    blank lines after it): they are not part of the body."""
    if not lines or not _BODY_LABEL.match(lines[0].strip()):
        return 0
    after = next((i for i in range(1, len(lines)) if lines[i].strip()), None)
    return after if after is not None and lines[after].lstrip().startswith(("{", "[")) else 0


def read_body(body: str, line: int, path: str) -> tuple[BodyKind, Diagnostic | None]:
    """The kind of a request or response body, and a warning when JSON-looking text is not JSON."""
    if not body.strip():
        return BodyKind.NONE, None
    kind = body_kind(body)
    if kind is BodyKind.TEXT and body.lstrip()[:1] not in "{[<":
        return kind, _text_before_json(body, line, path)
    if kind is not BodyKind.TEXT or body.lstrip()[:1] not in "{[":
        return kind, None
    try:
        json.loads(body)
    except RecursionError:
        return BodyKind.TEXT, Diagnostic(Level.WARNING, "invalid-json", "the example body nests JSON deeper than "
                                         "can be read; it is kept as text", Span(path, line, 1))
    except json.JSONDecodeError as exc:
        where = Span(path, line + exc.lineno - 1, exc.colno)
        return BodyKind.TEXT, Diagnostic(
            Level.WARNING, "invalid-json", f"the example body is not valid JSON ({exc.msg}); it is kept as text",
            where, hint=_JSON_HINTS.get(exc.msg, "fix the JSON (a comma too many or missing, an elided '...', a "
                                                "comment, single quotes) so the example can be compared as JSON"),
            source_line=body.split("\n")[exc.lineno - 1] if exc.lineno - 1 < body.count("\n") + 1 else "")
    return BodyKind.TEXT, None


_JSON_HINTS = {  # json's messages at the token after the fault: say where the writer looks
    "Expecting ',' delimiter": "a comma is missing before this point (after the value before it); add it so the "
                               "example can be compared as JSON",
    "Expecting property name enclosed in double quotes": "remove a trailing comma before this point or an elided "
                                                         "'...' here, or quote the key, so the example can be "
                                                         "compared as JSON",
}


def _text_before_json(body: str, line: int, path: str) -> Diagnostic | None:
    """A warning when a body is JSON after some other line (a label, a note): never sent unsaid."""
    lines = body.split("\n")
    start = next((i for i, text in enumerate(lines) if text.lstrip().startswith(("{", "["))), None)
    if not start:
        return None
    try:
        json.loads("\n".join(lines[start:]))
    except (ValueError, RecursionError):
        return None
    head = next(text.strip() for text in lines if text.strip())
    return Diagnostic(Level.WARNING, "text-before-json", f"the example body has {head[:60]!r} before its JSON; the "
                      "whole text is used as written (sent, or compared as text)", Span(path, line, 1),
                      hint="put the request line or a label outside the code block, or remove the line")


def make_request(chunk: Chunk, method: str, path: str, where: Span,
                 diagnostics: list[Diagnostic]) -> Request:
    """A Request from a chunk; ``method`` and ``path`` complete a body-only chunk."""
    kind, problem = read_body(chunk.body, chunk.body_line, where.path)
    if problem is not None:
        diagnostics.append(problem)
    if chunk.response_line:  # never sent as part of the body, never silently dropped
        diagnostics.append(Diagnostic(
            Level.WARNING, "response-in-request-block", "the request block goes on to show a response from here; "
            "it is not part of the request body and is not checked", Span(where.path, chunk.response_line, 1),
            hint="put the response in its own code block under 'Example Response'"))
    if chunk.line is not None:  # a full URL alone keeps the documented method
        method, path, where = chunk.line.method or method, chunk.line.path, chunk.line.span
    if chunk.path_line and chunk.path_text != path:  # the same path again is the URI repeated: nothing to say
        diagnostics.append(Diagnostic(
            Level.WARNING, "path-after-request-line", f"the line {chunk.path_text[:60]!r} under the request line is "
            "a path, not a body: it is not sent, and the request goes to the request line's path",
            Span(where.path, chunk.path_line, 1), hint="remove the line, or make it the request line"))
    if (elided := _elided_value(path)) is not None:
        diagnostics.append(Diagnostic(
            Level.WARNING, "elided-value", f"the request's target leaves part of a value out ({elided!r}): it is "
            "sent as written, so a real service will not find what it names", where,
            hint="write a placeholder ({user_id}) and give it a value under [variables] or with --var NAME=VALUE"))
    diagnostics.extend(credential_warnings(chunk, where))
    return Request(method, path, chunk.body or None, kind, chunk.headers, where)


# an ID the page shortened ("/users/7116d09f...../groups", "…0037", "?user_id=07609fb9358010e21f7bc0037...."):
# three dots or more, or an ellipsis, in the path or a query value
_ELIDED = re.compile(r"\u2026|\.{3,}")


def _elided_value(target: str) -> str | None:
    """The path segment or query value holding an elision, else ``None``."""
    mark = _ELIDED.search(target)
    if mark is None:
        return None
    start = max(target.rfind(c, 0, mark.start()) for c in "/?&=") + 1
    ends = [i for i in (target.find(c, mark.end()) for c in "/?&") if i >= 0]
    return target[start:min(ends, default=len(target))]


_HINT = ("give the target its credentials from the environment: [targets.NAME.headers] "
         'Authorization = { env = "VAR" } (for Basic: "Basic " and the base64 of user:password), or '
         "user:password@ in a --target URL")


def credential_warnings(chunk: Chunk, where: Span) -> list[Diagnostic]:
    """A warning for each credential the page writes into its request (curl ``-u``, an ``Authorization``
    header): never sent, never repeated (the message names the option or header, not its value)."""
    found: list[Diagnostic] = []
    if chunk.auth:
        found.append(Diagnostic(
            Level.WARNING, "page-credentials", f"the curl command authenticates with {' '.join(chunk.auth)}: the "
            "page's credentials are an example and are not sent, so the request goes without them unless the "
            "target has its own", where, hint=_HINT))
    for name, value in chunk.headers:
        if is_page_credential(name, value):
            found.append(Diagnostic(
                Level.WARNING, "page-credentials", f"the request's {name} header is the page's example credential: "
                "it is not sent, so the request goes without it unless the target has its own", where,
                hint=_HINT if name.lower() == "authorization" else
                f'give the target its own from the environment: [targets.NAME.headers] {name} = {{ env = "VAR" }}'))
    return found


_HEADER_LINE = re.compile(r"^[A-Za-z][\w-]*-[\w-]*:[ \t]*\S|^(?:Date|Server|Connection|ETag|Location):[ \t]*\S")


def without_query_templates(path: str, required: frozenset[str] = frozenset()) -> str:
    """``/v1/x?limit={limit}&type=a`` -> ``/v1/x?type=a``: optional query placeholders are not sent unfilled.

    :param required: query names the page's table marks mandatory: kept, to be filled from variables.
    """
    base, _, query = path.partition("?")
    kept = [part for part in query.split("&") if part and (not re.fullmatch(r"[^=]+=\{[^{}]+\}", part)
                                                           or part.split("=", 1)[0] in required)]
    return f"{base}?{'&'.join(kept)}" if kept else base


def headers_only(text: str) -> bool:
    """A block of ``Name: value`` lines only: the response headers a page shows, not a body."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return bool(lines) and all(_HEADER_LINE.match(line) for line in lines)


def starts_with_request(text: str, span: Span) -> bool:
    """A block that opens with ``METHOD target`` or ``curl``: under a response label ("Response:" then
    "Creating a big job" and its POST), the next example's request, never a response to compare."""
    first = next((line for line in text.split("\n") if line.strip()), "")
    return is_curl(first) or find_request_line(first, span) is not None


def documented_path(operation: Operation) -> str:
    """The URI section's path for a request the example does not write: its optional query templates left out."""
    required = frozenset(p.name for p in operation.parameters if p.location == "query" and p.required)
    return without_query_templates(operation.path, required)
