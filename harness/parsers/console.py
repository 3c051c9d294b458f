"""The console body grammar: ``METHOD path`` lines, bodies, comments, ``startyaml`` blocks.

Elasticsearch tokenises a snippet's contents by repeated matches of one regex
that must each start where the previous one ended (reference §6). The same
grammar serves the pages and the named setups of the configuration, so there is
never a second one. ``startyaml ... endyaml`` blocks are recorded as a request
with the pseudo-method ``STARTYAML`` (its YAML as the body); replay reports them
as unsupported.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any

from harness.model import BodyKind, Diagnostic, Level, Request, Span
from harness.parsers.java_text import WHITESPACE, plain_spaces, unusual_space

__all__ = [
    "CONFIG_METHODS", "METHODS", "STARTYAML", "ConsoleParse", "body_kind", "json_stream_error", "json_value", "parse_console",
    "parse_console_detail",
]

# ``json.loads``, remembering the last few bodies read: a cloud page's request and response bodies are
# each read up to three times (their kind, the error-shape test, the check against the tables). The
# values are shared, so no caller may change one; a body that is not JSON raises every time.
json_value: Callable[[str], Any] = functools.lru_cache(maxsize=8)(json.loads)

METHODS = ("GET", "PUT", "POST", "HEAD", "OPTIONS", "DELETE")
# the request lines docharness's own console text accepts (the configuration's named setups, teardowns and
# reset steps): Elasticsearch's named setups are YAML calls, not console text, so no build rule limits them,
# and a live target may need PATCH to end what a test started (Flink cancels a job with PATCH). A page read
# as Elasticsearch's build reads it keeps METHODS: there, PATCH is no request line.
CONFIG_METHODS = (*METHODS, "PATCH")
STARTYAML = "STARTYAML"

_HTTP_VERSION = re.compile(r"\s+HTTP/\d(?:\.\d)?\s*$")


def _syntax(methods: tuple[str, ...]) -> re.Pattern[str]:
    bad_body = "|".join(methods) + "|startyaml|#"
    return re.compile(
        rf"(?:(?P<comment>#.+)|(?:(?P<method>{'|'.join(methods)})\s+(?P<path>[^\n]+)"
        rf"(?P<body>(?:\n(?!{bad_body})[^\n]+)+)?|startyaml(?P<yaml>(?s:(?:(?!startyaml).)+?))endyaml))\n+",
        re.ASCII)  # Java's \s: no Unicode spaces (a no-break space after the method leaves no request line)


_SYNTAX = _syntax(METHODS)
_CONFIG_SYNTAX = _syntax(CONFIG_METHODS)


class ConsoleParse:
    """The requests of one snippet, plus what its last element was (for the lost-catch check).

    :param requests: the parsed requests, in order.
    :param diagnostics: what was wrong.
    :param ends_with_request: ``False`` when the snippet ends in a ``# comment`` or a yaml block,
        so Elasticsearch gives ``catch:`` to no request.
    """

    __slots__ = ("diagnostics", "ends_with_request", "requests")

    def __init__(self, requests: tuple[Request, ...], diagnostics: list[Diagnostic], ends_with_request: bool) -> None:
        self.requests = requests
        self.diagnostics = diagnostics
        self.ends_with_request = ends_with_request


def parse_console(contents: str, span: Span, *, patch: bool = False) -> tuple[tuple[Request, ...], list[Diagnostic]]:
    """Parse console ``contents`` into requests.

    :param contents: the snippet's lines, each ending in a newline, after substitutions.
    :param span: where the contents sit; ``span.line`` is the line of the first content line.
        Request spans point at their method lines.
    :param patch: accept ``PATCH`` request lines (``CONFIG_METHODS``: the configuration's own console
        text); a page keeps Elasticsearch's grammar.
    """
    parsed = parse_console_detail(contents, span, patch=patch)
    return parsed.requests, parsed.diagnostics


def parse_console_detail(contents: str, span: Span, *, check_bodies: bool = True,
                         substituted: bool = False, patch: bool = False) -> ConsoleParse:
    """``parse_console`` plus whether the snippet ends in a request (see ``ConsoleParse``).

    :param check_bodies: warn (``invalid-request-json``) about bodies the runner cannot read as a
        stream of JSON objects; off for skipped tests, which the runner never sends.
    :param substituted: the contents are the page's text after substitutions (said in the warning).
    :param patch: accept ``PATCH`` request lines (see ``parse_console``).
    """
    if not contents.strip():
        return ConsoleParse((), [Diagnostic(Level.ERROR, "empty-console-snippet", "the console snippet is empty", span,
                                            "write at least one request: METHOD path")], False)
    if not contents.endswith("\n"):
        contents += "\n"
    requests: list[Request] = []
    warnings: list[Diagnostic] = []  # problems that do not stop the parse
    body_end = -1  # where the last body with a warning ends: a gap right there cut that body short
    offset = 0
    last_is_request = False
    for found in (_CONFIG_SYNTAX if patch else _SYNTAX).finditer(contents):
        if found.start() != offset:
            return ConsoleParse(tuple(requests), [*_uncut(warnings, body_end, offset),
                                                  _gap(contents, offset, found.start(), span)], False)
        offset = found.end()
        comment, method, _, _, yaml = found.groups()
        last_is_request = method is not None
        if comment is not None:
            continue
        where = _span_at(contents, found.start(), span)
        if yaml is not None:
            requests.append(Request(STARTYAML, "", yaml, BodyKind.TEXT, span=where))
            continue
        request, problem = _request(found, where)
        requests.append(request)
        if (space := unusual_space(request.path)) is not None:  # sent as written, as the build sends it
            warnings.append(Diagnostic(
                Level.WARNING, "unusual-space-in-path", f"the request line's path {request.path[:80]!r} holds "
                f"{space}: it is sent as part of the path (percent-encoded), as Elasticsearch's build sends it",
                where, "replace the character with a plain space, or delete it"))
        if "#" in request.path.partition("?")[0]:  # the runner's client reads it as a fragment: not sent
            warnings.append(Diagnostic(
                Level.WARNING, "fragment-in-path", f"the request line's path {request.path[:80]!r} holds '#': "
                "Elasticsearch's runner reads the rest of the path as a URL fragment and never sends it", where,
                "remove the '#' and what follows it, or write it %23 if it belongs to the path"))
        if _HTTP_VERSION.search(request.path):  # sent as part of the path, as Elasticsearch's build reads the line
            warnings.append(Diagnostic(
                Level.WARNING, "http-version-in-path", f"the request line's path {request.path[:80]!r} ends with an "
                "HTTP version: console requests have none, so it is sent as part of the path", where,
                "remove the HTTP version: write METHOD path"))
        if problem:
            return ConsoleParse(tuple(requests), [*warnings, problem], last_is_request)
        if check_bodies and request.body is not None and not _readable(request):
            warnings.extend(_invalid_body(contents, found, request.body, span, substituted))
            body_end = found.end()
    if offset != len(contents):
        return ConsoleParse(tuple(requests), [*_uncut(warnings, body_end, offset),
                                              _gap(contents, offset, len(contents), span)], False)
    return ConsoleParse(tuple(requests), warnings, last_is_request)


def _uncut(warnings: list[Diagnostic], body_end: int, gap: int) -> list[Diagnostic]:
    """The warnings, less the last body's when the gap error right after it explains it better."""
    return warnings[:-1] if warnings and body_end == gap else warnings


def _request(found: re.Match[str], where: Span) -> tuple[Request, Diagnostic | None]:
    _, method, path, raw_body, _ = found.groups()
    if raw_body is None:
        return Request(method, path.strip(WHITESPACE), None, BodyKind.NONE, (), where), None
    body, problem = _block_quotes(raw_body[1:], where)
    kind = body_kind(body)
    if kind is BodyKind.TEXT and "/" in body:
        # Elasticsearch's runner reads a body with its JSON parser, which allows // and /* */ comments, and
        # sends it re-serialised, as JSON: so does this, the comments made blanks (lines and columns stay)
        bare = _STRING_OR_COMMENT.sub(_blank, body)
        if bare != body and (bare_kind := body_kind(bare)) is not BodyKind.TEXT:
            body, kind = bare, bare_kind
    return Request(method, path.strip(WHITESPACE), body, kind, (), where), problem


def _block_quotes(body: str, where: Span) -> tuple[str, Diagnostic | None]:
    """Turn every ``\"\"\"...\"\"\"`` into a JSON string, as the build does (backslashes untouched)."""
    start = body.find('"""')
    if start < 0:
        return body, None
    out: list[str] = []
    done = 0
    while start >= 0:
        end = body.find('"""', start + 3)
        if end < 0:
            line = where.line + 1 + body.count("\n", 0, start)
            return body, Diagnostic(
                Level.ERROR, "unterminated-block-quote",
                f'invalid block quote: the """ at offset {start} is never closed',
                Span(where.path, line, 1), 'close the string with """ or write it as a JSON string')
        inner = body[start + 3:end].replace('"', '\\"').replace("\n", "\\n")
        out.append(body[done:start] + '"' + inner + '"')
        done = end + 3
        start = body.find('"""', done)
    out.append(body[done:])
    return "".join(out), None


def _readable(request: Request) -> bool:
    """The common case, decided without a second parse: one JSON object, or NDJSON lines of objects."""
    if request.body_kind is BodyKind.JSON:
        return request.body is not None and request.body.lstrip().startswith("{")
    if request.body_kind is BodyKind.NDJSON and request.body is not None:
        return all(line.lstrip().startswith("{") for line in request.body.split("\n") if line.strip())
    return False


# A JSON string (kept), or a comment: Elasticsearch's JSON reader allows // and /* */ comments.
# An unterminated string, comment or """ block runs to the end of its line (string) or of the text
# and is kept as written: left unmatched, every later quote would start a new scan to the end
# (quadratic on a long line of \").
_STRING_OR_COMMENT = re.compile(r'"(?:\\.|[^"\\\n])*+(?:"|\\?(?=\n)|\\?\Z)|//[^\n]*|/\*(?s:.*?)(?:\*/|\Z)')
_BLOCK_QUOTE_OR_STRING_OR_COMMENT = re.compile(r'"""(?s:.*?)(?:"""|\Z)|' + _STRING_OR_COMMENT.pattern)
_DECODER = json.JSONDecoder()
_NOT_WHITESPACE = re.compile(r"\S")
_JSON_TYPES = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "a boolean"}


def _blank(found: re.Match[str]) -> str:
    """A comment becomes blanks and a \"\"\" string becomes "" and blanks: offsets and lines stay put."""
    text = found.group(0)
    if text.startswith('"""') and len(text) >= 6 and text.endswith('"""'):
        return '""' + re.sub(r"[^\n]", " ", text[2:])
    unterminated = text.startswith("/*") and (len(text) < 4 or not text.endswith("*/"))
    return text if text.startswith('"') or unterminated else re.sub(r"[^\n]", " ", text)


def json_stream_error(body: str, *, block_quotes: bool = False) -> tuple[str, int] | None:
    """Why ``body`` is not a stream of JSON objects as Elasticsearch's runner reads it, with the
    offset of the problem; ``None`` when it is one.

    :param block_quotes: also read ``\"\"\"...\"\"\"`` as strings (the body as written on the page).
    """
    text = (_BLOCK_QUOTE_OR_STRING_OR_COMMENT if block_quotes else _STRING_OR_COMMENT).sub(_blank, body)
    found = _NOT_WHITESPACE.search(text)
    while found is not None:
        start = found.start()
        try:
            value, end = _DECODER.raw_decode(text, start)
        except json.JSONDecodeError as exc:
            return _explained(text, exc)
        except RecursionError:
            return "the JSON is nested deeper than can be read", start
        if not isinstance(value, dict):
            return f"expected a JSON object, found {_JSON_TYPES.get(type(value), 'a value')}", start
        found = _NOT_WHITESPACE.search(text, end)
    return None


def _explained(text: str, exc: json.JSONDecodeError) -> tuple[str, int]:
    """Python's JSON message and offset, or plainer ones for the mistakes pages make most."""
    at = text[exc.pos:exc.pos + 1]
    if at == "$":
        return "an unquoted stash reference (only quoted \"$...\" strings are resolved)", exc.pos
    before = text[:exc.pos].rstrip()
    if at in ("}", "]") and before.endswith(","):
        return f"a trailing comma before '{at}'", len(before) - 1
    if text.startswith("...", exc.pos):
        return "'...' (an elided part) is not JSON", exc.pos
    return exc.msg, exc.pos


def _invalid_body(contents: str, found: re.Match[str], body: str, span: Span, substituted: bool) -> list[Diagnostic]:
    """The ``invalid-request-json`` warning for one request, at the offending body line and column."""
    error = json_stream_error(body)
    if error is None:
        return []
    raw = found.group("body")[1:]
    located = json_stream_error(raw, block_quotes=True)
    message, offset = located or (error[0], 0)  # a problem inside a \"\"\" string: point at the body
    first_line = span.line + contents.count("\n", 0, found.start("body") + 1)
    line = min(first_line + raw.count("\n", 0, offset), span.end_line or first_line + raw.count("\n"))
    column = offset - raw.rfind("\n", 0, offset)
    # the page's line may not show what a substitution made: quote the text the runner would read
    after = f" after the page's substitutions, at {raw[offset:offset + 24].split(chr(10))[0]!r}" if substituted else ""
    return [Diagnostic(
        Level.WARNING, "invalid-request-json",
        f"the request body is not valid JSON{after}: {message} (column {column}); "
        "Elasticsearch's runner fails this test", Span(span.path, line, column, line, column),
        "fix the JSON, or mark the snippet // NOTCONSOLE (not a test) or TEST[skip:reason]")]


def body_kind(body: str) -> BodyKind:
    """JSON when the body is one JSON value, NDJSON when it is more than one JSON line, else TEXT."""
    try:
        json_value(body)
        return BodyKind.JSON
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the JSON reader goes
        pass
    lines = [line for line in body.split("\n") if line.strip()]
    if len(lines) > 1:
        try:
            for line in lines:
                json.loads(line)
            return BodyKind.NDJSON
        except (ValueError, RecursionError):
            pass
    return BodyKind.TEXT


def _span_at(contents: str, offset: int, span: Span) -> Span:
    skipped = 0
    while offset + skipped < len(contents) and contents[offset + skipped] == "\n":
        skipped += 1
    line = span.line + contents.count("\n", 0, offset + skipped)
    if span.end_line:
        line = min(line, span.end_line)
    return Span(span.path, line, 1)


def _gap(contents: str, start: int, end: int, span: Span) -> Diagnostic:
    where = _span_at(contents, start, span)
    text = contents[start:end]
    first = text.strip("\n").split("\n", 1)[0]
    if start == 0:
        message = f"the console snippet does not start with a request: {first!r}"
    else:
        message = f"this console line is not part of any request: {first!r}"
    space = unusual_space(first)
    if space is not None and _SYNTAX.match(plain_spaces(first) + "\n"):  # the character is all that is wrong
        return Diagnostic(Level.ERROR, "bad-console-body", f"{message}: it holds {space}, which is no space to "
                          "Elasticsearch's build (Java's \\s is ASCII), so the line is no request line there",
                          where, "replace the character with a plain space")
    return Diagnostic(Level.ERROR, "bad-console-body", message, where, _console_hint(text, start))


def _console_hint(text: str, start: int) -> str:
    stripped = text.lstrip("\n")
    word = stripped.split(None, 1)[0] if stripped.strip() else ""
    if word.upper() == "PATCH":
        return ("PATCH is not supported by Elasticsearch's console grammar (GET, PUT, POST, HEAD, OPTIONS, DELETE); "
                "a named setup or teardown in docharness.toml may send it (TEST[teardown:name])")
    if word.upper() in METHODS and word not in METHODS:
        return f"write the method in upper case: {word.upper()}"
    if stripped.startswith("#"):
        return "a comment needs text after '#'"
    if start > 0 and stripped[:1] in '{}[]" ':
        return "a blank line inside a request body ends it; remove the blank line"
    return "start each request with METHOD path on its own line (GET, PUT, POST, HEAD, OPTIONS, DELETE)"
