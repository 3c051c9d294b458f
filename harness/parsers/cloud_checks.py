"""Checks of a cloud page's examples against its own tables.

A page contradicts itself more often than one would think: an example path that
does not fit the URI template, a body without a required key or with a key the
request table never mentions, a response value whose JSON type is not the
documented one (``"true"`` for a Boolean). Each finding is a warning at the line,
so the writer can fix the page before replay finds it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from typing import Any

from harness.model import BodyKind, Diagnostic, Example, Level, ObjectTable, Operation, Parameter, Role, Span
from harness.parsers.cloud_tables import response_fields
from harness.parsers.console import json_value

__all__ = ["check_examples", "template_pattern"]

_PLACEHOLDER = re.compile(r"\{[^{}/]+\}|<[^<>/]+>")
_MAX_DEPTH = 8
_DEFAULT = re.compile(r"\bdefault(?: value)?\s*(?:is|[:：])\s*(?!n/?a\b|none\b|null\b|left\b|blank\b|empty\b|-)\w",
                      re.I)
# a "mandatory" field the description makes conditional ("available only when type is DLISQL", "mandatory
# when keyname is used"): an example of the other case leaves it out rightly
_CONDITIONAL = re.compile(r"\b(?:(?:available|valid|used|needed|applies|displayed) only (?:when|if|for)|"
                          r"only (?:when|if) \w|(?:mandatory|required) (?:only )?(?:when|if|for)\b)", re.I)


def template_pattern(template: str) -> re.Pattern[str]:
    """A regex matching the concrete paths a template allows (query and trailing ``/`` ignored)."""
    path = template.split("?", 1)[0].rstrip("/")
    parts = _PLACEHOLDER.split(path)
    return re.compile("[^/]+".join(re.escape(p) for p in parts) + "/?")


@functools.lru_cache(maxsize=4096)
def _segment_pattern(segment: str) -> re.Pattern[str]:
    return re.compile("[^/]+".join(re.escape(p) for p in _PLACEHOLDER.split(segment)))


def path_fits(template: str, concrete: str) -> bool:
    """``template_pattern(template).fullmatch(concrete)``, one ``/``-separated segment at a time.

    A placeholder never spans a ``/``, so the whole pattern matches exactly when every segment
    matches its own: plain segments are compared, the others' small patterns are shared by every
    page (compiling one pattern per page's template was a tenth of a cloud page's parse).
    """
    wanted = template.split("?", 1)[0].rstrip("/").split("/")
    given = concrete.split("/")
    if len(given) == len(wanted) + 1 and given[-1] == "":  # the trailing "/" the pattern allows
        given.pop()
    if len(given) != len(wanted):
        return False
    for want, got in zip(wanted, given):
        if "{" not in want and "<" not in want:
            if want != got:
                return False
        elif _segment_pattern(want).fullmatch(got) is None:
            return False
    return True


_JSON_TYPES: dict[str, type | tuple[type, ...]] = {
    "array": list, "list": list, "bool": bool, "boolean": bool, "string": str, "str": str, "enum": str,
    "integer": (int, float), "int": (int, float), "long": (int, float), "number": (int, float),
    "float": (int, float), "double": (int, float), "short": (int, float), "object": dict, "map": dict, "dict": dict}


@functools.lru_cache(maxsize=1024)  # a page's fields share a few type texts
def _json_type(type_text: str) -> type | tuple[type, ...] | None:
    """The JSON type a documented type names by its first word (``Array of X``, ``Boolean``), if any."""
    words = re.findall(r"[a-z]+", type_text.lower())
    if not words:
        return None
    if words[0] not in _JSON_TYPES and words[-1] == "object":
        return dict  # "CreateListenerOption object"
    return _JSON_TYPES.get(words[0])


def _type_name(value: Any) -> str:
    return {bool: "a boolean", str: "a string", int: "a number", float: "a number", list: "an array",
            dict: "an object"}.get(type(value), "null")


def _shown_at(line: str, key: str) -> int:
    """The 1-based column of ``"key"`` on a page line (``&quot;key&quot;`` in HTML source too), else 0."""
    found = line.find(f'"{key}"')
    return found + 1 if found >= 0 else line.find(f"&quot;{key}&quot;") + 1


def _line_of(key: str, source: str, span: Span, lines: list[str]) -> Span:
    """Where ``"key"`` is in the example source (line, and columns when the page line shows it).

    The source's lines map onto the page's from the block's last line back, unless the example joins
    blocks (an "Example URL request" block and a body block: the source has a line the page has not);
    then the key's occurrence is looked up on the page lines of the example itself, and the example's
    first line is given when the page does not show it (never a line that was not checked).
    """
    quoted = f'"{key}"'
    at = source.find(quoted)
    first = span.last_line - source.count("\n")  # the block's first content line
    line = max(first, span.line) + (source.count("\n", 0, at) if at >= 0 else 0)
    if at < 0:
        return Span(span.path, line)
    if not (0 < line <= len(lines) and _shown_at(lines[line - 1], key)):
        nth = source.count(quoted, 0, at)
        shown = [number for number in range(span.line, min(span.last_line, len(lines)) + 1)
                 if _shown_at(lines[number - 1], key)]
        if nth >= len(shown):
            return Span(span.path, span.line)
        line = shown[nth]
    column = _shown_at(lines[line - 1], key)
    return Span(span.path, line, column, line, column + len(key) + 1)


_CHOSEN_KEY = re.compile(r"\{[^{}]+\}|<[^<>]+>|\*")  # a table row for any key: "{Customized_key}", "<key>"


class _Checker:
    """Compares example bodies with the parameter and object tables of one operation."""

    def __init__(self, operation: Operation, lines: list[str]) -> None:
        self.operation, self.lines = operation, lines
        self.objects = {o.name: o for o in operation.objects}
        self.diagnostics: list[Diagnostic] = []

    def fields_of(self, parameter: Parameter) -> tuple[Parameter, ...] | None:
        table: ObjectTable | None = self.objects.get(parameter.object_ref)
        return table.fields if table else None

    def body_keys(self, value: Any, fields: tuple[Parameter, ...], where: str, source: str, span: Span,
                  depth: int = 0) -> None:
        if not isinstance(value, dict) or depth > _MAX_DEPTH or not fields:
            return
        names = {f.name for f in fields}
        # a row named "{Customized_key}" or "<key>" stands for keys the caller chooses: none is undocumented
        chosen = next((f for f in fields if _CHOSEN_KEY.fullmatch(f.name)), None)
        for field in fields:  # a "mandatory" field with a documented default or a condition may be left out
            if (field.required and field.name not in value and field is not chosen
                    and not _DEFAULT.search(field.description) and not _CONDITIONAL.search(field.description)):
                self.warn("missing-required-key", f"the example body has no {where + field.name!r}, which the "
                          f"request table marks mandatory", Span(span.path, span.line, span.column),
                          "add the key to the example or fix the table")
        for key, item in value.items():
            if key not in names and chosen is not None:
                for element in (item if isinstance(item, list) else [item]):
                    self.body_keys(element, self.fields_of(chosen) or (), f"{where}{key}.", source, span, depth + 1)
                continue
            if key not in names:
                self.warn("undocumented-key", f"the example body's key {where + key!r} is not in the request "
                          f"parameter table", _line_of(key, source, span, self.lines), "document the key or remove it")
                continue
            field = next(f for f in fields if f.name == key)
            for element in (item if isinstance(item, list) else [item]):
                self.body_keys(element, self.fields_of(field) or (), f"{where}{key}.", source, span, depth + 1)

    def response_types(self, value: Any, fields: tuple[Parameter, ...], where: str, source: str, span: Span,
                       depth: int = 0) -> None:
        if not isinstance(value, dict) or depth > _MAX_DEPTH:
            return
        for field in fields:
            if field.name not in value or value[field.name] is None:
                continue
            item = value[field.name]
            expected = _json_type(field.type)
            mismatch = expected is not None and (not isinstance(item, expected) or (
                expected is not bool and isinstance(item, bool)))
            if mismatch:
                self.warn("response-type-mismatch", f"{where + field.name!r} is documented as {field.type} but the "
                          f"example response shows {json.dumps(item)[:40]} ({_type_name(item)})",
                          _line_of(field.name, source, span, self.lines),
                          "make the example value match the documented type")
                continue
            for element in (item if isinstance(item, list) else [item]):
                self.response_types(element, self.fields_of(field) or (), f"{where}{field.name}.", source, span,
                                    depth + 1)

    def warn(self, code: str, message: str, span: Span, hint: str) -> None:
        self.diagnostics.append(Diagnostic(Level.WARNING, code, message, span, hint))


def _json(text: str | None) -> Iterator[Any]:
    if text is None:
        return
    try:
        yield json_value(text)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the JSON reader goes
        return


def _fits(method: str, path: str, templates: tuple[str, ...]) -> bool:
    concrete = "/" + path.split("?", 1)[0].lstrip("/")  # "v1/x" and "/v1/x" are the same path
    for template in templates:
        verb, _, pattern = template.partition(" ")
        if verb == method and path_fits("/" + pattern.lstrip("/"), concrete):
            return True
    return False


def check_examples(examples: list[Example], operation: Operation, templates: tuple[str, ...] = (),
                   lines: list[str] | None = None) -> list[Diagnostic]:
    """Warnings where the page's examples contradict its URI template(s) or its tables.

    :param templates: every documented ``METHOD path`` (default: the operation's).
    :param lines: the page's source lines, to point at the offending key.
    """
    checker = _Checker(operation, lines or [])
    templates = templates or (f"{operation.method} {operation.path}",)
    body_fields = tuple(p for p in operation.parameters if p.location == "body")
    seen: set[int] = set()
    for example in (e for e in examples if e.role is Role.TEST):
        for request in example.requests:
            span = request.span or example.span
            if not _fits(request.method, request.path, templates):
                checker.warn("path-mismatch", f"the example request {request.method} {request.path} does not fit "
                             f"the documented {operation.method} {operation.path}", span,
                             "fix the example's method or path, or the URI section")
                continue
            if request.body_kind is BodyKind.JSON and body_fields:
                # the request's line, and the example's last one: where its body's keys are looked up
                within = Span(span.path, span.line, span.column, max(example.span.last_line, span.line))
                for value in _json(request.body):
                    checker.body_keys(value, body_fields, "", example.source, within)
        for expected in example.expected:
            if id(expected) in seen:  # several examples share one documented response
                continue
            seen.add(id(expected))
            for value in _json(expected.body if expected.body_kind is BodyKind.JSON else None):
                fields = response_fields(operation)
                if isinstance(value, list) and len(fields) == 1 and _json_type(fields[0].type) is list:
                    value = {fields[0].name: value}  # a bare array documented as one "array" row
                checker.response_types(value, fields, "", expected.source, expected.span or example.span)
    return checker.diagnostics
