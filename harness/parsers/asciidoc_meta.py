"""What an Elasticsearch API page documents: title, request line, parameters, privileges.

Reads the page's sections (``==== Request``, ``Path Parameters``, ``Query
Parameters``, ``Request Body``, ``Authorization``, ``Description``, response
codes) into ``Operation`` values. Comment blocks (``////``), comment lines and
code blocks are left out here; snippets are the scanner's business.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from harness.model import Diagnostic, Operation, Parameter, Span, StatusCode
from harness.parsers.prose import one_space_apart

__all__ = ["OUTLINE_MARKS", "PageMeta", "page_metadata", "plain"]

# the marks and the whitespace after them; the title is found by _heading_title (a lazy title
# before a trailing "\s*=*\s*" made the regex cubic on a long run of spaces)
_HEADING = re.compile(r"={1,6}\s+(?=\S)")
_REQUEST = re.compile(r"`\s*(GET|PUT|POST|HEAD|OPTIONS|DELETE|PATCH)\s+([^`\s]+)\s*`(?:\s+\+)?\s*")
_ITEM = re.compile(r"(\S.*?)::(?:\s+(.*))?")
_TYPE = re.compile(r"\((?:(required|optional)\s*,\s*)?([^()]*)\)\s*(.*)", re.IGNORECASE)
_SKIP_LINE = re.compile(r"\[\[.*\]\]|\[.*\]|:\w[\w-]*:.*|experimental\[.*\]|beta\[.*\]|include::.*|\+|ifdef::.*|"
                        r"endif::.*|ifndef::.*|ifeval::.*")
_STATUS = re.compile(r"`?(\d{3})`?(?:\s|$)")
# '<' cannot be inside a cross reference: without it excluded, a line of '<' is quadratic
_XREF_TEXT = re.compile(r"<<[^,<>]*,\s*+([^<>]*)>>")
_XREF = re.compile(r"<<([^<>]*)>>")
_RUN = re.compile(r"\S+")
_BACKTICKED = re.compile(r"`([^`]+)`")
_FLAG = re.compile(r"\((required|optional)\)", re.IGNORECASE)
_LOCATIONS = {"path": "path", "query": "query", "request body": "body", "body": "body"}


@dataclass(slots=True)
class _Section:
    """A heading and the visible runs of lines under it (0-based ``start, stop`` ranges into ``source``)."""

    title: str
    line: int
    source: Sequence[str]
    ranges: list[tuple[int, int]] = field(default_factory=list)

    @property
    def lines(self) -> list[tuple[int, str]]:
        return [(n + 1, self.source[n].rstrip()) for start, stop in self.ranges for n in range(start, stop)]


@dataclass(slots=True)
class PageMeta:
    """The page-level facts of one AsciiDoc page.

    :param title: the first heading.
    :param description: the lead paragraphs, plain text.
    :param operations: one per documented request line.
    :param diagnostics: problems found in the metadata (none so far are errors).
    """

    title: str = ""
    description: str = ""
    operations: tuple[Operation, ...] = ()
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _heading_title(line: str) -> str:
    """The title of a ``= Title ==`` line (``(={1,6})\\s+(\\S.*?)\\s*=*\\s*`` in linear time), ``""`` if none."""
    marks = _HEADING.match(line)
    if marks is None:
        return ""
    rest = line[marks.end():]
    title = rest.rstrip().rstrip("=").rstrip()
    return title or rest[0]  # the title keeps at least its first character, as the lazy group did


def plain(text: str) -> str:
    """AsciiDoc inline markup to plain text: cross references, links, backticks, attributes."""
    if "<<" in text:
        text = _XREF.sub(r"\1", _XREF_TEXT.sub(r"\1", text))
    if "[" in text:
        text = _strip_links(text)
    text = text.replace("`", "")
    return text if one_space_apart(text) else " ".join(text.split())


def _strip_links(text: str) -> str:
    r"""``re.sub(r"\S*\[([^\]]+)\]", r"\1", text)`` (a link or macro keeps only its bracket text),
    in linear time: that regex backtracks cubically on a long run of '[' without ']'.

    A match starts where a run of non-blanks starts (or where the previous match ended) and takes
    the run's last '[' that is followed by text and a ']'; none can end after the text's last ']'.
    """
    last = text.rfind("]")
    if last < 0:
        return text
    head = text[:last + 1]
    out: list[str] = []
    done = pos = 0
    while (run := _RUN.search(head, pos)) is not None:
        start, stop = run.span()
        opening = head.rfind("[", start, stop)
        while opening >= 0 and head.startswith("]", opening + 1):  # "[]" is not a link
            opening = head.rfind("[", start, opening)
        if opening < 0:
            pos = stop
            continue
        close = head.find("]", opening + 1)
        out.append(head[done:start])
        out.append(head[opening + 1:close])
        done = pos = close + 1
    out.append(text[done:])
    return "".join(out)


OUTLINE_MARKS = frozenset("=-+./")  # the first characters of headings, ----/++++/..../////, // comments


def _outline(lines: Sequence[str], marked: Sequence[int]) -> tuple[str, _Section, list[_Section]]:
    """The title, the lead and the sections, leaving out comments and delimited blocks.

    Only the ``marked`` lines (those starting with ``= - + . /``) can be headings,
    block delimiters or comments; the visible runs between the ones that cut the
    text are recorded as ranges, not copied (speed).
    """
    title = ""
    current = lead = _Section("", 0, lines)
    sections: list[_Section] = []
    block = ""  # the open delimited block's character, "" outside blocks
    start = 0  # where the current visible run began
    for index in marked:
        line = lines[index].rstrip()
        first = line[0]
        if block:  # inside a block only its closing delimiter matters
            if len(line) >= 4 and line.count(block) == len(line):
                block, start = "", index + 1
            continue
        if first != "=" and len(line) >= 4 and line.count(first) == len(line):
            block = first
        elif line.startswith("//") and not line.startswith("///"):
            pass
        elif first == "=" and (heading := _heading_title(line)):
            if title:
                sections.append(_Section(heading, index + 1, lines))
            else:
                title = heading
        else:
            continue  # a visible line: the run goes on
        if index > start:
            current.ranges.append((start, index))
        current = sections[-1] if sections else lead
        start = index + 1
    if not block and len(lines) > start:
        current.ranges.append((start, len(lines)))
    return title, lead, sections


def _paragraphs(section: _Section) -> list[str]:
    """The section's paragraphs, plain text, read from its visible lines where they stand (no list of them)."""
    paragraphs: list[str] = []
    buffer: list[str] = []
    for start, stop in section.ranges:
        for line in section.source[start:stop]:
            line = line.rstrip()
            if not line or (line[:1] in ":[+eibe" and _SKIP_LINE.fullmatch(line.lstrip())):
                if buffer:
                    paragraphs.append(plain(" ".join(buffer)))
                    buffer = []
                continue
            buffer.append(line)
    if buffer:
        paragraphs.append(plain(" ".join(buffer)))
    return [p for p in paragraphs if p]


@functools.lru_cache(maxsize=1024)  # section titles repeat from page to page
def _kind(title: str) -> str:
    lowered = plain(title).lower().replace("{api-", "").replace("}", "")
    for key in ("path", "query", "request body", "body"):
        if lowered.startswith(key) and ("param" in lowered or "parms" in lowered or key in ("request body", "body")):
            return _LOCATIONS[key]
    if "response code" in lowered or lowered in ("responses", "response-codes-title"):
        return "status"
    if lowered.startswith(("authorization", "prereq")):
        return "authorization"
    if lowered.startswith("description"):
        return "description"
    if lowered.startswith("request"):
        return "request"
    return ""


def _definitions(section: _Section) -> list[tuple[str, str]]:
    """The ``term:: description`` items of a section: (term, description)."""
    items: list[tuple[str, list[str]]] = []
    for start, stop in section.ranges:  # the visible lines, read where they stand (no list of them)
        for line in section.source[start:stop]:
            stripped = line.strip()
            item = _ITEM.fullmatch(stripped) if "::" in stripped and not line.startswith((" ", "\t")) else None
            if item:
                items.append((item.group(1), [item.group(2) or ""]))
            elif items and stripped and stripped != "+":
                items[-1][1].append(stripped)
            elif items and not stripped and any(items[-1][1]):
                items.append(("", []))  # a blank line ends the description
    return [(term, " ".join(p for p in parts if p)) for term, parts in items if term]


def _parameter(term: str, description: str, location: str) -> Parameter:
    names = _BACKTICKED.findall(term)
    name = (names[0] if names else term.split("(")[0]).strip().strip("<>")
    required: bool | None = None
    flag = _FLAG.search(term)
    if flag:
        required = flag.group(1).lower() == "required"
    typed = _TYPE.fullmatch(description)
    type_text = ""
    if typed:
        if typed.group(1):
            required = typed.group(1).lower() == "required"
        type_text, description = typed.group(2).strip(), typed.group(3)
    return Parameter(name=name, location=location, required=required, type=type_text, description=plain(description))


def page_metadata(lines: Sequence[str], path: str, marked: Sequence[int] | None = None) -> PageMeta:
    """Read the page's title, lead, request lines, parameters, status codes and privileges.

    :param marked: the indexes of the lines starting with a character of ``OUTLINE_MARKS``
        (a caller that has already listed them passes them; others leave it out).
    """
    if marked is None:
        marked = [i for i, line in enumerate(lines) if line[:1] in OUTLINE_MARKS]
    title, lead, sections = _outline(lines, marked)
    lead_paragraphs = _paragraphs(lead)
    meta = PageMeta(title=plain(title), description=" ".join(lead_paragraphs))
    requests: list[tuple[str, str, int]] = []
    parameters: list[Parameter] = []
    codes: list[StatusCode] = []
    described: list[str] = []
    authorization = ""
    for section in sections:
        kind = _kind(section.title)
        if kind == "request":
            requests.extend((m.group(1), m.group(2), n) for n, line in section.lines
                            if (m := _REQUEST.fullmatch(line.strip())))
        elif kind in ("path", "query", "body"):
            parameters.extend(_parameter(t, d, kind) for t, d in _definitions(section))
        elif kind == "status":
            codes.extend(StatusCode(int(m.group(1)), plain(d)) for t, d in _definitions(section)
                         if (m := _STATUS.match(t.strip())))
        elif kind == "authorization":
            authorization = " ".join(_paragraphs(section))
        elif kind == "description":
            described.extend(_paragraphs(section))
    if not authorization:
        authorization = next((p for p in described + lead_paragraphs if "privilege" in p.lower()), "")
    description = " ".join(p for p in described if p != authorization) or meta.description
    meta.operations = tuple(
        Operation(method=method, path=template, title=meta.title, description=description,
                  parameters=tuple(parameters), status_codes=tuple(codes), authorization=authorization,
                  span=Span(path, number, 1))
        for method, template, number in requests)
    return meta
