"""Cloud-style API reference pages: a page outline -> Operation and Examples.

RST and HTML pages in the cloud-provider style share one shape: a "Function"
paragraph, a "URI" section with the request line, parameter tables, "Example
Request(s)", "Example Response(s)" and a "Status Codes" table. ``cloud_sections``
splits the outline (``harness.parsers.page``) into those sections, ``cloud_tables``
reads the tables, ``cloud_examples`` the examples and ``cloud_checks`` compares
the two; this module puts the Document together.
"""

from __future__ import annotations

import re

from harness.model import Diagnostic, Document, Example, Format, Level, Operation, Span
from harness.parsers.cloud_checks import check_examples
from harness.parsers.cloud_examples import read_examples
from harness.parsers.cloud_sections import (
    Kind,
    RequestLine,
    Section,
    find_request_line,
    labelled_request,
    split_sections,
    status_label,
)
from harness.parsers.cloud_tables import read_tables
from harness.parsers.page import Block, Code, Heading, Outline, Text
from harness.parsers.repeated_keys import repeated_key_warnings
from harness.parsers.source_lines import attach_source_lines

__all__ = ["build_document"]


def _page_title(blocks: list[Block]) -> str:
    headings = [b for b in blocks if isinstance(b, Heading)]
    if not headings:
        return ""
    top = min(h.level for h in headings)
    return next(h.title for h in headings if h.level == top)


def _request_lines(sections: list[Section]) -> tuple[list[RequestLine], bool]:
    """The documented request lines: those of the URI section, else the first in other text.

    A URI section may list alternatives (``/v2.1/...`` and ``/v2/...``); the first is
    the operation's, all of them are templates an example may fit.
    """
    uri = [b for s in sections if s.kind is Kind.URI for b in s.blocks if isinstance(b, (Text, Code))]
    found = [line for b in uri if (line := find_request_line(b.text, b.span)) is not None]
    if found:
        return found, True
    labelled = labelled_request([(b.text, b.span) for b in uri])  # "Method: POST" / "PATH: /v1/..."
    if labelled is not None:
        return [labelled], True
    ordered = [s for s in sections if s.kind not in (Kind.URI, Kind.EXAMPLE_REQUEST, Kind.EXAMPLE_RESPONSE)]
    ordered += [s for s in sections if s.kind is Kind.EXAMPLE_REQUEST]
    for section in ordered:
        for block in section.blocks:
            if isinstance(block, (Text, Code)) and (line := find_request_line(block.text, block.span)):
                return [line], False
    return [], False


def _body_only_among_several(sections: list[Section], examples: list[Example],
                             lines: list[RequestLine]) -> list[Diagnostic]:
    """A body-only example request is completed with the first documented request line; when the URI
    section documents requests of different methods (PUT and PATCH), say so at the block, never choose
    silently."""
    shown = list(dict.fromkeys(f"{x.method} {x.path}" for x in lines))
    if len({x.method for x in lines}) < 2:
        return []
    blocks = {b.span for s in sections if s.kind is Kind.EXAMPLE_REQUEST for b in s.blocks if isinstance(b, Code)}
    out = []
    for example in examples:
        for request in example.requests:
            if request.span in blocks and request.method == lines[0].method:
                out.append(Diagnostic(
                    Level.WARNING, "ambiguous-request-line", f"this example request shows only a body; it is sent "
                    f"as {shown[0]}, the first of the requests the URI section documents ({', '.join(shown)})",
                    request.span, "write the request line above the body, so the example says which request it is"))
    return out


_SEVERAL_CODES = re.compile(r"status\s+codes?\s*[:：]?\s*(\d{3})((?:\s*(?:/|,|\bor\b|\band\b)\s*\d{3}\b)+)", re.I)


def _several_status_codes(blocks: list[Block]) -> list[Diagnostic]:
    """A status label naming several codes ("Status code: 200/201"): the example expects the first only,
    so say so at the label instead of failing the others' answers unexplained."""
    out = []
    for block in blocks:
        text = block.title if isinstance(block, Heading) else block.text if isinstance(block, Text) else ""
        found = _SEVERAL_CODES.search(text) if status_label(text) is not None else None
        if found is not None:
            codes = [found[1], *re.findall(r"\d{3}", found[2])]
            out.append(Diagnostic(
                Level.WARNING, "several-status-codes", f"this label names several status codes ({', '.join(codes)}); "
                f"the example's answer must be {codes[0]}, and any other fails", block.span,
                "give each status its own label and response, or name the one the example shows"))
    return out


def build_document(outline: Outline, fmt: Format) -> Document:
    """Turn a front-end's outline into the shared Document model."""
    sections = split_sections(outline.blocks)
    title = _page_title(outline.blocks)
    function = [b.text for s in sections if s.kind is Kind.FUNCTION for b in s.blocks if isinstance(b, Text)]
    description = "\n\n".join(" ".join(t.split()) for t in function)
    lines, documented = _request_lines(sections)
    line = lines[0] if lines else None
    diagnostics = list(outline.diagnostics) + _several_status_codes(outline.blocks)
    tables = read_tables(sections, line.path if line else "", outline.path, line.method if line else "")
    diagnostics += tables.diagnostics
    operations: tuple[Operation, ...] = ()
    if line is not None:
        operations = (Operation(
            method=line.method, path=line.path, title=title, description=description,
            parameters=tables.parameters, response_fields=tables.response_fields, objects=tables.objects,
            status_codes=tables.status_codes, span=line.span),)
    elif any(s.kind in (Kind.URI, Kind.EXAMPLE_REQUEST) for s in sections):
        diagnostics.append(Diagnostic(
            Level.WARNING, "missing-request-line", "the page has no 'METHOD /path' request line",
            Span(outline.path, 1),
            hint="write the request line (e.g. 'POST /v1/{project_id}/jobs') in the URI section"))
    templates = tuple(f"{x.method} {x.path}" for x in lines) if documented else ()
    examples, found = read_examples(sections, operations[0] if operations else None, outline.path, templates)
    diagnostics += found
    if operations:
        templates = tuple(f"{x.method} {x.path}" for x in lines)
        if not documented:  # no URI section: a walk-through of several calls, no template to hold them to
            templates += tuple(f"{r.method} {r.path}" for e in examples for r in e.requests)
        diagnostics += check_examples(examples, operations[0], templates, outline.lines)
        diagnostics += _body_only_among_several(sections, examples, lines)
    diagnostics += repeated_key_warnings(examples)
    return Document(path=outline.path, format=fmt, title=title, description=description,
                    operations=operations, examples=tuple(examples),
                    diagnostics=attach_source_lines(diagnostics, outline.lines))
