"""Parameter, response-field, object and status-code tables of a cloud-style page.

A table's columns are found by their header text (Parameter / Mandatory / Type /
Description, Status Code / Description, or a header saying so in a word: "Mandatory
(Yes/No)"); a table that looks like a parameter or status table but whose name or
code column cannot be found is a warning at its line, never dropped unsaid. Its location (path, query, header, body,
response) by its caption and its section. A table that another row refers to -
by a link to its anchor or by naming it in the type (``Array of
JobValidationResult objects``) - is a nested object table, not a top-level one.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, fields, replace

from harness.model import Diagnostic, Level, ObjectTable, Operation, Parameter, Span, StatusCode
from harness.parsers.cloud_sections import Kind, Section, placeholders, status_label
from harness.parsers.page import Cell, Table, Text

__all__ = ["RESPONSE", "RESPONSE_HEADER", "TableFindings", "read_tables", "response_fields"]

# where a response field goes: the body of a success answer, or its headers ("Response header parameters")
RESPONSE, RESPONSE_HEADER = "response", "response_header"

# read_tables makes each Parameter by position: fail at import, not with shuffled fields, if the order changes
if [f.name for f in fields(Parameter)] != ["name", "location", "required", "type", "description", "object_ref"]:
    raise ImportError("harness.model's Parameter fields changed order: update cloud_tables.read_tables")

_NAME_COLUMNS = ("parameter", "name", "field", "parameter name", "attribute", "header", "key", "element")
_REQUIRED_COLUMNS = ("mandatory", "required", "mandatory/optional", "optional", "is mandatory", "m/o")
_TYPE_COLUMNS = ("type", "data type", "value type", "parameter type")
_DESCRIPTION_COLUMNS = ("description", "remarks", "meaning", "details")
_STATUS_COLUMNS = ("status code", "http status code", "status", "code", "returned value", "returned values",
                   "return code", "return codes")
_TABLE_PREFIX = re.compile(r"^table\s*[\d.-]*\s*[:.]?\s*", re.I)
_CAPTION_WORD = re.compile(r"[a-z0-9_-]+")
_TYPE_WORD = re.compile(r"[\w-]+")
_STATUS_CODE = re.compile(r"^(\d{3})\b")
# a cell listing several codes ("200, 202", "200/201", "200 or 202"): each is documented
_MORE_CODES = re.compile(r"\s*(?:,|/|;|&|\bor\b|\band\b)\s*(\d{3})\b")
_GENERIC_TYPES = {"string", "object", "objects", "array", "integer", "int", "long", "boolean", "number", "float",
                  "double", "list", "map", "of", "and", "or", "table", "parameter", "parameters", "description",
                  "request", "response", "path", "query", "header", "body", "uri"}


@dataclass(slots=True)
class TableFindings:
    """What the tables of a page document, ready for the Operation."""

    parameters: tuple[Parameter, ...] = ()
    response_fields: tuple[Parameter, ...] = ()
    objects: tuple[ObjectTable, ...] = ()
    status_codes: tuple[StatusCode, ...] = ()
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass(slots=True)
class _Found:
    table: Table
    kind: Kind
    status: int | None
    columns: dict[str, int]
    name: str
    side: str = "request"  # or "response": same-named objects on both sides are kept apart


_GENERIC_CAPTION = _GENERIC_TYPES | {
    "table", "requests", "responses", "headers", "params", "param", "descriptions", "field", "fields", "the",
    "returned", "values", "value", "common", "elements", "element", "attributes", "attribute", "input", "output",
    "message", "structure", "in", "a", "an", "to", "for", "this", "api", "status", "code", "codes", "information",
    "info", "data", "result", "results", "normal", "format", "url", "body", "parameter", "parameters"}


def _named(found: _Found) -> bool:
    """Whether the caption names a particular object (``image field description``), not "Request parameters"."""
    words = _CAPTION_WORD.findall(_TABLE_PREFIX.sub("", found.table.caption).lower())
    return any(w not in _GENERIC_CAPTION and not w.isdigit() for w in words)


def _body_side(found: _Found) -> bool:
    caption = found.table.caption.lower()
    return found.kind is not Kind.URI and not any(w in caption for w in ("header", "query", "path", "uri"))


_ROLES = (("name", _NAME_COLUMNS), ("required", _REQUIRED_COLUMNS), ("type", _TYPE_COLUMNS),
          ("description", _DESCRIPTION_COLUMNS), ("status", _STATUS_COLUMNS))
# a header that is none of the names above but says its role in a word: "Mandatory (Yes/No)", "Data type (length)"
_NOTE = r"(?:\s*\(.*\)|\s+or\s+not|\s*/\s*optional)?$"  # "(Yes/No)", "or not": never "Required Permission"
_ROLE_WORDS = (("required", re.compile(r"^(?:is\s+)?(?:mandatory|required)" + _NOTE)),
               ("type", re.compile(r"^(?:data\s+|value\s+)?type" + _NOTE)),
               ("status", re.compile(r"^(?:http\s+)?status\s+codes?" + _NOTE)),
               ("status", re.compile(r"^error\s+codes?$")))  # only when no column names the status: "409 Conflict"


def _columns(header: tuple[Cell, ...]) -> dict[str, int]:
    return dict(_column_roles(tuple(cell.text for cell in header)))


@functools.lru_cache(maxsize=1024)  # a page's tables share a few header rows (Parameter / Mandatory / Type ...)
def _column_roles(header: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """The (role, column index) pairs of a header row's texts: ``_columns``'s work, once per header."""
    roles: dict[str, int] = {}
    texts = [" ".join(cell.lower().replace("*", "").split()) for cell in header]
    for index, text in enumerate(texts):
        for role, names in _ROLES:
            if text in names and role not in roles:
                roles[role] = index
                break
    for index, text in enumerate(texts):
        if index in roles.values():
            continue
        said = next((r for r, words in _ROLE_WORDS if r not in roles and words.search(text)), None)
        if said is not None:
            roles[said] = index
    return tuple(roles.items())


_OBJECT_NAMES = tuple(re.compile(p, re.I) for p in (
    r"^(\S+) (?:field|object|structure|parameter)s?(?: description| parameters)?$",
    r"^description of (?:the )?(\S+)(?: field| object)?$", r"^(\S+) parameters?$"))


def _object_name(caption: str) -> str:
    """``Table 3 reboot field description`` -> ``reboot``; ``Table 4 JobValidationResult`` -> itself."""
    rest = _TABLE_PREFIX.sub("", caption).strip()
    for pattern in _OBJECT_NAMES:
        found = pattern.match(rest)
        if found:
            return found[1]
    return rest


@functools.lru_cache(maxsize=1024)  # read once per template, not once per row
def _template_names(template: str) -> tuple[frozenset[str], frozenset[str]]:
    """The lower-cased placeholders of the template's path, and the names its query uses."""
    path, _, query = template.partition("?")
    return frozenset(n.lower() for n in placeholders(path)), frozenset(
        {n.lower() for n in placeholders(query)} | set(re.findall(r"[?&]([\w.-]+)=", f"?{query}")))


def _location(found: _Found, template: str, name: str, method: str = "") -> str:
    """Where a parameter goes: caption and section first, then the URI template and the method."""
    caption = found.table.caption.lower()
    template_names, query_names = _template_names(template)
    if found.kind is Kind.RESPONSE or "response" in caption:
        return "response"
    if "header" in caption:
        return "header"
    if "query" in caption or name.lower() in query_names:
        return "query"
    if found.kind is Kind.URI or "path" in caption or "uri" in caption:
        return "path" if not template_names or name.lower() in template_names else "query"
    if method.upper() in ("GET", "HEAD") and "body" not in caption:  # a GET's "Request" table: its query
        return "path" if name.lower() in template_names else "query"
    if found.kind is Kind.EXAMPLE_REQUEST and name.lower() in template_names:
        # the URI section's table after its "Example" label (an RDS page: "Example", the URL, "Parameter
        # description", the table): an example section holds no table of its own, and a row named as a
        # placeholder of the URI is that path parameter, not a body field
        return "path"
    return "body"


_REQUIRED_WORDS = {**dict.fromkeys(("yes", "y", "true", "mandatory", "required", "m"), True),
                   **dict.fromkeys(("no", "n", "false", "optional", "o"), False)}


def _cell(row: tuple[Cell, ...], index: int | None) -> Cell:
    return row[index] if index is not None and index < len(row) else Cell("")


def _unread(section: Section, table: Table, columns: dict[str, int]) -> str:
    """What a table none of whose columns names a parameter or a status would have been, or ``""``.

    A table with a Mandatory or Type column is a parameter table; one whose first column holds
    3-digit codes in a status-code section is a status table. Others (a table of enum values,
    "Tag Name | Description") are prose, never a warning.
    """
    if "required" in columns or "type" in columns:
        return "parameter"
    rows = table.rows if table.header else table.rows[1:]
    if section.kind is Kind.STATUS and rows and all(_STATUS_CODE.match(_cell(r, 0).text.strip()) for r in rows):
        return "status-code"
    return ""


_LEAD_WORDS = 8  # a label over a table ("Parameters in the request header"), not a paragraph of prose


def _collect(sections: list[Section], diagnostics: list[Diagnostic]) -> tuple[list[_Found], list[Table]]:
    """The parameter tables with their section and status context, and the status tables; a table that
    looks like one of them but whose columns cannot be read is a warning, never dropped unsaid."""
    params: list[_Found] = []
    statuses: list[Table] = []
    for section in sections:
        status: int | None = None
        lead: Text | None = None  # the text right before a table: "-  Parameters in the request header"
        for block in section.blocks:
            if isinstance(block, Text) and (label := status_label(block.text)) is not None:
                status = label
            if not isinstance(block, Table):
                lead = block if isinstance(block, Text) else None
                continue
            if not block.caption and lead is not None and len(lead.text.split()) <= _LEAD_WORDS:
                block = replace(block, caption=lead.text)  # an uncaptioned table's label is its caption
            lead = None
            header = block.header or (block.rows[0] if block.rows else ())
            columns = _columns(header)
            if "status" in columns and "name" not in columns:
                statuses.append(block)
            elif "name" not in columns and (kind := _unread(section, block, columns)):
                diagnostics.append(Diagnostic(
                    Level.WARNING, "table-not-read", f"this table looks like a {kind} table, but none of its columns "
                    f"({', '.join(repr(c.text.strip()) for c in header)}) is read as the "
                    f"{'parameter name' if kind == 'parameter' else 'status code'}; the table is not used",
                    block.span, hint="name the columns as the other pages do: Parameter | Mandatory | Type | "
                    "Description, or Status Code | Description"))
            elif "name" in columns:
                response = section.kind in (Kind.RESPONSE, Kind.EXAMPLE_RESPONSE) or "response" in \
                    block.caption.lower()
                params.append(_Found(block, section.kind, status, columns, _object_name(block.caption),
                                     "response" if response else "request"))
    return params, statuses


def _references(params: list[_Found]) -> dict[tuple[int, int], _Found]:
    """Which row ((table index, row index)) refers to which object table."""
    by_anchor = {a: f for f in params for a in f.table.anchors}
    by_name: dict[tuple[str, str], _Found] = {}
    for f in params:  # the first table of a name on each side
        if f.name and " " not in f.name:
            by_name.setdefault((f.side, f.name.lower()), f)
    type_words: dict[str, list[str]] = {}  # a page's rows share a few type texts
    named: dict[int, bool] = {}
    refs: dict[tuple[int, int], _Found] = {}
    for t, found in enumerate(params):
        sides = (found.side, "request" if found.side == "response" else "response")
        type_column, name_column = found.columns.get("type"), found.columns["name"]
        for r, row in enumerate(_body_rows(found)):
            target = _linked(row, by_anchor) if by_anchor else None
            if target is None:  # the type names it ("CreateListenerOption object"): this side first
                text = row[type_column].text if type_column is not None and type_column < len(row) else ""
                words = type_words.get(text)
                if words is None:
                    words = type_words[text] = [w for w in _TYPE_WORD.findall(text.lower()) if w not in _GENERIC_TYPES]
                target = next((by_name[(side, w)] for side in sides for w in words if (side, w) in by_name), None) \
                    if words else None
            if target is None:  # "image | Object" and a table captioned "image field description"
                name = row[name_column].text if name_column < len(row) else ""
                candidate = by_name.get((found.side, name.strip().lower()))
                if candidate is not None and named.setdefault(id(candidate), _named(candidate)):
                    target = candidate
            if target is not None and target is not found:
                refs[(t, r)] = target
    return refs


def _linked(row: tuple[Cell, ...], by_anchor: dict[str, _Found]) -> _Found | None:
    """The table the row's first in-page link that names a table's anchor points to."""
    for cell in row:
        for link in cell.links:
            anchor = link.lstrip("#").lower()
            if anchor in by_anchor:
                return by_anchor[anchor]
    return None


def _top_level(params: list[_Found], referenced: set[int]) -> set[int]:
    """The tables whose rows are top-level fields: generic captions, else a side's first body table.

    A table no row refers to but whose caption names an object (``Properties of the OBS
    link``, ``tag objects``) describes a nested or per-type object: it is never flattened.
    """
    top: set[int] = set()
    for side in ("request", "response"):
        group = [f for f in params if f.side == side and id(f) not in referenced]
        top |= {id(f) for f in group if not _named(f) or not _body_side(f)}
        if not any(_body_side(f) for f in group if id(f) in top):
            first = next((f for f in group if _body_side(f)), None)
            top |= {id(first)} if first is not None else set()
    return top


def _body_rows(found: _Found) -> tuple[tuple[Cell, ...], ...]:
    return found.table.rows if found.table.header else found.table.rows[1:]


def _object_key(found: _Found, request_names: set[str]) -> str:
    """The object's name; a response object named like a request one is ``name (response)``."""
    return f"{found.name} (response)" if found.side == "response" and found.name in request_names else found.name


def read_tables(sections: list[Section], template: str, path: str, method: str = "") -> TableFindings:
    """Read every parameter and status-code table of the page's sections."""
    findings = TableFindings()
    params, statuses = _collect(sections, findings.diagnostics)
    refs = _references(params)
    referenced = {id(f) for f in refs.values()}
    top_level = _top_level(params, referenced)
    names = {f.name for f in params if f.side == "request" and id(f) not in top_level}
    top: list[Parameter] = []
    objects: dict[int, ObjectTable] = {}
    for t, found in enumerate(params):
        rows: list[Parameter] = []
        columns = found.columns
        name_at, required_at, type_at, about_at = (columns["name"], columns.get("required"), columns.get("type"),
                                                    columns.get("description"))
        # the location every row of the table has, when it does not depend on the row's name: "Response header
        # parameters" are headers the answer carries, not body fields; a nested object's fields are body fields,
        # whatever its caption says
        fixed = (RESPONSE_HEADER if "header" in found.table.caption.lower() else RESPONSE) \
            if found.kind in (Kind.RESPONSE, Kind.EXAMPLE_RESPONSE) else "body" if id(found) not in top_level else ""
        for r, row in enumerate(_body_rows(found)):
            width = len(row)  # _cell(row, i).text, inlined: four cells a row, thousands of rows a tree
            name = row[name_at].text.strip() if name_at < width else ""
            if not name:
                continue
            target = refs.get((t, r))
            rows.append(Parameter(  # by position (name, location, required, type, description, object_ref)
                name, fixed or _location(found, template, name, method),
                # _required, inlined
                _REQUIRED_WORDS.get(row[required_at].text.strip().lower().rstrip("."))
                if required_at is not None and required_at < width else None,
                row[type_at].text if type_at is not None and type_at < width else "",
                row[about_at].text if about_at is not None and about_at < width else "",
                _object_key(target, names) if target else ""))
        if id(found) not in top_level:
            objects.setdefault(id(found), ObjectTable(_object_key(found, names), tuple(rows), found.table.span))
        elif rows and rows[0].location in (RESPONSE, RESPONSE_HEADER):
            if found.status is None or 200 <= found.status < 300:
                findings.response_fields += tuple(rows)
        else:
            top.extend(rows)
    findings.parameters = tuple(top)
    findings.objects = tuple(objects.values())
    findings.status_codes = _status_codes(statuses, path, findings.diagnostics) + _stated_codes(sections)
    return findings


_NORMAL = re.compile(r"^(?:normal|success(?:ful)?|succeeded|ok)\b(?:\s*(?:response|request))?[\s:：/-]*(\d{3})?$",
                     re.I)


def _stated_codes(sections: list[Section]) -> tuple[StatusCode, ...]:
    """The success status written as prose in a status section: "Normal" then "200", "Normal: 204", or
    "Status Code:202."."""
    codes: list[StatusCode] = []
    for section in (s for s in sections if s.kind is Kind.STATUS):
        texts = [" ".join(b.text.split()) for b in section.blocks if isinstance(b, Text)]
        for index, text in enumerate(texts):
            found = _NORMAL.match(text)
            following = texts[index + 1] if index + 1 < len(texts) else ""
            code = found[1] if found and found[1] else following if found and re.fullmatch(r"\d{3}", following) else ""
            if code:
                codes.append(StatusCode(int(code), text))
            elif (stated := status_label(text)) is not None:  # "Status Code:202." as the section's sentence
                codes.append(StatusCode(stated, text))
    return tuple(codes)


def _status_codes(tables: list[Table], path: str, diagnostics: list[Diagnostic]) -> tuple[StatusCode, ...]:
    codes: list[StatusCode] = []
    for table in tables:
        columns = _columns(table.header or table.rows[0])
        rows = table.rows if table.header else table.rows[1:]
        lines = table.row_lines if table.header else table.row_lines[1:]
        if not any(_STATUS_CODE.match(_cell(row, columns["status"]).text.strip()) for row in rows):
            continue  # a table of resource states (ACTIVE, VERIFY_RESIZE ...), not of HTTP status codes
        for index, row in enumerate(rows):
            text = _cell(row, columns["status"]).text.strip()
            found = _STATUS_CODE.match(text)
            if found is None:
                if text:  # at the row that holds it, when its line is known
                    line = lines[index] if index < len(lines) and lines[index] else table.span.line
                    diagnostics.append(Diagnostic(
                        Level.WARNING, "bad-status-code", f"status code table row {text!r} is not a 3-digit code",
                        Span(path, line), hint="write the status code as a number such as 200"))
                continue
            description = _cell(row, columns.get("description")).text
            codes.append(StatusCode(int(found[1]), description))
            at = found.end()
            while more := _MORE_CODES.match(text, at):
                codes.append(StatusCode(int(more[1]), description))
                at = more.end()
    return tuple(codes)


def response_fields(operation: Operation | None, location: str = RESPONSE) -> tuple[Parameter, ...]:
    """The operation's response fields at ``location``: ``RESPONSE`` (a success body's fields) or
    ``RESPONSE_HEADER`` (the headers its success answers carry); none without an operation."""
    return tuple(f for f in operation.response_fields if f.location == location) if operation else ()
