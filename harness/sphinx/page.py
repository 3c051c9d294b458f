"""Docutils nodes for one operation page: the same sections whatever the source format.

Title, description, request (method + path template), path / query / header
parameters, request body, response fields with their nested object tables
linked, status codes, authorization, examples — always in this order, and a
section the page documents nothing for is left out. The notes for writers (the
page's diagnostics) are shown only when asked for; the site lists them on its
own "Notes for writers" page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from docutils import nodes

from harness.model import Document, Notice, Operation, Parameter
from harness.publish.badges import Badge, summarise
from harness.publish.codegen import CodegenOptions
from harness.sphinx.blocks import Cell, literal, paragraphs, section, table
from harness.sphinx.examples import ExampleView, example_nodes, source_link

__all__ = ["PageView", "operation_page", "diagnostics_admonition", "example_section"]

PARAMETER_SECTIONS = (("path", "Path parameters"), ("query", "Query parameters"),
                      ("header", "Header parameters"), ("body", "Request body"))


@dataclass(frozen=True, slots=True)
class PageView:
    """Everything an operation page shows beyond the model.

    :param name: the page's safe name, prefix of every anchor on it.
    :param source_path: the document path shown to readers.
    :param source_url: the source-link template (``{path}``, ``{line}``), or ``""``.
    :param badges: one badge per shown example, same order as ``examples``.
    :param examples: indices into the document's examples.
    :param codegen: options for the code tabs.
    :param title: the page title (``""``: the operation's or document's own).
    :param writer_notes: show the document's diagnostics on the page.
    """

    name: str
    source_path: str
    source_url: str
    badges: tuple[Badge, ...]
    examples: tuple[int, ...]
    codegen: CodegenOptions
    title: str = ""
    writer_notes: bool = False


def _anchor(view: PageView, *parts: str) -> str:
    return nodes.make_id("-".join(p for p in (view.name, *parts) if p)) or "section"


def _required(value: bool | None) -> str:
    return {True: "Yes", False: "No", None: "-"}[value]


def _type_cell(parameter: Parameter, objects: dict[str, str]) -> Cell:
    target = objects.get(parameter.object_ref)
    if not target:
        return parameter.type or "-"
    text = parameter.type or parameter.object_ref
    return nodes.reference("", text, refid=target, classes=["docharness-object-link"])


def _parameter_table(parameters: Sequence[Parameter], objects: dict[str, str], required: bool) -> nodes.table:
    headers = ["Name", "Required", "Type", "Description"] if required else ["Name", "Type", "Description"]
    rows: list[list[Cell]] = []
    for p in parameters:
        name: Cell = nodes.literal(p.name, p.name)
        cells = [name, _required(p.required), _type_cell(p, objects), p.description or "-"]
        rows.append(cells if required else [cells[0], cells[2], cells[3]])
    return table(headers, rows, [20, 10, 20, 50] if required else [25, 25, 50])


NOTICE_TITLES = {"experimental": "Experimental", "beta": "Beta", "deprecated": "Deprecated", "note": "Note",
                 "tip": "Tip", "important": "Important", "warning": "Warning", "caution": "Caution"}


def notice_node(notice: Notice) -> nodes.Element:
    """A page's admonition for readers (experimental, deprecated, note, warning...), as an admonition."""
    title = NOTICE_TITLES.get(notice.kind, notice.kind.title())
    box = nodes.admonition(classes=["docharness-notice", f"docharness-notice-{notice.kind}",
                                    "warning" if notice.kind in ("deprecated", "warning", "caution") else "note"])
    box += nodes.title(title, title)
    box += paragraphs(notice.text) or [nodes.paragraph("", title)]
    return box


def diagnostics_admonition(document: Document, source_path: str, source_url: str) -> nodes.Element:
    """The notes for writers: one line per diagnostic of the page with level, file:line and message."""
    note = nodes.admonition(classes=["docharness-diagnostics"])
    note += nodes.title("Notes for writers", "Notes for writers")
    items = nodes.bullet_list()
    for d in document.diagnostics:
        line = nodes.paragraph()
        line += nodes.strong(d.level.value, d.level.value)
        line += nodes.Text(" ")
        own = d.span.path in ("", document.path)
        line += source_link(source_path if own else d.span.path, d.span.line, source_url if own else "")
        line += nodes.Text(f" {d.message}" + (f" ({d.hint})" if d.hint else ""))
        items += nodes.list_item("", line)
    note += items
    return note


def example_section(document: Document, view: PageView) -> nodes.section:
    """The Examples section: a summary line then each example block."""
    body = section("Examples", _anchor(view, "examples"))
    tally = summarise(view.badges)
    summary = ", ".join(f"{n} {state.replace('-', ' ')}" for state, n in tally.items() if n)
    body += paragraphs(f"{len(view.examples)} example(s): {summary}.", ["docharness-summary"])
    for index, badge in zip(view.examples, view.badges):
        example = document.examples[index]
        anchor = _anchor(view, "example", str(index + 1), example.name)
        body += example_nodes(document, example, ExampleView(badge, view.codegen, view.source_path,
                                                             view.source_url, anchor))
    return body


def _operation_sections(operation: Operation, view: PageView,
                        note_endpoint: Callable[[str, str], str | None]) -> list[nodes.Node]:
    objects = {o.name: _anchor(view, "object", o.name) for o in operation.objects}
    request = section("Request", _anchor(view, "request"),
                      literal(f"{operation.method} {operation.path}", "text", ["docharness-request"]))
    endpoint = note_endpoint(operation.method, operation.path)
    if endpoint:
        request["ids"].append(endpoint)  # where the routing table and :http: references link
    out: list[nodes.Node] = [request]
    for location, title in PARAMETER_SECTIONS:
        found = [p for p in operation.parameters if p.location == location]
        if found:  # a section with nothing documented is left out
            out.append(section(title, _anchor(view, location), _parameter_table(found, objects, True)))
    if operation.response_fields or operation.objects:
        fields = section("Response fields", _anchor(view, "response"))
        if operation.response_fields:
            fields += _parameter_table(operation.response_fields, objects, False)
        for obj in operation.objects:
            fields += section(obj.name, objects[obj.name], _parameter_table(obj.fields, objects, False))
        out.append(fields)
    if operation.status_codes:
        codes = table(["Status code", "Description"],
                      [[str(s.code), s.description or "-"] for s in operation.status_codes], [20, 80])
        out.append(section("Status codes", _anchor(view, "status-codes"), codes))
    if operation.authorization.strip():
        out.append(section("Authorization", _anchor(view, "authorization"), *paragraphs(operation.authorization)))
    return out


def operation_page(document: Document, operation: Operation | None, view: PageView,
                   note_endpoint: Callable[[str, str], str | None]) -> nodes.section:
    """The page's one top section; ``note_endpoint(method, path)`` registers the endpoint and
    returns the id to give its Request section (``None``: not indexed)."""
    title = view.title or (operation.title if operation and operation.title else document.title) or view.source_path
    if not view.title and operation is not None and \
            sum((op.title or document.title) == title for op in document.operations) > 1:
        title = f"{title} ({operation.method} {operation.path})"  # one page per operation: tell them apart
    page = section(title, _anchor(view, "page"))
    page["classes"].append("docharness-page")
    description = (operation.description if operation and operation.description else document.description)
    page += paragraphs(description)
    page += [notice_node(notice) for notice in document.notices]
    origin = nodes.paragraph("", "", classes=["docharness-origin"])
    origin += nodes.Text(f"Documented in {document.format.value}: ")
    line = operation.span.line if operation and operation.span else 1
    origin += source_link(view.source_path, line, view.source_url)
    page += origin
    if document.diagnostics and view.writer_notes:
        page += diagnostics_admonition(document, view.source_path, view.source_url)
    if operation is not None:
        page += _operation_sections(operation, view, note_endpoint)
    if view.examples:
        page += example_section(document, view)
    return page
