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

from harness.model import BodyKind, Diagnostic, Level, Request, Span
from harness.parsers.cloud_sections import RequestLine, find_request_line
from harness.parsers.console import body_kind

__all__ = ["Chunk", "split_block", "make_request", "read_body"]

_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
_HEADER = re.compile(r"^([A-Za-z][\w-]*):[ \t]*(\S.*)$")


@dataclass(frozen=True, slots=True)
class Chunk:
    """One request of a block: its request line (``None`` for a body-only block), headers and body."""

    line: RequestLine | None
    headers: tuple[tuple[str, str], ...]
    body: str
    body_line: int


def split_block(text: str, span: Span, content_line: int) -> list[Chunk]:
    """Split a code block into requests at each ``METHOD target`` line."""
    lines = _join_split_request_lines(text.split("\n"))
    starts = [i for i, line in enumerate(lines) if find_request_line(line, span) is not None]
    chunks: list[Chunk] = []
    if not starts or "".join(lines[:starts[0]]).strip():
        end = starts[0] if starts else len(lines)
        chunks.append(_chunk(None, lines[:end], content_line))
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        found = find_request_line(lines[start], Span(span.path, content_line + start))
        chunks.append(_chunk(found, lines[start + 1:end], content_line + start + 1))
    return chunks


def _join_split_request_lines(lines: list[str]) -> list[str]:
    """``POST`` alone on a line, the URL on a later one: one request line (blank lines keep numbering)."""
    for index, line in enumerate(lines):
        if line.strip() not in _METHODS:
            continue
        after = next((i for i in range(index + 1, len(lines)) if lines[i].strip()), None)
        if after is not None and lines[after].strip().startswith(("/", "http://", "https://", "{")) and \
                " " not in lines[after].strip() and not lines[after].strip().startswith("{\""):
            lines[index] = f"{line.strip()} {lines[after].strip()}"
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
    body = "\n".join(rest[index:]).strip("\n")
    return Chunk(line, tuple(headers), body, first + index)


def read_body(body: str, line: int, path: str) -> tuple[BodyKind, Diagnostic | None]:
    """The kind of a request or response body, and a warning when JSON-looking text is not JSON."""
    if not body.strip():
        return BodyKind.NONE, None
    kind = body_kind(body)
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
            where, hint="remove trailing commas and comments so the example can be compared as JSON",
            source_line=body.split("\n")[exc.lineno - 1] if exc.lineno - 1 < body.count("\n") + 1 else "")
    return BodyKind.TEXT, None


def make_request(chunk: Chunk, method: str, path: str, where: Span,
                 diagnostics: list[Diagnostic]) -> Request:
    """A Request from a chunk; ``method`` and ``path`` complete a body-only chunk."""
    kind, problem = read_body(chunk.body, chunk.body_line, where.path)
    if problem is not None:
        diagnostics.append(problem)
    if chunk.line is not None:
        method, path, where = chunk.line.method, chunk.line.path, chunk.line.span
    return Request(method, path, chunk.body or None, kind, chunk.headers, where)
